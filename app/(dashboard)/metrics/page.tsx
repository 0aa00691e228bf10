import type { Metadata } from "next";
import Link from "next/link";
import { getPrivilegeMetrics } from "@/lib/metrics/get-privilege-metrics";
import { BREAKDOWNS, PRESETS } from "@/lib/metrics/metrics-range";
import { requireArea } from "@/lib/web/session";
import { humanDuration } from "@/lib/validation";
import { PageHeader } from "@/components/ui/page-header";
import { MetricsCharts } from "./_components/charts";

export const metadata: Metadata = { title: "Metrics" };

/** Seconds, switching to minutes/hours/days once they read better. */
const secs = (v: number | null) => (v === null ? "—" : v < 60 ? `${v.toFixed(2)} s` : humanDuration(v));
const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 100)} %`);
const BREAKDOWN_LABELS: Record<(typeof BREAKDOWNS)[number], string> = {
  none: "No breakdown",
  environment: "Environment",
  identityKind: "Identity kind",
  riskTier: "Risk tier",
  issuer: "Issuer",
  team: "Team",
};

export default async function MetricsPage({ searchParams }: PageProps<"/metrics">) {
  const actor = await requireArea("metrics");
  const sp = await searchParams;
  const one = (k: string) => (typeof sp[k] === "string" ? (sp[k] as string) : undefined);
  const query = { range: one("range"), from: one("from"), to: one("to"), by: one("by") };
  let m;
  try {
    m = await getPrivilegeMetrics({ actor, query });
  } catch (e) {
    if (!(e instanceof Error && "code" in e && e.code === "bad_request")) throw e;
    return (
      <>
        <PageHeader title="Metrics" description="Privilege duration, not approval counts." />
        <p role="status" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-800">{e.message}. <Link className="underline" href="/metrics">Show the last 30 days</Link></p>
      </>
    );
  }
  const custom = Boolean(query.from || query.to);
  const active = custom ? "custom" : (query.range ?? "30d");
  const link = (over: Record<string, string | undefined>) => {
    const q = new URLSearchParams(Object.entries({ range: query.range, from: query.from, to: query.to, by: query.by, ...over }).filter(([, v]) => v) as [string, string][]);
    return `/metrics${q.size ? `?${q}` : ""}`;
  };
  const cards: [string, string, string, string][] = [
    ["Grants issued", String(m.grantsIssued), "temporary grants issued in the range", "/grants?status=revoked"],
    ["Privilege-hours", `${m.privilegeHours.toLocaleString("en")} h`, `JIT; standing (exceptions): ${m.standingPrivilegeHours.toLocaleString("en")} h`, "/grants?status=active"],
    ["Outlived their window", String(m.outlived.count), m.outlived.count ? `by ${secs(m.outlived.totalSeconds)} in all, at most ${secs(m.outlived.maxSeconds)}` : "every revoke was verified before the window ended", "/grants?status=revoked"],
    ["Revocation lag", `${secs(m.revocationLagSeconds.p50)} / ${secs(m.revocationLagSeconds.p95)}`, `p50 / p95 from window end to verified revoke (max ${secs(m.revocationLagSeconds.max)})`, "/grants?status=revoked"],
    ["Revoke failing", String(m.revokeFailed), `and ${m.irrevocable} irrevocable, now`, "/grants?status=revoke_failed"],
    ["Never used", String(m.unused.count), `holding ${m.unused.privilegeHours.toLocaleString("en")} privilege-hours`, "/grants?status=active"],
    ["Ended early", pct(m.endedEarlyShare), `${m.endedEarly} revoked before the window ran out`, "/grants?status=revoked"],
    ["Extended", String(m.extended), `${m.extensions} extensions, each a new decision`, "/requests"],
    ["Approval latency", `${secs(m.approvalLatencySeconds.p50)} / ${secs(m.approvalLatencySeconds.p95)}`, `p50 / p95 from request to decision, ${m.approvalLatencySeconds.decided} decided`, "/requests"],
    ["Approved without a person", pct(m.autoApprovedShare), "of decided requests, by policy", "/requests"],
    ["Break-glass", String(m.breakGlass), "self-approved emergency grants", "/requests"],
    ["Standing exceptions", String(m.exceptions.active), `${m.exceptions.expiringIn7Days} expiring within 7 days, ${m.exceptions.overdue} overdue`, "/exceptions"],
    ["Identities unowned", String(m.identities.unowned), `of ${m.identities.active} active; ${m.identities.unattested} not attested in 90 days`, "/identities"],
  ];
  return (
    <>
      <PageHeader title="Metrics" description="Privilege duration, not approval counts: how long privilege was live, whether it was used, and how fast it ended." />
      <div className="mb-4 flex flex-wrap items-end gap-3 text-sm">
        <nav aria-label="Time range" className="flex overflow-hidden rounded border border-zinc-300">
          {Object.keys(PRESETS).map((r) => (
            <Link key={r} href={link({ range: r, from: undefined, to: undefined })} aria-current={active === r ? "true" : undefined} className={`px-3 py-1.5 ${active === r ? "bg-zinc-900 text-white" : "bg-white hover:bg-zinc-50"}`}>
              {r}
            </Link>
          ))}
        </nav>
        <form method="get" action="/metrics" className="flex flex-wrap items-end gap-2">
          <label className="flex flex-col text-xs text-zinc-600">
            From (UTC)
            <input name="from" type="datetime-local" defaultValue={custom ? m.from.slice(0, 16) : ""} className="rounded border border-zinc-300 px-2 py-1 text-sm" />
          </label>
          <label className="flex flex-col text-xs text-zinc-600">
            To (UTC)
            <input name="to" type="datetime-local" defaultValue={custom ? m.to.slice(0, 16) : ""} className="rounded border border-zinc-300 px-2 py-1 text-sm" />
          </label>
          <label className="flex flex-col text-xs text-zinc-600">
            Breakdown
            <select name="by" defaultValue={m.by} className="rounded border border-zinc-300 px-2 py-1 text-sm">
              {BREAKDOWNS.map((b) => <option key={b} value={b}>{BREAKDOWN_LABELS[b]}</option>)}
            </select>
          </label>
          {!custom && <input type="hidden" name="range" value={active} />}
          <button className="rounded bg-zinc-900 px-3 py-1.5 text-white">Apply</button>
        </form>
        <span className="text-xs text-zinc-500">{m.from.slice(0, 16).replace("T", " ")} – {m.to.slice(0, 16).replace("T", " ")} UTC, per {m.bucket}</span>
      </div>
      <MetricsCharts m={m} />
      <dl className="mt-4 grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {cards.map(([label, value, hint, href]) => (
          <div key={label} className="rounded-lg border border-zinc-200 bg-white p-4">
            <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
            <dd className="mt-1 text-xs text-zinc-500">{hint} · <Link className="text-blue-700 hover:underline" href={href}>rows</Link></dd>
          </div>
        ))}
      </dl>
    </>
  );
}
