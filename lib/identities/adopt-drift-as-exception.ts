import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAuditMany, type AuditInput } from "../audit";
import { AppError, forbidden, notFound } from "../errors";
import { parseInput } from "../validation";
import { DRIFT_ATTACHED, attachmentKey, loadDriftAttachments } from "./drift-attachments";
import { driftPrincipal, driftPrivilege, identityRef, issuerIdInput, privilegeOfTarget } from "./drift-rules";
import { resolveIdentity } from "./resolve-identity";
import { assertProposalRules, proposalFields } from "../exceptions/proposal-rules";
import { maxExceptionDays } from "../exceptions/limits";

const input = z.object({
  issuerId: issuerIdInput,
  principal: driftPrincipal,
  privilege: driftPrivilege,
  /** The identity's id or unique name; defaults to the identity the principal is attached to. */
  identity: identityRef.optional().or(z.literal("").transform(() => undefined)),
  justification: proposalFields.justification,
  compensatingControls: proposalFields.compensatingControls,
  riskRating: proposalFields.riskRating.optional(),
  /** How long the exception is asked for; by default the longest its risk rating allows. */
  days: z.number().int("Whole days").min(1, "At least one day").max(365, "At most 365 days; renew it after a review").optional(),
  reviewCadenceDays: z.number().int().min(7).max(365).default(30),
});

/**
 * Turns a drift finding into explicit, risk-accepted debt: a proposed Exception for the identity
 * and the entitlement that grants this privilege through the issuer, for security to review.
 * The principal is attached to the identity on the way if it was not already.
 */
export async function adoptDriftAsException({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<{ exceptionId: string; identityId: string; entitlementId: string }> {
  assertCan(actor, "identity:quarantine");
  if (actor.type !== "user") throw forbidden("Only a person can propose an exception");
  const v = parseInput(input, raw);
  return getDb().$transaction(async (tx) => {
    const issuer = await tx.issuer.findUnique({ where: { id: v.issuerId }, select: { id: true, name: true } });
    if (!issuer) throw notFound("Issuer");
    const attached = (await loadDriftAttachments(tx, { issuerId: issuer.id })).get(attachmentKey(issuer.id, v.principal));
    const ref = v.identity ?? attached?.identityId;
    if (!ref) {
      throw new AppError("validation_failed", `Choose the identity ${v.principal} belongs to`, { fields: { identity: "Choose an identity" } });
    }
    const identity = await resolveIdentity(tx, ref);
    if (identity.status === "decommissioned") throw new AppError("invalid_state", `${identity.name} is decommissioned; revoke the privilege instead`);

    const candidates = (await tx.entitlement.findMany({ where: { issuerId: issuer.id }, orderBy: { name: "asc" } })).filter((e) => privilegeOfTarget(e.target) === v.privilege);
    const entitlement = candidates.find((e) => e.environment === identity.environment) ?? candidates[0];
    if (!entitlement) {
      throw new AppError("validation_failed", `No entitlement grants ${v.privilege} through ${issuer.name}; an admin creates one first, then the drift can be adopted`, {
        fields: { privilege: "No entitlement grants this privilege" },
      });
    }
    const open = await tx.exception.findFirst({ where: { identityId: identity.id, entitlementId: entitlement.id, status: { in: ["proposed", "changes_requested", "accepted"] } } });
    if (open) throw new AppError("conflict", `${identity.name} already has a ${open.status.replaceAll("_", " ")} exception for ${entitlement.name}`);

    // The same rules as any proposal, so security can accept what drift adoption proposes.
    const riskRating = v.riskRating ?? entitlement.riskTier;
    const requestedEndAt = new Date(Date.now() + (v.days ?? maxExceptionDays[riskRating]) * 86_400_000);
    assertProposalRules({ identity, entitlement, riskRating, requestedEndAt, now: new Date() });
    const exception = await tx.exception.create({
      data: {
        identityId: identity.id,
        entitlementId: entitlement.id,
        justification: v.justification,
        compensatingControls: v.compensatingControls,
        riskRating,
        reviewCadenceDays: v.reviewCadenceDays,
        status: "proposed",
        proposedById: actor.id,
        requestedEndAt,
      },
    });
    const finding = { issuerId: issuer.id, issuer: issuer.name, principal: v.principal, privilege: v.privilege };
    const events: AuditInput[] = [];
    if (attached?.identityId !== identity.id) {
      events.push({ action: DRIFT_ATTACHED, subjectType: "identity", subjectId: identity.id, data: { ...finding, identity: identity.name, via: "adopt", ...(attached ? { movedFrom: attached.identityId } : {}) } });
    }
    events.push(
      {
        action: "exception.proposed",
        subjectType: "exception",
        subjectId: exception.id,
        data: { identity: identity.name, entitlement: entitlement.name, riskRating, proposedBy: actor.email, requestedEndAt: requestedEndAt.toISOString(), source: "drift", ...finding },
      },
      { action: "drift.adopted", subjectType: "identity", subjectId: identity.id, data: { ...finding, exceptionId: exception.id, entitlement: entitlement.name } },
    );
    await appendAuditMany(tx, actor, events);
    return { exceptionId: exception.id, identityId: identity.id, entitlementId: entitlement.id };
  });
}
