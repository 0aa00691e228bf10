import type { Metadata } from "next";
import Link from "next/link";
import { notFound as notFoundPage } from "next/navigation";
import { getRequest } from "@/lib/requests/get-request";
import { isAppError } from "@/lib/errors";
import { humanDuration } from "@/lib/validation";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Countdown } from "@/components/ui/countdown";
import { LiveRefresh } from "@/components/ui/live-refresh";
import { CancelButton, ReviewForm } from "./_components/request-controls";
import { CredentialReveal } from "@/components/grants/credential-reveal";
import { getDecisionOptions } from "@/lib/requests/decision-options";
import { DecisionControls } from "./_components/decision-controls";
import { Time } from "@/components/ui/time";
import { History } from "@/components/ui/history";

export const metadata: Metadata = { title: "Request" };

export default async function RequestPage({ params }: PageProps<"/requests/[id]">) {
  const actor = await requireArea("requests");
  const { id } = await params;
  const r = await getRequest({ actor, requestId: id, withHistory: true }).catch((e) => {
    if (isAppError(e) && (e.code === "not_found" || e.code === "validation_failed")) notFoundPage();
    throw e;
  });
  const decisionOptions = await getDecisionOptions({ actor, requestId: r.id });
  const decision = r.decision as { outcome?: string; reasons?: string[]; policyIds?: string[] } | null;
  return (
    <>
      <LiveRefresh topics={[`access_request:${r.id}`, ...(r.grant ? [`grant:${r.grant.id}`] : [])]} />
      <PageHeader
        title={`${r.entitlement.name} for ${r.identity.name}`}
        description={r.justification}
        actions={
          r.mine && r.status === "pending" ? (
            <CancelButton requestId={r.id} />
          ) : r.mine && r.requesterUserId && ["denied", "cancelled", "expired"].includes(r.status) && !r.extendsGrantId ? (
            <Link href={`/requests/new?again=${r.id}`} className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-zinc-50">
              Request again
            </Link>
          ) : null
        }
      />
      {decisionOptions ? <DecisionControls requestId={r.id} options={decisionOptions} /> : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <section className="rounded-lg border border-zinc-200 bg-white p-4 text-sm">
          <h2 className="mb-3 font-semibold">Request</h2>
          <dl className="grid grid-cols-[7rem_minmax(0,1fr)] wrap-anywhere max-sm:gap-x-2 sm:grid-cols-[10rem_minmax(0,1fr)] gap-y-2">
            <dt className="text-zinc-500">Status</dt>
            <dd className="flex gap-1" data-testid="request-status">
              <StatusBadge value={r.status} />
              {r.breakGlass ? <Badge tone="red">break-glass</Badge> : null}
            </dd>
            <dt className="text-zinc-500">Requested by</dt>
            <dd>{r.requesterUser?.name ?? "a workload"}</dd>
            <dt className="text-zinc-500">When</dt>
            <dd><Time iso={r.createdAt.toISOString()} /></dd>
            <dt className="text-zinc-500">Window</dt>
            <dd>{humanDuration(r.durationSec)}</dd>
            <dt className="text-zinc-500">Environment · risk</dt>
            <dd className="flex items-start gap-1">
              <StatusBadge value={r.environment} /> <StatusBadge value={r.riskTier} />
            </dd>
            <dt className="text-zinc-500">References</dt>
            <dd>{[r.ticketRef && `ticket ${r.ticketRef}`, r.incidentRef && `incident ${r.incidentRef}`, r.changeRef && `change ${r.changeRef}`].filter(Boolean).join(" · ") || "—"}</dd>
            <dt className="text-zinc-500">Decision</dt>
            <dd>
              {decision?.reasons?.join("; ") ?? "—"}
              {decision?.policyIds?.length ? <span className="block text-xs text-zinc-500">{decision.policyIds.join(", ")}</span> : null}
            </dd>
            <dt className="text-zinc-500">Approvals</dt>
            <dd data-testid="approvals">
              {r.approvals.length === 0
                ? `none yet (${r.approvalsRequired} needed${r.securityApprovalRequired ? ", one from security" : ""})`
                : r.approvals.map((a) => (
                    <div key={a.id}>
                      {a.decision === "approve" ? "✓" : "✗"} {a.approver.name}
                      {a.asSecurity ? " (security)" : ""}
                      {a.comment ? <span className="text-zinc-500"> — {a.comment}</span> : null}
                    </div>
                  ))}
            </dd>
            {r.status === "pending" ? (
              <>
                <dt className="text-zinc-500">Expires unanswered</dt>
                <dd><Time iso={r.expiresAt.toISOString()} /></dd>
              </>
            ) : null}
          </dl>
        </section>
        <section className="rounded-lg border border-zinc-200 bg-white p-4 text-sm">
          <h2 className="mb-3 font-semibold">Grant</h2>
          {r.grant ? (
            <div className="space-y-3">
              <div className="flex items-center gap-2" data-testid="grant-status">
                <StatusBadge value={r.grant.status} />
                {r.grant.status === "active" ? (
                  <span>
                    ends in <Countdown until={r.grant.expiresAt.toISOString()} />
                  </span>
                ) : null}
              </div>
              {r.grant.lastError ? <p className="text-red-700">{r.grant.lastError}</p> : null}
              {r.mine && r.grant.status === "active" && r.grant.credentialSealed ? <CredentialReveal grantId={r.grant.id} /> : null}
              <Link className="block w-fit underline" href={`/grants/${r.grant.id}`}>
                Grant details and history →
              </Link>
            </div>
          ) : (
            <p className="text-zinc-600">{r.status === "pending" ? "Issued once the request is approved." : "No grant was issued."}</p>
          )}
        </section>
      </div>
      {r.review ? (
        <section className="mt-6 rounded-lg border border-red-200 bg-white p-4 text-sm" data-testid="break-glass-review">
          <h2 className="mb-2 font-semibold text-red-800">After-action review</h2>
          {r.review.status === "open" ? (
            r.mayReview ? (
              <ReviewForm requestId={r.id} />
            ) : (
              <p className="text-zinc-600">Open: {r.reviewRefusal}.</p>
            )
          ) : (
            <p>
              Completed <Time iso={r.review.completedAt?.toISOString()} />: {r.review.findings}
            </p>
          )}
        </section>
      ) : null}
      <History entries={r.history} testId="request-history" />
    </>
  );
}
