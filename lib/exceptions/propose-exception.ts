import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { AppError, forbidden, notFound } from "../errors";
import { parseInput } from "../validation";
import { enqueueNotification } from "../notifications/enqueue";
import { assertProposalRules, mayProposeFor, proposalFields } from "./proposal-rules";
import { maxExceptionDays } from "./limits";

const input = z.object({
  identityId: z.string({ error: "Choose an identity" }).uuid("Choose an identity"),
  entitlementId: z.string({ error: "Choose an entitlement" }).uuid("Choose an entitlement"),
  ...proposalFields,
  reviewCadenceDays: proposalFields.reviewCadenceDays.default(30),
});

export const openExceptionStatuses = ["proposed", "changes_requested", "accepted"] as const;

/**
 * Puts standing access up for security review: an identity, an entitlement, why, how risky, what
 * limits the risk, and until when (bounded by the risk rating). Nothing is granted until a
 * security reviewer accepts it.
 */
export async function proposeException({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<{ id: string; status: "proposed" }> {
  assertCan(actor, "exception:propose");
  if (actor.type !== "user") throw forbidden("Only people propose exceptions: someone must be accountable for standing access");
  const p = parseInput(input, raw);
  return getDb().$transaction(async (tx) => {
    // Serialises proposals for one identity, so two at once cannot both pass the duplicate check.
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Identity" WHERE id = ${p.identityId}::uuid FOR NO KEY UPDATE`;
    if (locked.length === 0) throw notFound("Identity");
    const identity = await tx.identity.findUniqueOrThrow({ where: { id: p.identityId } });
    const entitlement = await tx.entitlement.findUnique({ where: { id: p.entitlementId } });
    if (!entitlement) throw notFound("Entitlement");
    if (!(await mayProposeFor(tx, actor, identity))) {
      throw forbidden("You can propose exceptions only for identities you own or whose owning team you are in");
    }
    const now = new Date();
    assertProposalRules({ identity, entitlement, riskRating: p.riskRating, requestedEndAt: p.requestedEndAt, now });
    const open = await tx.exception.findFirst({ where: { identityId: identity.id, entitlementId: entitlement.id, status: { in: [...openExceptionStatuses] } } });
    if (open) {
      throw new AppError(
        "conflict",
        open.status === "accepted"
          ? `${identity.name} already holds ${entitlement.name} under an accepted exception: renew that one instead`
          : `An exception for ${entitlement.name} on ${identity.name} is already under review`,
        { exceptionId: open.id },
      );
    }
    const created = await tx.exception.create({
      data: {
        identityId: identity.id,
        entitlementId: entitlement.id,
        justification: p.justification,
        riskRating: p.riskRating,
        compensatingControls: p.compensatingControls,
        reviewCadenceDays: p.reviewCadenceDays,
        requestedEndAt: p.requestedEndAt,
        proposedById: actor.id,
      },
    });
    await appendAudit(tx, actor, {
      action: "exception.proposed",
      subjectType: "exception",
      subjectId: created.id,
      data: {
        identity: identity.name,
        entitlement: entitlement.name,
        riskRating: p.riskRating,
        requestedEndAt: p.requestedEndAt.toISOString(),
        reviewCadenceDays: p.reviewCadenceDays,
        maxDays: maxExceptionDays[p.riskRating],
      },
    });
    await enqueueNotification(tx, {
      event: "exception.proposed",
      title: `Exception proposed: ${entitlement.name} for ${identity.name} (${p.riskRating} risk)`,
      lines: [`By ${actor.name}, until ${p.requestedEndAt.toISOString().slice(0, 10)}`, `Why: ${p.justification}`, `Controls: ${p.compensatingControls}`],
      link: `/exceptions/${created.id}`,
    });
    return { id: created.id, status: "proposed" as const };
  });
}
