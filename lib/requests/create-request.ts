import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAuditMany, type AuditInput } from "../audit";
import { AppError, forbidden, notFound } from "../errors";
import { parseInput } from "../validation";
import type { Decision } from "../policy/decision";
import type { AccessRequest, Entitlement, Grant, Identity } from "../generated/prisma/client";
import { CLAIM_LEASE_MS } from "../grants/backoff";
import { evaluateRequest } from "../policy/evaluate-request";
import { operatesIdentity } from "../identities/ownership";
import { enqueueNotification } from "../notifications/enqueue";
import { wakeWorkers } from "../worker/wake";

const ref = z.string().trim().max(120).optional().transform((v) => v || null);

export const createRequestInput = z.object({
  identityId: z.string().uuid("Choose an identity"),
  entitlementId: z.string().uuid("Choose an entitlement"),
  durationSec: z.number().int().min(60, "At least one minute").max(90 * 86400),
  justification: z.string().trim().min(10, "Say why, in at least 10 characters").max(2000),
  ticketRef: ref,
  incidentRef: ref,
  changeRef: ref,
  jobRef: ref,
  breakGlass: z.boolean().default(false),
  publicKey: z.string().trim().max(16_000).optional().transform((v) => v || null),
  idempotencyKey: z.string().trim().min(1).max(200).optional(),
});

export type CreatedRequest = {
  id: string;
  status: string;
  decision: Decision;
  grantId: string | null;
  /** The rows as written, so a caller can answer without reading them back. */
  request: AccessRequest;
  grant: Grant | null;
  identity: Identity;
  entitlement: Entitlement;
};

/**
 * A user asks for access on behalf of an identity they own or operate. The decision is made now:
 * approved at once (a grant is queued for issue), sent to approvers, or refused.
 */
export async function createRequest({
  actor,
  issueInline = false,
  loaded,
  ...raw
}: {
  actor: Actor;
  /** The caller issues an approved grant itself (the API): it is created claimed by the caller; the worker takes over only if the caller dies. */
  issueInline?: boolean;
  /** Rows the caller has already read (the API resolves names to rows); used only when their ids match. */
  loaded?: { identity?: Identity; entitlement?: Entitlement };
} & z.input<typeof createRequestInput>): Promise<CreatedRequest> {
  assertCan(actor, "request:create");
  const input = parseInput(createRequestInput, raw);
  if (input.breakGlass) assertCan(actor, "request:break_glass");
  const db = getDb();

  return db.$transaction(async (tx) => {
    // One connection per transaction: queries in it run one after another.
    const identity = loaded?.identity?.id === input.identityId ? loaded.identity : await tx.identity.findUnique({ where: { id: input.identityId } });
    const entitlement = loaded?.entitlement?.id === input.entitlementId ? loaded.entitlement : await tx.entitlement.findUnique({ where: { id: input.entitlementId } });
    if (!identity) throw notFound("Identity");
    if (!entitlement) throw notFound("Entitlement");
    // People request for identities they operate; an identity requests for itself, or for another
    // identity only where a delegation allows it (the chain is recorded on the request).
    let onBehalfOf: string[] = [];
    if (actor.type === "identity") {
      if (identity.id !== actor.id) {
        const delegation = await tx.delegation.findUnique({ where: { agentId_principalId: { agentId: actor.id, principalId: identity.id } } });
        if (!delegation) throw forbidden(`Identity ${actor.name} may not request access on behalf of ${identity.name}`);
        onBehalfOf = [actor.id];
      }
    } else if (!(await operatesIdentity(tx, actor, identity))) {
      throw forbidden("You can request access only for identities you own or whose owning team you are in");
    }
    if (input.durationSec > entitlement.maxDurationSec) {
      throw new AppError("validation_failed", `${entitlement.name} allows at most ${Math.floor(entitlement.maxDurationSec / 60)} minutes`, {
        fields: { durationSec: "Longer than the entitlement allows" },
      });
    }
    const requester = actor.type === "user" ? await tx.user.findUnique({ where: { id: actor.id }, select: { onCall: true } }) : null;
    const decision = await evaluateRequest(tx, {
      identity,
      entitlement,
      actor,
      durationSec: input.durationSec,
      breakGlass: input.breakGlass,
      refs: input,
      onBehalfOf,
      requesterOnCall: requester?.onCall ?? false,
    });
    const now = new Date();
    const durationSec = decision.outcome === "deny" ? input.durationSec : Math.min(input.durationSec, decision.maxDurationSec);
    const status = decision.outcome === "auto_approve" ? "approved" : decision.outcome === "deny" ? "denied" : "pending";
    const request = await tx.accessRequest.create({
      data: {
        identityId: identity.id,
        entitlementId: entitlement.id,
        requesterUserId: actor.type === "user" ? actor.id : null,
        requesterIdentityId: actor.type === "identity" ? actor.id : null,
        durationSec,
        justification: input.justification,
        ticketRef: input.ticketRef,
        incidentRef: input.incidentRef,
        changeRef: input.changeRef,
        jobRef: input.jobRef,
        publicKey: input.publicKey,
        breakGlass: input.breakGlass,
        onBehalfOf,
        idempotencyKey: input.idempotencyKey ?? null,
        status,
        decision: decision as object,
        approvalsRequired: decision.approvalsRequired,
        securityApprovalRequired: decision.securityApprovalRequired,
        environment: entitlement.environment,
        riskTier: entitlement.riskTier,
        identityKind: identity.kind,
        expiresAt: new Date(now.getTime() + entitlement.requestTtlSec * 1000),
        decidedAt: status === "pending" ? null : now,
      },
    });
    // Every event of this transaction is appended at its end: the audit chain's lock is held
    // only from there to the commit.
    const audit: AuditInput[] = [];
    audit.push({
      action: "request.created",
      subjectType: "access_request",
      subjectId: request.id,
      data: { identity: identity.name, entitlement: entitlement.name, durationSec, breakGlass: input.breakGlass, decision: { outcome: decision.outcome, reasons: decision.reasons, policyIds: decision.policyIds } },
    });

    let grant: Grant | null = null;
    if (status === "approved") {
      grant = await tx.grant.create({
        data: {
          requestId: request.id,
          identityId: identity.id,
          entitlementId: entitlement.id,
          issuerId: entitlement.issuerId,
          status: "issuing",
          breakGlass: input.breakGlass,
          expiresAt: new Date(now.getTime() + durationSec * 1000),
          // Claimed by the caller (attempt 1, leased), so the worker does not race it for the grant.
          ...(issueInline ? { attempts: 1, nextAttemptAt: new Date(now.getTime() + CLAIM_LEASE_MS) } : {}),
        },
      });
      audit.push({
        action: input.breakGlass ? "request.break_glass" : "request.auto_approved",
        subjectType: "access_request",
        subjectId: request.id,
        data: { grantId: grant.id, reasons: decision.reasons },
      });
      if (input.breakGlass) {
        await tx.breakGlassReview.create({ data: { requestId: request.id } });
        await enqueueNotification(tx, {
          event: "break_glass.used",
          severity: "critical",
          title: `Break-glass: ${actor.type === "user" ? actor.name : "an identity"} took ${entitlement.name} for ${identity.name}`,
          lines: [`Justification: ${input.justification}`, input.incidentRef ? `Incident: ${input.incidentRef}` : "", `Window: ${Math.round(durationSec / 60)} min`].filter(Boolean),
          link: `/requests/${request.id}`,
        });
      }
      if (!issueInline) await wakeWorkers(tx, "grant.issuing");
    } else if (status === "pending") {
      await enqueueNotification(tx, {
        event: "request.created",
        title: `Access request: ${entitlement.name} for ${identity.name}`,
        lines: [`By ${actor.type === "user" ? actor.name : "an identity"} for ${Math.round(durationSec / 60)} min`, `Why: ${input.justification}`, decision.reasons.join("; ")],
        link: `/approvals?request=${request.id}`,
      });
      await wakeWorkers(tx, "request.pending");
    }
    await appendAuditMany(tx, actor, audit);
    return { id: request.id, status, decision, grantId: grant?.id ?? null, request, grant, identity, entitlement };
  });
}
