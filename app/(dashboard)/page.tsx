import type { Metadata } from "next";
import { getOverview } from "@/lib/overview/get-overview";
import { requireActor } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { Stat } from "@/components/ui/stat";
import Link from "next/link";
import { can } from "@/lib/authz";
import { findOpenBreakGlassReviews } from "@/lib/requests/complete-break-glass-review";
import { formatTime } from "@/components/ui/format";
import { Time } from "@/components/ui/time";
import { getMyWork } from "@/lib/overview/get-my-work";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const actor = await requireActor();
  const [o, work] = await Promise.all([getOverview({ actor }), getMyWork({ actor })]);
  const reviews = can(actor, "break_glass:review") ? await findOpenBreakGlassReviews({ actor }) : [];
  const stats = [
    o.pendingRequests !== null && { label: "Pending requests", value: o.pendingRequests, href: "/approvals", tone: "amber" as const },
    o.myPendingRequests !== null && { label: "My pending requests", value: o.myPendingRequests, href: "/requests" },
    o.activeGrants !== null && { label: "Active grants", value: o.activeGrants, href: "/grants?status=active" },
    o.failingRevocations !== null && {
      label: "Failing revocations",
      value: o.failingRevocations,
      href: "/grants?status=failing",
      tone: "red" as const,
      hint: "Grants whose revoke has not been confirmed",
    },
    o.identities !== null && { label: "Identities", value: o.identities, href: "/identities" },
    o.quarantinedIdentities !== null && { label: "Quarantined", value: o.quarantinedIdentities, href: "/identities?status=quarantined", tone: "red" as const },
    o.openExceptions !== null && { label: "Standing exceptions", value: o.openExceptions, href: "/exceptions?status=accepted" },
    o.exceptionsExpiringSoon !== null && { label: "Exceptions ending ≤ 14 days", value: o.exceptionsExpiringSoon, href: "/exceptions?status=accepted&sort=expiresAt&dir=asc", tone: "amber" as const },
    o.openAttestations !== null && { label: "Identities for me to attest", value: o.openAttestations, href: "/attestations", tone: "amber" as const },
  ].filter(Boolean) as { label: string; value: number; href: string; tone?: "red" | "amber"; hint?: string }[];

  return (
    <>
      <PageHeader title={`Hello, ${actor.name.split(" ")[0]}`} description="Temporary privilege for machines: who holds what, until when, and proof that it ended." />
      <section className="mb-8" aria-labelledby="needs-you">
        <h2 id="needs-you" className="mb-2 font-semibold">
          Needs you now
        </h2>
        {work.length ? (
          <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white text-sm" data-testid="my-work">
            {work.map((w) => (
              <li key={w.key} data-testid={`work-${w.key}`}>
                <Link href={w.href} className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-3 hover:bg-zinc-50">
                  <span>
                    <span className={`mr-2 inline-block min-w-8 rounded-full px-2 py-0.5 text-center text-xs font-semibold tabular-nums ${w.tone === "red" ? "bg-red-100 text-red-800" : w.tone === "amber" ? "bg-amber-100 text-amber-900" : "bg-zinc-100 text-zinc-700"}`}>
                      {w.count.toLocaleString("en")}
                    </span>
                    <span className="font-medium">{w.label}</span>
                  </span>
                  {w.oldestAt ? (
                    <span className="text-xs text-zinc-500">
                      {w.key === "attest" ? "first due " : w.key === "failing" ? "oldest ended " : "oldest "}
                      <Time iso={w.oldestAt} />
                    </span>
                  ) : null}
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-600" data-testid="my-work">
            Nothing waits for you right now.
          </p>
        )}
      </section>
      {stats.length ? <h2 className="mb-2 font-semibold">Across Hourglass</h2> : null}
      {stats.length ? (
        <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-3" data-testid="overview-stats">
          {stats.map((s) => (
            <Stat key={s.label} {...s} />
          ))}
        </div>
      ) : (
        <p className="text-sm text-zinc-600">Your roles open no area yet. Ask an administrator for a role.</p>
      )}
      {reviews.length ? (
        <section className="mt-8" id="open-reviews">
          <h2 className="mb-2 font-semibold text-red-800">Break-glass uses waiting for review</h2>
          <ul className="divide-y divide-zinc-100 rounded-lg border border-red-200 bg-white text-sm" data-testid="open-reviews">
            {reviews.map((r) => (
              <li key={r.requestId} className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-2">
                <Link href={`/requests/${r.requestId}`} className="font-medium hover:underline">
                  {r.entitlement} for {r.identity}
                </Link>
                <span className="text-zinc-500">
                  by {r.requester}, <Time iso={r.createdAt} />
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {o.drills?.length ? (
        <section className="mt-8">
          <h2 className="mb-2 font-semibold">Revocation drills</h2>
          <p className="mb-2 text-sm text-zinc-600">The last drill of each issuer: a canary grant issued, used, revoked, and the revoke verified at the issuer.</p>
          <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white text-sm" data-testid="overview-drills">
            {o.drills.map((d) => (
              <li key={d.issuer.id} className={`flex flex-wrap items-baseline justify-between gap-2 px-4 py-2 ${d.ok ? "" : "bg-red-50"}`} data-testid={`drill-${d.issuer.name}`}>
                <span>
                  <Link href={`/admin/issuers/${d.issuer.id}`} className="font-medium hover:underline">
                    {d.issuer.name}
                  </Link>{" "}
                  <span className={d.ok ? "font-medium text-emerald-700" : "font-medium text-red-700"}>{d.ok ? "passed" : "failed"}</span>
                  {d.ok && d.timeToRevokeMs !== null ? <span className="text-zinc-600"> · revoked and verified in {d.timeToRevokeMs} ms</span> : null}
                  {!d.ok && d.error ? <span className="text-red-700"> · {d.error}</span> : null}
                </span>
                <span className="text-zinc-500">{d.finishedAt ? formatTime(d.finishedAt) : ""}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
