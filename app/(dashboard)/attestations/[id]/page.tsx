import type { Metadata } from "next";
import Link from "next/link";
import { notFound as notFoundPage } from "next/navigation";
import { can } from "@/lib/authz";
import { getCampaign } from "@/lib/attestations/get-campaign";
import { QUARANTINE_GRACE_MS } from "@/lib/attestations/escalate-campaigns";
import { isAppError } from "@/lib/errors";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { formatDate, formatTime } from "@/components/ui/format";
import { CloseCampaignButton } from "./_components/close-campaign-button";
import { Time } from "@/components/ui/time";

export const metadata: Metadata = { title: "Attestation campaign" };

const decisionLabels = { keep: "Keep", reduce: "Reduce", decommission: "Decommission", reassign: "Reassigned" } as const;

export default async function CampaignPage({ params }: PageProps<"/attestations/[id]">) {
  const actor = await requireArea("attestations");
  const { id } = await params;
  const c = await getCampaign({ actor, campaignId: id }).catch((e) => {
    if (isAppError(e) && (e.code === "not_found" || e.code === "validation_failed")) notFoundPage();
    throw e;
  });
  const p = c.progress;
  const scope = [c.scope.environment, c.scope.kind?.replaceAll("_", " ")].filter(Boolean).join(" · ") || "all identities";
  const share = p.total ? Math.round((100 * p.attested) / p.total) : 0;
  return (
    <>
      <PageHeader
        title={c.name}
        description={`Scope: ${scope}. Due ${formatTime(c.dueAt)}.`}
        actions={can(actor, "attestation:manage") && c.status === "open" ? <CloseCampaignButton campaignId={c.id} open={p.open} /> : null}
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <section className="rounded-lg border border-zinc-200 bg-white p-4 text-sm">
          <h2 className="mb-3 font-semibold">Campaign</h2>
          <dl className="grid grid-cols-[7rem_minmax(0,1fr)] wrap-anywhere max-sm:gap-x-2 sm:grid-cols-[10rem_minmax(0,1fr)] gap-y-2">
            <dt className="text-zinc-500">Status</dt>
            <dd className="flex gap-1" data-testid="campaign-status">
              <StatusBadge value={c.status} />
              {c.overdue ? <Badge tone="red">overdue</Badge> : null}
            </dd>
            <dt className="text-zinc-500">Due</dt>
            <dd><Time iso={c.dueAt} /></dd>
            <dt className="text-zinc-500">Opened</dt>
            <dd>
              {formatDate(c.createdAt)} by {c.createdBy}
            </dd>
            <dt className="text-zinc-500">Reminder</dt>
            <dd>{c.remindedAt ? `sent ${formatTime(c.remindedAt)}` : "not yet (3 days before the due date)"}</dd>
            <dt className="text-zinc-500">Escalation</dt>
            <dd>{c.escalatedAt ? `to security ${formatTime(c.escalatedAt)}` : "once overdue"}</dd>
            <dt className="text-zinc-500">Auto-quarantine</dt>
            <dd>
              {c.autoQuarantine
                ? `on: identities still unattested ${Math.round(QUARANTINE_GRACE_MS / 3_600_000)} h after the escalation are quarantined`
                : "off"}
            </dd>
          </dl>
        </section>
        <section className="rounded-lg border border-zinc-200 bg-white p-4 text-sm" data-testid="campaign-progress">
          <h2 className="mb-3 font-semibold">Progress</h2>
          <div className="mb-3 flex items-center gap-3">
            <div className="h-2 flex-1 rounded bg-zinc-200">
              <div className="h-2 rounded bg-emerald-600" style={{ width: `${share}%` }} />
            </div>
            <span className="tabular-nums">
              {p.attested}/{p.total} attested ({share}%)
            </span>
          </div>
          <dl className="grid grid-cols-[7rem_minmax(0,1fr)] wrap-anywhere max-sm:gap-x-2 sm:grid-cols-[10rem_minmax(0,1fr)] gap-y-1">
            {(Object.keys(decisionLabels) as (keyof typeof decisionLabels)[]).map((d) => (
              <div key={d} className="contents">
                <dt className="text-zinc-500">{decisionLabels[d]}</dt>
                <dd className="tabular-nums">{p.byDecision[d]}</dd>
              </div>
            ))}
            <dt className="text-zinc-500">Not attested</dt>
            <dd className="tabular-nums">{p.open}</dd>
            {p.quarantined ? (
              <>
                <dt className="text-zinc-500">…of them quarantined</dt>
                <dd className="tabular-nums text-red-700">{p.quarantined}</dd>
              </>
            ) : null}
          </dl>
        </section>
      </div>
      <section className="mt-6" aria-labelledby="open-heading">
        <h2 id="open-heading" className="mb-3 text-lg font-semibold">
          {c.overdue ? "Overdue, by owner" : "Still to attest, by owner"}
        </h2>
        {c.openByOwner.length === 0 ? (
          <p className="text-sm text-zinc-600">Every identity in this campaign is attested.</p>
        ) : (
          <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white">
            <table className="w-full text-left text-sm" data-testid="open-by-owner">
              <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
                <tr>
                  <th className="px-3 py-2">Owner</th>
                  <th className="px-3 py-2">Open</th>
                  <th className="px-3 py-2">Identities</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {c.openByOwner.map((o) => (
                  <tr key={`${o.owner}-${o.ownerEmail}`}>
                    <td className="px-3 py-2">
                      {o.owner ?? <span className="text-red-700">no owner</span>}
                      {o.ownerEmail ? <div className="text-xs text-zinc-500">{o.ownerEmail}</div> : null}
                    </td>
                    <td className={`px-3 py-2 tabular-nums ${c.overdue ? "text-red-700" : ""}`}>{o.open}</td>
                    <td className="px-3 py-2 text-zinc-600">
                      {o.identities.join(", ")}
                      {o.open > o.identities.length ? ` and ${o.open - o.identities.length} more` : ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <p className="mt-6 text-sm">
        <Link href="/attestations" className="underline">
          ← All campaigns
        </Link>
      </p>
    </>
  );
}
