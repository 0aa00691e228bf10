import type { Metadata } from "next";
import Link from "next/link";
import { History } from "@/components/ui/history";
import { CredentialReveal } from "@/components/grants/credential-reveal";
import { notFound as notFoundPage } from "next/navigation";
import { getException } from "@/lib/exceptions/get-exception";
import { isAppError } from "@/lib/errors";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Countdown } from "@/components/ui/countdown";
import { LiveRefresh } from "@/components/ui/live-refresh";
import { formatTime } from "@/components/ui/format";
import { RenewForm, ResubmitForm, ReviewForm, RevokeForm } from "./_components/exception-forms";
import { Time } from "@/components/ui/time";

export const metadata: Metadata = { title: "Exception" };

export default async function ExceptionPage({ params }: PageProps<"/exceptions/[id]">) {
  const actor = await requireArea("exceptions");
  const { id } = await params;
  const e = await getException({ actor, exceptionId: id }).catch((err) => {
    if (isAppError(err) && (err.code === "not_found" || err.code === "validation_failed")) notFoundPage();
    throw err;
  });
  const g = e.grant;
  const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
  const defaults = {
    riskRating: e.riskRating,
    justification: e.justification,
    compensatingControls: e.compensatingControls,
    reviewCadenceDays: e.reviewCadenceDays,
  };
  const reviewing = e.may.accept || e.may.reject || e.may.requestChanges;
  return (
    <>
      <LiveRefresh topics={[`exception:${e.id}`, ...(g ? [`grant:${g.id}`] : [])]} />
      <PageHeader title={`${e.entitlement.name} for ${e.identity.name}`} description={e.justification} />
      {e.overdue ? (
        <p role="alert" data-testid="exception-overdue" className="mb-4 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800">
          Past its end (<Time iso={iso(e.expiresAt)} />) and the standing access is not confirmed revoked yet: grant {g?.status.replaceAll("_", " ") ?? "missing"}
          {g?.lastError ? ` — ${g.lastError}` : ""}. The worker keeps retrying.
        </p>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <section className="rounded-lg border border-zinc-200 bg-white p-4 text-sm">
          <dl className="grid grid-cols-[7rem_minmax(0,1fr)] wrap-anywhere max-sm:gap-x-2 sm:grid-cols-[10rem_minmax(0,1fr)] gap-y-2">
            <dt className="text-zinc-500">Status</dt>
            <dd className="flex flex-wrap items-center gap-1" data-testid="exception-status">
              <StatusBadge value={e.status} />
              {e.renewalOf ? <Badge tone="violet">renewal</Badge> : null}
              {e.revokeRequestedAt && e.status === "accepted" ? <Badge tone="red">ending early</Badge> : null}
              {e.status === "accepted" && e.expiresAt && !e.overdue ? (
                <span>
                  ends in <Countdown until={e.expiresAt.toISOString()} />
                </span>
              ) : null}
            </dd>
            <dt className="text-zinc-500">Identity</dt>
            <dd>
              {e.identity.name} <span className="text-zinc-500">· {e.identity.kind.replaceAll("_", " ")} · owned by {e.identity.ownerUser?.name ?? e.identity.ownerTeam?.name ?? "nobody"}</span>
            </dd>
            <dt className="text-zinc-500">Entitlement</dt>
            <dd>
              {e.entitlement.name} <span className="text-zinc-500">· through {e.entitlement.issuer.name} ({e.entitlement.issuer.type})</span>
            </dd>
            <dt className="text-zinc-500">Risk</dt>
            <dd className="flex items-center gap-1">
              <StatusBadge value={e.riskRating} /> <span className="text-xs text-zinc-500">at most {e.maxDays} days</span>
            </dd>
            <dt className="text-zinc-500">Compensating controls</dt>
            <dd className="whitespace-pre-line">{e.compensatingControls || "—"}</dd>
            <dt className="text-zinc-500">Proposed</dt>
            <dd>
              by {e.proposedBy.name}, <Time iso={iso(e.createdAt)} />
            </dd>
            <dt className="text-zinc-500">Requested end</dt>
            <dd><Time iso={iso(e.requestedEndAt)} /></dd>
            <dt className="text-zinc-500">Review cadence</dt>
            <dd>
              every {e.reviewCadenceDays} days{e.nextReviewAt ? ` · next ${formatTime(iso(e.nextReviewAt))}` : ""}
            </dd>
            {e.reviewedBy ? (
              <>
                <dt className="text-zinc-500">Last review</dt>
                <dd>
                  {e.reviewedBy.name}, <Time iso={iso(e.reviewedAt)} />
                  {e.reviewComment ? <span className="block text-zinc-600" data-testid="exception-review-comment">“{e.reviewComment}”</span> : null}
                </dd>
              </>
            ) : null}
            <dt className="text-zinc-500">Risk accepted by</dt>
            <dd data-testid="exception-accepted-by">{e.acceptedBy ? `${e.acceptedBy.name}, ${formatTime(iso(e.acceptedAt))}` : "—"}</dd>
            <dt className="text-zinc-500">Ends</dt>
            <dd><Time iso={iso(e.expiresAt)} /></dd>
            {e.revokeRequestedAt ? (
              <>
                <dt className="text-zinc-500">Ended early</dt>
                <dd>
                  by {e.revokedBy?.name ?? "—"}, <Time iso={iso(e.revokeRequestedAt)} />
                  {e.revokeComment ? <span className="block text-zinc-600">“{e.revokeComment}”</span> : null}
                </dd>
              </>
            ) : null}
            <dt className="text-zinc-500">Closed</dt>
            <dd><Time iso={iso(e.endedAt)} /></dd>
            {e.renewalOf ? (
              <>
                <dt className="text-zinc-500">Renews</dt>
                <dd>
                  <Link className="underline" href={`/exceptions/${e.renewalOf.id}`}>
                    the exception ending <Time iso={iso(e.renewalOf.expiresAt ?? e.renewalOf.requestedEndAt)} />
                  </Link>{" "}
                  ({e.renewalOf.status})
                </dd>
              </>
            ) : null}
            {e.renewals.length ? (
              <>
                <dt className="text-zinc-500">Renewals</dt>
                <dd>
                  <ul>
                    {e.renewals.map((r) => (
                      <li key={r.id}>
                        <Link className="underline" href={`/exceptions/${r.id}`}>
                          proposed <Time iso={iso(r.createdAt)} />
                        </Link>{" "}
                        ({r.status.replaceAll("_", " ")})
                      </li>
                    ))}
                  </ul>
                </dd>
              </>
            ) : null}
          </dl>
        </section>
        <div className="space-y-6">
          <section className="rounded-lg border border-zinc-200 bg-white p-4 text-sm">
            <h2 className="mb-2 font-semibold">Standing grant</h2>
            {g ? (
              <dl className="grid grid-cols-[7rem_minmax(0,1fr)] wrap-anywhere max-sm:gap-x-2 sm:grid-cols-[8rem_minmax(0,1fr)] gap-y-2">
                <dt className="text-zinc-500">Status</dt>
                <dd className="flex flex-wrap items-center gap-1" data-testid="exception-grant-status">
                  <StatusBadge value={g.status} />
                  {e.may.seeGrant ? (
                    <Link className="underline" href={`/grants/${g.id}`}>
                      Grant details and history
                    </Link>
                  ) : null}
                </dd>
                <dt className="text-zinc-500">Issued</dt>
                <dd><Time iso={iso(g.issuedAt)} /></dd>
                {e.mine && g.status === "active" && g.credentialWaiting ? (
                  <>
                    <dt className="text-zinc-500">Credential</dt>
                    <dd>
                      <CredentialReveal grantId={g.id} />
                    </dd>
                  </>
                ) : null}
                <dt className="text-zinc-500">Issuer reference</dt>
                <dd className="font-mono text-xs">{g.issuerRef ?? "—"}</dd>
                <dt className="text-zinc-500">Revoked</dt>
                <dd>{g.revokedAt ? `${formatTime(iso(g.revokedAt))} (${g.revokeReason?.replaceAll("_", " ")}, verified at the issuer)` : "—"}</dd>
                {g.lastError ? (
                  <>
                    <dt className="text-zinc-500">Last error</dt>
                    <dd className="text-red-700" data-testid="exception-grant-error">
                      {g.lastError} (attempt {g.attempts}
                      {g.nextAttemptAt ? `, next ${formatTime(iso(g.nextAttemptAt))}` : ""})
                    </dd>
                  </>
                ) : null}
              </dl>
            ) : (
              <p className="text-zinc-600">None: standing access is issued only once security accepts the risk.</p>
            )}
          </section>
          {reviewing ? (
            <section className="rounded-lg border border-zinc-200 bg-white p-4 text-sm">
              <h2 className="mb-1 font-semibold">Security review</h2>
              <p className="mb-2 text-zinc-600">Accepting records you as the person who accepted the risk and issues the standing access until <Time iso={iso(e.requestedEndAt)} />.</p>
              {e.ruleProblem ? (
                <p role="alert" className="mb-2 rounded-md bg-amber-50 px-3 py-2 text-amber-900" data-testid="exception-rule-problem">
                  It cannot be accepted as it stands: {e.ruleProblem}. Ask for changes.
                </p>
              ) : null}
              <ReviewForm exceptionId={e.id} may={e.may} />
            </section>
          ) : null}
          {e.may.resubmit ? (
            <section className="rounded-lg border border-amber-200 bg-white p-4 text-sm">
              <h2 className="mb-1 font-semibold">Changes requested</h2>
              <p className="mb-3 text-zinc-600">Edit the proposal and send it back to the review queue.</p>
              <ResubmitForm exceptionId={e.id} defaults={{ ...defaults, requestedEndAt: e.requestedEndAt.toISOString() }} floor={e.entitlement.riskTier} />
            </section>
          ) : null}
          {e.may.revoke ? (
            <section className="rounded-lg border border-zinc-200 bg-white p-4 text-sm">
              <h2 className="mb-1 font-semibold">End it early</h2>
              <p className="mb-2 text-zinc-600">The standing access is revoked at the issuer now; the exception closes once the revoke is confirmed.</p>
              <RevokeForm exceptionId={e.id} />
            </section>
          ) : null}
          {e.may.renew ? (
            <section className="rounded-lg border border-zinc-200 bg-white p-4 text-sm">
              <h2 className="mb-1 font-semibold">Renew</h2>
              <p className="mb-3 text-zinc-600">
                A renewal is a new proposal with its own security review. This exception keeps its end date{e.expiresAt ? ` (${formatTime(iso(e.expiresAt))})` : ""}.
              </p>
              <RenewForm exceptionId={e.id} defaults={defaults} floor={e.entitlement.riskTier} />
            </section>
          ) : null}
        </div>
      </div>
      <History entries={e.history} testId="exception-history" />
    </>
  );
}
