import type { Metadata } from "next";
import { getPrivilegeMetrics } from "@/lib/metrics/get-privilege-metrics";
import { requireArea } from "@/lib/web/session";
import { humanDuration } from "@/lib/validation";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Metrics" };

const fmt = (v: number | null, unit: string, digits = 1) => (v === null ? "—" : `${v.toFixed(digits)} ${unit}`);
/** Seconds, switching to minutes/hours/days once they read better. */
const secs = (v: number | null) => (v === null ? "—" : v < 60 ? `${v.toFixed(2)} s` : humanDuration(v));
const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 100)} %`);

export default async function MetricsPage() {
  const actor = await requireArea("metrics");
  const m = await getPrivilegeMetrics({ actor, query: {} });
  const cards: [string, string, string][] = [
    ["Grants issued", String(m.grantsIssued), `last ${m.windowDays} days`],
    ["Active now", String(m.activeNow), "temporary grants live at this moment"],
    ["Privilege-hours", m.privilegeHours.toLocaleString("en"), "sum of time privilege was live"],
    ["Granted window", `${fmt(m.grantedMinutes.p50, "min", 0)} / ${fmt(m.grantedMinutes.p95, "min", 0)}`, "median / p95 of approved duration"],
    ["Actually held", `${fmt(m.heldMinutes.p50, "min", 0)} / ${fmt(m.heldMinutes.p95, "min", 0)}`, "median / p95 from issue to confirmed revoke"],
    [
      "Revocation lag",
      `${secs(m.revocationLagSeconds.p50)} / ${secs(m.revocationLagSeconds.p99)}`,
      `median / p99 from end of window to confirmed revoke (max ${secs(m.revocationLagSeconds.max)})`,
    ],
    ["Ended early", pct(m.endedEarlyShare), "revoked before the window ran out"],
    ["Used", pct(m.usedShare), "grants with at least one reported use"],
    ["Break-glass", String(m.breakGlass), "self-approved emergency grants"],
    ["Extended", String(m.extended), "grants given more time by a new decision"],
    ["Failing revocations", String(m.failingRevocations), "revoke not yet confirmed by the issuer"],
    ["Standing exceptions", String(m.standingExceptions), "risk-accepted standing access in force"],
    ["Attested", pct(m.attestedShare), "active identities confirmed by their owner in the last 90 days"],
    ["Not attested", String(m.unattestedIdentities), "active identities without a confirmation in 90 days"],
  ];
  return (
    <>
      <PageHeader title="Metrics" description="Privilege duration, not approval counts: how long privilege was live, whether it was used, and how fast it ended." />
      <dl className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {cards.map(([label, value, hint]) => (
          <div key={label} className="rounded-lg border border-zinc-200 bg-white p-4">
            <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
            <dd className="mt-1 text-xs text-zinc-500">{hint}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
