import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { forbidden, invalidState, notFound } from "../errors";
import { parseInput } from "../validation";
import { proposedException } from "../identities/ownership";
import { enqueueNotification } from "../notifications/enqueue";
import { assertProposalRules, proposalFields } from "./proposal-rules";

const input = z.object({
  exceptionId: z.string({ error: "Unknown exception" }).uuid("Unknown exception"),
  ...proposalFields,
  reviewCadenceDays: proposalFields.reviewCadenceDays.default(30),
});

/**
 * The proposer answers a "changes requested" review: the edited proposal goes back to the review
 * queue, checked against the same rules as a new one. Identity and entitlement stay as they were.
 */
export async function resubmitException({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<{ id: string; status: "proposed" }> {
  assertCan(actor, "exception:propose");
  const p = parseInput(input, raw);
  return getDb().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Exception" WHERE id = ${p.exceptionId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notFound("Exception");
    const e = await tx.exception.findUniqueOrThrow({ where: { id: p.exceptionId }, include: { identity: true, entitlement: true } });
    if (!proposedException(actor, e)) throw forbidden("Only the proposer can resubmit this exception");
    if (e.status !== "changes_requested") throw invalidState(`This exception is ${e.status.replaceAll("_", " ")}; only one with changes requested can be resubmitted`);
    assertProposalRules({ identity: e.identity, entitlement: e.entitlement, riskRating: p.riskRating, requestedEndAt: p.requestedEndAt, now: new Date() });
    await tx.exception.update({
      where: { id: e.id },
      data: {
        status: "proposed",
        justification: p.justification,
        riskRating: p.riskRating,
        compensatingControls: p.compensatingControls,
        requestedEndAt: p.requestedEndAt,
        reviewCadenceDays: p.reviewCadenceDays,
      },
    });
    const changed: string[] = (["justification", "riskRating", "compensatingControls", "reviewCadenceDays"] as const).filter((k) => e[k] !== p[k]);
    if (e.requestedEndAt.getTime() !== p.requestedEndAt.getTime()) changed.push("requestedEndAt");
    await appendAudit(tx, actor, {
      action: "exception.resubmitted",
      subjectType: "exception",
      subjectId: e.id,
      data: { changed, riskRating: p.riskRating, requestedEndAt: p.requestedEndAt.toISOString(), answering: e.reviewComment },
    });
    await enqueueNotification(tx, {
      event: "exception.proposed",
      title: `Exception resubmitted: ${e.entitlement.name} for ${e.identity.name} (${p.riskRating} risk)`,
      lines: [`By ${actor.name}`, `Changed: ${changed.join(", ") || "nothing"}`],
      link: `/exceptions/${e.id}`,
    });
    return { id: e.id, status: "proposed" as const };
  });
}
