export const th = "px-3 py-2 font-medium";
export const td = "px-3 py-2 align-top";
export const thead = "border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500";

export function Section({ title, description, children }: { title: string; description: string; children: React.ReactNode }) {
  return (
    <section className="mb-10">
      <h2 className="text-lg font-semibold">{title}</h2>
      <p className="mb-3 text-sm text-zinc-600">{description}</p>
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">{children}</div>
    </section>
  );
}
