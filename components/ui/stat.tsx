import Link from "next/link";

export function Stat({ label, value, href, tone, hint }: { label: string; value: number; href?: string; tone?: "red" | "amber"; hint?: string }) {
  const color = tone === "red" && value > 0 ? "text-red-700" : tone === "amber" && value > 0 ? "text-amber-700" : "text-zinc-900";
  const body = (
    <div className="h-full rounded-lg border border-zinc-200 bg-white p-3 transition hover:border-zinc-400 sm:p-4">
      <div className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</div>
      <div className={`mt-1 text-2xl font-semibold sm:text-3xl tabular-nums ${color}`}>{value.toLocaleString("en")}</div>
      {hint ? <div className="mt-1 text-xs text-zinc-500">{hint}</div> : null}
    </div>
  );
  return href ? (
    <Link href={href} className="block">
      {body}
    </Link>
  ) : (
    body
  );
}
