import { getDb } from "../db";
import { can, type Actor } from "../authz";
import { operatedIdentities, proposedExceptions } from "../identities/ownership";
import type { Prisma } from "../generated/prisma/client";

/** One thing that waits for the person: how many, the oldest, and where to act on it. */
export type WorkItem = { key: string; label: string; count: number; oldestAt: string | null; href: string; tone: "red" | "amber" | "zinc" };

/**
 * What needs the person now, most urgent first, for the Overview's first section: decisions they
 * may make (requests and exception reviews that separation of duties leaves to them), identities
 * they must attest, revocations that failed, break-glass uses to review, and their own requests
 * still waiting. Only what their roles reach, and only what is not zero.
 */
export async function getMyWork({ actor }: { actor: Actor }): Promise<WorkItem[]> {
  if (actor.type !== "user") return [];
  const db = getDb();
  const when = <T>(ok: boolean, q: () => Promise<T>) => (ok ? q() : Promise.resolve(null));
  // Requests this person may decide: not their own, not for what they or their team operate, not already decided by them.
  const decidable: Prisma.AccessRequestWhereInput = {
    status: "pending",
    NOT: [{ requesterUserId: actor.id }, { identity: operatedIdentities(actor) }, { approvals: { some: { approverId: actor.id } } }],
  };
  const reviewable: Prisma.ExceptionWhereInput = { status: "proposed", NOT: [proposedExceptions(actor), { identity: operatedIdentities(actor) }] };
  const attest: Prisma.AttestationWhereInput = { decision: null, campaign: { status: "open" }, identity: { status: { not: "decommissioned" }, ...operatedIdentities(actor) } };
  const failing: Prisma.GrantWhereInput = { status: { in: ["revoke_failed", "irrevocable"] } };
  const mine: Prisma.AccessRequestWhereInput = { status: "pending", requesterUserId: actor.id };
  const oldest = <T extends { createdAt: Date } | null>(row: T) => row?.createdAt.toISOString() ?? null;

  const [decide, review, attestations, failed, breakGlass, waiting] = await Promise.all([
    when(can(actor, "request:approve"), async () => ({
      count: await db.accessRequest.count({ where: decidable }),
      oldestAt: oldest(await db.accessRequest.findFirst({ where: decidable, orderBy: { createdAt: "asc" }, select: { createdAt: true } })),
    })),
    when(can(actor, "exception:review"), async () => ({
      count: await db.exception.count({ where: reviewable }),
      oldestAt: oldest(await db.exception.findFirst({ where: reviewable, orderBy: { createdAt: "asc" }, select: { createdAt: true } })),
    })),
    when(can(actor, "attestation:attest"), async () => ({
      count: await db.attestation.count({ where: attest }),
      oldestAt: (await db.attestation.findFirst({ where: attest, orderBy: { campaign: { dueAt: "asc" } }, select: { campaign: { select: { dueAt: true } } } }))?.campaign.dueAt.toISOString() ?? null,
    })),
    when(can(actor, "grant:read_all"), async () => ({
      count: await db.grant.count({ where: failing }),
      oldestAt: (await db.grant.findFirst({ where: failing, orderBy: { expiresAt: "asc" }, select: { expiresAt: true } }))?.expiresAt.toISOString() ?? null,
    })),
    when(can(actor, "break_glass:review"), async () => {
      const where: Prisma.BreakGlassReviewWhereInput = { status: "open", request: { NOT: { requesterUserId: actor.id } } };
      return { count: await db.breakGlassReview.count({ where }), oldestAt: oldest(await db.breakGlassReview.findFirst({ where, orderBy: { createdAt: "asc" }, select: { createdAt: true } })) };
    }),
    when(can(actor, "request:create"), async () => ({
      count: await db.accessRequest.count({ where: mine }),
      oldestAt: oldest(await db.accessRequest.findFirst({ where: mine, orderBy: { createdAt: "asc" }, select: { createdAt: true } })),
    })),
  ]);
  const items: (WorkItem | null)[] = [
    failed && { key: "failing", label: "Revocations not confirmed", ...failed, href: "/grants?status=failing", tone: "red" },
    breakGlass && { key: "break-glass", label: "Break-glass uses to review", ...breakGlass, href: "/#open-reviews", tone: "red" },
    decide && { key: "decide", label: "Requests waiting for your decision", ...decide, href: "/approvals?sort=createdAt&dir=asc", tone: "amber" },
    review && { key: "review", label: "Exceptions waiting for your review", ...review, href: "/exceptions?view=queue", tone: "amber" },
    attestations && { key: "attest", label: "Identities for you to attest", ...attestations, href: "/attestations", tone: "amber" },
    waiting && { key: "waiting", label: "Your requests still waiting", ...waiting, href: "/requests?status=pending", tone: "zinc" },
  ];
  return items.filter((i): i is WorkItem => i !== null && i.count > 0);
}
