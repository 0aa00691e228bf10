import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { forbidden, invalidState, isAppError, notFound } from "../errors";
import { exceptionReviewConflict } from "../identities/ownership";
import { parseInput } from "../validation";
import { enqueueNotification } from "../notifications/enqueue";
import { wakeWorkers } from "../worker/wake";
import { assertProposalRules } from "./proposal-rules";

export const exceptionDecisions = ["accept", "reject", "request_changes"] as const;
export type ExceptionDecision = (typeof exceptionDecisions)[number];

const input = z
  .object({
    exceptionId: z.string({ error: "Unknown exception" }).uuid("Unknown exception"),
    decision: z.enum(exceptionDecisions, { error: "Decide accept, reject or request_changes" }),
    comment: z.string().trim().max(2000, "At most 2000 characters").default(""),
  })
  .superRefine((v, ctx) => {
    if (v.decision !== "accept" && v.comment.length < 3) {
      ctx.addIssue({ code: "custom", path: ["comment"], message: v.decision === "reject" ? "Say why it is rejected" : "Say what needs to change" });
    }
  });

const afterDecision = { accept: "accepted", reject: "rejected", request_changes: "changes_requested" } as const;

export type ExceptionReview = { exceptionId: string; status: (typeof afterDecision)[ExceptionDecision]; grantId: string | null };

/**
 * A security reviewer's decision on a proposed exception. Accepting records who accepted the risk
 * and queues the standing grant for issue through the entitlement's issuer; it ends at the
 * exception's end date like any grant. Nobody reviews their own proposal.
 */
export async function reviewException({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<ExceptionReview> {
  assertCan(actor, "exception:review");
  if (actor.type !== "user") throw forbidden("Only people accept risk");
  const { exceptionId, decision, comment } = parseInput(input, raw);
  return getDb().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Exception" WHERE id = ${exceptionId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notFound("Exception");
    const e = await tx.exception.findUniqueOrThrow({ where: { id: exceptionId }, include: { identity: true, entitlement: true } });
    const conflict = await exceptionReviewConflict(tx, actor, e);
    if (conflict) throw forbidden(conflict);
    const allowed = decision === "reject" ? ["proposed", "changes_requested"] : ["proposed"];
    if (!allowed.includes(e.status)) {
      throw invalidState(e.status === "changes_requested" ? "Changes were requested: it can be accepted once the proposer resubmits" : `This exception is already ${e.status.replaceAll("_", " ")}`);
    }

    const now = new Date();
    const status = afterDecision[decision];
    let grantId: string | null = null;
    if (decision === "accept") {
      if (e.requestedEndAt <= now) throw invalidState("The requested end date has passed: ask for changes so the proposer can choose a new one");
      // The rules hold at acceptance too: the standing access never runs longer than its rating allows from now.
      try {
        assertProposalRules({ identity: e.identity, entitlement: e.entitlement, riskRating: e.riskRating, requestedEndAt: e.requestedEndAt, now });
      } catch (err) {
        if (isAppError(err) && err.code === "validation_failed") throw invalidState(`${err.message}: ask for changes so the proposer can fix it`);
        throw err;
      }
      await tx.exception.update({
        where: { id: e.id },
        data: { status, acceptedById: actor.id, acceptedAt: now, reviewedById: actor.id, reviewedAt: now, reviewComment: comment || null, expiresAt: e.requestedEndAt },
      });
      const grant = await tx.grant.create({
        data: { exceptionId: e.id, identityId: e.identityId, entitlementId: e.entitlementId, issuerId: e.entitlement.issuerId, status: "issuing", expiresAt: e.requestedEndAt },
      });
      grantId = grant.id;
    } else {
      await tx.exception.update({ where: { id: e.id }, data: { status, reviewedById: actor.id, reviewedAt: now, reviewComment: comment } });
    }
    await appendAudit(tx, actor, {
      action: `exception.${status}`,
      subjectType: "exception",
      subjectId: e.id,
      data: { comment, ...(grantId ? { grantId, expiresAt: e.requestedEndAt.toISOString(), riskRating: e.riskRating } : {}) },
    });
    if (grantId) await wakeWorkers(tx, "grant.issuing");
    await enqueueNotification(tx, {
      event: "exception.decided",
      title: `Exception ${status.replaceAll("_", " ")}: ${e.entitlement.name} for ${e.identity.name}`,
      lines: [`By ${actor.name}${comment ? `: ${comment}` : ""}`, ...(grantId ? [`Standing access until ${e.requestedEndAt.toISOString().slice(0, 16).replace("T", " ")} UTC`] : [])],
      link: `/exceptions/${e.id}`,
    });
    return { exceptionId: e.id, status, grantId };
  });
}
