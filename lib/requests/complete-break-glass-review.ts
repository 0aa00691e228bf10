import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { forbidden, invalidState, notFound } from "../errors";
import { parseInput } from "../validation";
import { breakGlassReviewConflict } from "../identities/ownership";

const input = z.object({
  requestId: z.string().uuid("Unknown request"),
  findings: z.string().trim().min(20, "Write down what happened and what follows, in at least 20 characters").max(5000),
});

/** Security closes the after-action review a break-glass grant left open. Nobody reviews their own. */
export async function completeBreakGlassReview({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<void> {
  assertCan(actor, "break_glass:review");
  const { requestId, findings } = parseInput(input, raw);
  await getDb().$transaction(async (tx) => {
    const review = await tx.breakGlassReview.findUnique({
      where: { requestId },
      include: { request: { include: { identity: { select: { ownerUserId: true, ownerTeamId: true } } } } },
    });
    if (!review) throw notFound("Break-glass review");
    const conflict = await breakGlassReviewConflict(tx, actor, review.request);
    if (conflict) throw forbidden(conflict);
    if (review.status !== "open") throw invalidState("This review is already completed");
    await tx.breakGlassReview.update({ where: { id: review.id }, data: { status: "completed", findings, completedById: actor.type === "user" ? actor.id : null, completedAt: new Date() } });
    await appendAudit(tx, actor, { action: "break_glass.reviewed", subjectType: "access_request", subjectId: requestId, data: { findings } });
  });
}

/** Break-glass uses still waiting for their after-action review. */
export async function findOpenBreakGlassReviews({ actor }: { actor: Actor }) {
  assertCan(actor, "break_glass:review");
  const rows = await getDb().breakGlassReview.findMany({
    where: { status: "open" },
    orderBy: { createdAt: "asc" },
    include: { request: { include: { identity: { select: { name: true } }, entitlement: { select: { name: true } }, requesterUser: { select: { name: true } } } } },
    take: 50,
  });
  return rows.map((r) => ({
    requestId: r.requestId,
    createdAt: r.createdAt.toISOString(),
    identity: r.request.identity.name,
    entitlement: r.request.entitlement.name,
    requester: r.request.requesterUser?.name ?? "a workload",
    justification: r.request.justification,
  }));
}
