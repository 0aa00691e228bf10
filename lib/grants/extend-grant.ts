import { z } from "zod";
import type { Grant } from "../generated/prisma/client";
import { getDb } from "../db";
import { databaseNow } from "./lease";
import { assertCan, type Actor } from "../authz";
import { appendAuditMany, type AuditInput } from "../audit";
import { AppError, forbidden, invalidState, notFound } from "../errors";
import { parseInput } from "../validation";
import { evaluateRequest } from "../policy/evaluate-request";
import { wakeWorkers } from "../worker/wake";
import { applyExtension } from "./apply-extension";
import { holdsGrant } from "../identities/ownership";

const input = z.object({
  grantId: z.string().uuid("Unknown grant"),
  durationSec: z.number().int().min(60, "At least one minute").max(90 * 86400),
  justification: z.string().trim().min(10, "Say why, in at least 10 characters").max(2000),
});

/**
 * More time on a live grant is a new decision: an extension request routed like any other
 * (approvers see it in the queue), never a silent change.
 */
/** The grant as the extension left it: a later end if the extension was approved at once. */
export type ExtendedGrant = Grant & { identity: { name: string }; entitlement: { name: string } };

export async function extendGrant({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<{ requestId: string; status: string; grant: ExtendedGrant }> {
  assertCan(actor, "request:create");
  const { grantId, durationSec, justification } = parseInput(input, raw);
  return getDb().$transaction(async (tx) => {
    // The grant is locked first: the audit chain's lock is always the last one taken.
    await tx.$queryRaw`SELECT id FROM "Grant" WHERE id = ${grantId}::uuid FOR UPDATE`;
    const grant = await tx.grant.findUnique({ where: { id: grantId }, include: { request: true, identity: true, entitlement: true } });
    if (!grant) throw notFound("Grant");
    const mine = holdsGrant(actor, grant);
    if (!mine) throw forbidden("Only the requester of a grant can ask to extend it");
    if (grant.status !== "active") throw invalidState(`The grant is ${grant.status}; it can no longer be extended`);
    if (grant.exceptionId) throw invalidState("Standing access is renewed by a new exception review, not extended");
    if (durationSec > grant.entitlement.maxDurationSec) {
      throw new AppError("validation_failed", `${grant.entitlement.name} allows at most ${Math.floor(grant.entitlement.maxDurationSec / 60)} minutes at a time`);
    }
    const pending = await tx.accessRequest.count({ where: { extendsGrantId: grantId, status: "pending" } });
    if (pending > 0) throw invalidState("An extension of this grant is already waiting for a decision");
    const decision = await evaluateRequest(tx, {
      identity: grant.identity,
      entitlement: grant.entitlement,
      actor,
      durationSec,
      breakGlass: false,
      extension: true,
      refs: { ticketRef: grant.request?.ticketRef, incidentRef: grant.request?.incidentRef, changeRef: grant.request?.changeRef },
      onBehalfOf: grant.request?.onBehalfOf ?? [],
    });
    const now = await databaseNow(tx);
    const status = decision.outcome === "auto_approve" ? "approved" : decision.outcome === "deny" ? "denied" : "pending";
    const request = await tx.accessRequest.create({
      data: {
        identityId: grant.identityId,
        entitlementId: grant.entitlementId,
        requesterUserId: actor.type === "user" ? actor.id : null,
        requesterIdentityId: actor.type === "identity" ? actor.id : null,
        durationSec: Math.min(durationSec, decision.maxDurationSec),
        justification,
        ticketRef: grant.request?.ticketRef,
        incidentRef: grant.request?.incidentRef,
        changeRef: grant.request?.changeRef,
        extendsGrantId: grantId,
        status,
        decision: { ...decision, extension: true } as object,
        approvalsRequired: decision.approvalsRequired,
        securityApprovalRequired: decision.securityApprovalRequired,
        environment: grant.entitlement.environment,
        riskTier: grant.entitlement.riskTier,
        identityKind: grant.identity.kind,
        expiresAt: new Date(Math.min(now.getTime() + grant.entitlement.requestTtlSec * 1000, grant.expiresAt.getTime())),
        decidedAt: status === "pending" ? null : now,
      },
    });
    const events: AuditInput[] = [
      {
        action: "grant.extension_requested",
        subjectType: "grant",
        subjectId: grantId,
        data: { requestId: request.id, durationSec, outcome: decision.outcome },
      },
    ];
    let extended: ExtendedGrant = grant;
    if (status === "approved") {
      const applied = await applyExtension(tx, grantId, request.durationSec, request.id, now);
      events.push(applied.event);
      extended = { ...grant, expiresAt: applied.expiresAt, extensions: grant.extensions + 1 };
    } else if (status === "pending") await wakeWorkers(tx, "request.pending");
    await appendAuditMany(tx, actor, events);
    return { requestId: request.id, status, grant: extended };
  });
}
