import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { AppError, forbidden, invalidState, notFound } from "../errors";
import { parseInput } from "../validation";
import { enqueueNotification } from "../notifications/enqueue";
import { assertProposalRules, mayProposeFor, proposalFields } from "./proposal-rules";

const input = z.object({
  exceptionId: z.string({ error: "Unknown exception" }).uuid("Unknown exception"),
  requestedEndAt: proposalFields.requestedEndAt,
  // Unchanged from the exception being renewed unless given.
  justification: proposalFields.justification.optional(),
  riskRating: proposalFields.riskRating.optional(),
  compensatingControls: proposalFields.compensatingControls.optional(),
  reviewCadenceDays: proposalFields.reviewCadenceDays.optional(),
});

export const renewableStatuses = ["accepted", "expired"] as const;

/**
 * Renewal is a new review, never an extension in place: it creates a new proposed exception that
 * points to the one it renews. The old one keeps its end date; if the renewal is accepted, its own
 * standing grant is issued and the old one still ends on time.
 */
export async function renewException({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<{ id: string; status: "proposed"; renewalOfId: string }> {
  assertCan(actor, "exception:propose");
  if (actor.type !== "user") throw forbidden("Only people propose exceptions: someone must be accountable for standing access");
  const p = parseInput(input, raw);
  return getDb().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Exception" WHERE id = ${p.exceptionId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notFound("Exception");
    const old = await tx.exception.findUniqueOrThrow({ where: { id: p.exceptionId }, include: { identity: true, entitlement: true } });
    await tx.$queryRaw`SELECT id FROM "Identity" WHERE id = ${old.identityId}::uuid FOR NO KEY UPDATE`;
    if (!(await mayProposeFor(tx, actor, old.identity))) throw forbidden("You can renew exceptions only for identities you own or whose owning team you are in");
    if (!(renewableStatuses as readonly string[]).includes(old.status)) {
      throw invalidState(`This exception is ${old.status.replaceAll("_", " ")}; only an accepted or expired exception can be renewed (propose a new one instead)`);
    }
    const other = await tx.exception.findFirst({
      where: { identityId: old.identityId, entitlementId: old.entitlementId, id: { not: old.id }, status: { in: ["proposed", "changes_requested", "accepted"] } },
    });
    if (other) {
      throw new AppError(
        "conflict",
        other.status === "accepted"
          ? `${old.identity.name} already holds ${old.entitlement.name} under a newer accepted exception: renew that one instead`
          : `A proposal for ${old.entitlement.name} on ${old.identity.name} is already under review`,
        { exceptionId: other.id },
      );
    }

    const next = {
      justification: p.justification ?? old.justification,
      riskRating: p.riskRating ?? old.riskRating,
      compensatingControls: p.compensatingControls ?? old.compensatingControls,
      reviewCadenceDays: p.reviewCadenceDays ?? old.reviewCadenceDays,
      requestedEndAt: p.requestedEndAt,
    };
    // The copied fields were valid once; they must still hold today.
    parseInput(z.object(proposalFields), next);
    assertProposalRules({ identity: old.identity, entitlement: old.entitlement, riskRating: next.riskRating, requestedEndAt: next.requestedEndAt, now: new Date() });
    const renewal = await tx.exception.create({
      data: { ...next, identityId: old.identityId, entitlementId: old.entitlementId, proposedById: actor.id, renewalOfId: old.id },
    });
    await appendAudit(tx, actor, {
      action: "exception.renewal_proposed",
      subjectType: "exception",
      subjectId: renewal.id,
      data: { renewalOf: old.id, identity: old.identity.name, entitlement: old.entitlement.name, riskRating: next.riskRating, requestedEndAt: next.requestedEndAt.toISOString() },
    });
    await appendAudit(tx, actor, {
      action: "exception.renewal_requested",
      subjectType: "exception",
      subjectId: old.id,
      data: { renewalId: renewal.id, keepsEndAt: old.expiresAt?.toISOString() ?? null },
    });
    await enqueueNotification(tx, {
      event: "exception.proposed",
      title: `Renewal proposed: ${old.entitlement.name} for ${old.identity.name} (${next.riskRating} risk)`,
      lines: [`By ${actor.name}, until ${next.requestedEndAt.toISOString().slice(0, 10)}`, `The current exception still ends ${old.expiresAt?.toISOString().slice(0, 10) ?? "as accepted"}`],
      link: `/exceptions/${renewal.id}`,
    });
    return { id: renewal.id, status: "proposed" as const, renewalOfId: old.id };
  });
}
