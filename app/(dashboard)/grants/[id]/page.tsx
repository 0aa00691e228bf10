import type { Metadata } from "next";
import Link from "next/link";
import { History } from "@/components/ui/history";
import { notFound as notFoundPage } from "next/navigation";
import { getGrant } from "@/lib/grants/get-grant";
import { isAppError } from "@/lib/errors";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Countdown } from "@/components/ui/countdown";
import { LiveRefresh } from "@/components/ui/live-refresh";
import { formatTime } from "@/components/ui/format";
import { ExtendForm, ForceResolveForm, RevokeForm } from "./_components/grant-forms";
import { Time } from "@/components/ui/time";

export const metadata: Metadata = { title: "Grant" };

export default async function GrantPage({ params }: PageProps<"/grants/[id]">) {
  const actor = await requireArea("grants");
  const { id } = await params;
  const g = await getGrant({ actor, grantId: id }).catch((e) => {
    if (isAppError(e) && (e.code === "not_found" || e.code === "validation_failed")) notFoundPage();
    throw e;
  });
  return (
    <>
      <LiveRefresh topics={[`grant:${g.id}`, ...(g.requestId ? [`access_request:${g.requestId}`] : [])]} />
      <PageHeader title={`${g.entitlement.name} for ${g.identity.name}`} description={`Issued through ${g.issuer.name} (${g.issuer.type}).`} />
      <div className="grid gap-6 lg:grid-cols-2">
        <section className="rounded-lg border border-zinc-200 bg-white p-4 text-sm">
          <dl className="grid grid-cols-[7rem_minmax(0,1fr)] wrap-anywhere max-sm:gap-x-2 sm:grid-cols-[9rem_minmax(0,1fr)] gap-y-2">
            <dt className="text-zinc-500">Status</dt>
            <dd className="flex flex-wrap items-center gap-1" data-testid="grant-status">
              <StatusBadge value={g.status} />
              {g.breakGlass ? <Badge tone="red">break-glass</Badge> : null}
              {g.status === "active" ? (
                <span>
                  ends in <Countdown until={g.expiresAt.toISOString()} />
                </span>
              ) : null}
            </dd>
            <dt className="text-zinc-500">Issued</dt>
            <dd><Time iso={g.issuedAt?.toISOString()} /></dd>
            <dt className="text-zinc-500">Window ends</dt>
            <dd><Time iso={g.expiresAt.toISOString()} /></dd>
            <dt className="text-zinc-500">Revoked</dt>
            <dd>
              {g.revokedAt ? `${formatTime(g.revokedAt.toISOString())} (${g.revokeReason?.replaceAll("_", " ")}, verified at the issuer)` : "—"}
              {g.revokeComment ? <span className="block text-xs text-zinc-500">{g.revokeComment}</span> : null}
            </dd>
            <dt className="text-zinc-500">Issuer reference</dt>
            <dd className="font-mono text-xs">{g.issuerRef ?? "—"}</dd>
            <dt className="text-zinc-500">Attempts</dt>
            <dd>
              {g.attempts}
              {g.nextAttemptAt && ["revoke_failed", "irrevocable", "issuing"].includes(g.status) ? ` · next ${formatTime(g.nextAttemptAt.toISOString())}` : ""}
            </dd>
            {g.lastError ? (
              <>
                <dt className="text-zinc-500">Last error</dt>
                <dd className="text-red-700" data-testid="grant-error">
                  {g.lastError}
                </dd>
              </>
            ) : null}
            <dt className="text-zinc-500">Extensions</dt>
            <dd>{g.extensions}</dd>
            <dt className="text-zinc-500">Use</dt>
            <dd>{g.useCount ? `${g.useCount} reported, last ${formatTime(g.lastUsedAt?.toISOString())}` : "none reported"}</dd>
            {g.request ? (
              <>
                <dt className="text-zinc-500">Request</dt>
                <dd>
                  <Link className="underline" href={`/requests/${g.request.id}`}>
                    by {g.request.requesterUser?.name ?? "a workload"}
                  </Link>
                  , approved by {g.request.approvals.filter((a) => a.decision === "approve").map((a) => a.approver.name).join(", ") || "policy"}
                </dd>
              </>
            ) : null}
          </dl>
        </section>
        <section className="space-y-5 rounded-lg border border-zinc-200 bg-white p-4 text-sm">
          {g.may.revoke ? (
            <div>
              <h2 className="mb-2 font-semibold">End it now</h2>
              <RevokeForm grantId={g.id} />
            </div>
          ) : null}
          {g.may.extend ? (
            <div>
              <h2 className="mb-2 font-semibold">More time</h2>
              <p className="mb-2 text-zinc-600">An extension is a new request: it is decided like the first one.</p>
              <ExtendForm grantId={g.id} maxMin={Math.floor(g.entitlement.maxDurationSec / 60)} />
              {g.extensionRequests.length ? (
                <ul className="mt-2 text-xs text-zinc-600">
                  {g.extensionRequests.map((e) => (
                    <li key={e.id}>
                      <Link className="underline" href={`/requests/${e.id}`}>
                        +{Math.round(e.durationSec / 60)} min
                      </Link>{" "}
                      {e.status}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          {g.may.forceResolve ? (
            <div>
              <h2 className="mb-2 font-semibold text-red-800">Revocation not confirmed</h2>
              <p className="mb-2 text-zinc-600">The worker keeps retrying. If you removed the privilege by hand, record it here.</p>
              <ForceResolveForm grantId={g.id} />
            </div>
          ) : null}
          {g.exception && g.mine && !g.may.revoke && ["active", "issuing"].includes(g.status) ? (
            <p className="text-zinc-600">
              Standing access ends with its{" "}
              <Link className="underline" href={`/exceptions/${g.exception.id}`}>
                exception
              </Link>
              : revoke or renew it there.
            </p>
          ) : null}
          {!g.may.revoke && !g.may.extend && !g.may.forceResolve && !(g.exception && g.mine) ? <p className="text-zinc-600">Nothing to do on this grant.</p> : null}
        </section>
      </div>
      <History entries={g.history} testId="grant-history" />
    </>
  );
}
