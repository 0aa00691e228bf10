import { z } from "zod";
import { getDb, type Tx } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAuditMany, type AuditInput } from "../audit";
import { AppError, forbidden, notFound } from "../errors";
import { parseInput } from "../validation";
import type { Decision } from "../policy/decision";
import type { AccessRequest, Entitlement, Grant, Identity, Issuer } from "../generated/prisma/client";
import { CLAIM_LEASE_MS } from "../grants/backoff";
import { activation } from "../grants/issue-due-grants";
import { driverFor } from "../issuers/registry";
import type { Credential, IssueResult } from "../issuers/types";
import { randomUUID } from "node:crypto";
import { evaluateRequest } from "../policy/evaluate-request";
import { operatesIdentity } from "../identities/ownership";
import { enqueueNotification } from "../notifications/enqueue";
import { wakeWorkers, type Wake } from "../worker/wake";

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
  /** The credential, when the grant was issued by this call for its caller (issueInline, self-contained issuer). */
  credential: Credential | null;
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
  loaded?: { identity?: Identity; entitlement?: Entitlement & { issuer?: Issuer } };
} & z.input<typeof createRequestInput>): Promise<CreatedRequest> {
  assertCan(actor, "request:create");
  const input = parseInput(createRequestInput, raw);
  if (input.breakGlass) assertCan(actor, "request:break_glass");
  const db = getDb();

  // Reads and the decision first (nothing here is locked), then one transaction that only writes.
  const identity = loaded?.identity?.id === input.identityId ? loaded.identity : await db.identity.findUnique({ where: { id: input.identityId } });
  const entitlement = loaded?.entitlement?.id === input.entitlementId ? loaded.entitlement : await db.entitlement.findUnique({ where: { id: input.entitlementId } });
  if (!identity) throw notFound("Identity");
  if (!entitlement) throw notFound("Entitlement");
  // People request for identities they operate; an identity requests for itself, or for another
  // identity only where a delegation allows it (the chain is recorded on the request).
  let onBehalfOf: string[] = [];
  if (actor.type === "identity") {
    if (identity.id !== actor.id) {
      const delegation = await db.delegation.findUnique({ where: { agentId_principalId: { agentId: actor.id, principalId: identity.id } } });
      if (!delegation) throw forbidden(`Identity ${actor.name} may not request access on behalf of ${identity.name}`);
      onBehalfOf = [actor.id];
    }
  } else if (!(await operatesIdentity(db, actor, identity))) {
    throw forbidden("You can request access only for identities you own or whose owning team you are in");
  }
  if (input.durationSec > entitlement.maxDurationSec) {
    throw new AppError("validation_failed", `${entitlement.name} allows at most ${Math.floor(entitlement.maxDurationSec / 60)} minutes`, {
      fields: { durationSec: "Longer than the entitlement allows" },
    });
  }
  const requester = actor.type === "user" ? await db.user.findUnique({ where: { id: actor.id }, select: { onCall: true } }) : null;
  const decision = await evaluateRequest(db, {
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
  const grantId = randomUUID();
  const windowEnd = new Date(now.getTime() + durationSec * 1000);
  // An issuer whose grant creates nothing outside Hourglass is issued now, and recorded as issued
  // by the approving transaction; any other (or a failure here) is issued after commit.
  const issued =
    status === "approved" && issueInline
      ? await issueSelfContained(db, { grantId, identity, entitlement, issuer: loaded?.entitlement?.issuer, expiresAt: windowEnd, publicKey: input.publicKey })
      : null;

  return db.$transaction(async (tx) => {
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
    let credential: Credential | null = null;
    let wake: Wake | undefined;
    if (status === "approved") {
      const done = issued ? activation({ grantId, issuerName: issued.issuerName, result: issued.result, expiresAt: windowEnd, issuedAt: now, attempt: 1, deliverTo: actor }) : null;
      grant = await tx.grant.create({
        data: {
          id: grantId,
          requestId: request.id,
          identityId: identity.id,
          entitlementId: entitlement.id,
          issuerId: entitlement.issuerId,
          status: "issuing",
          breakGlass: input.breakGlass,
          expiresAt: windowEnd,
          // Claimed by the caller (attempt 1, leased), so the worker does not race it for the grant.
          ...(issueInline ? { attempts: 1, nextAttemptAt: new Date(now.getTime() + CLAIM_LEASE_MS) } : {}),
          ...(done?.data ?? {}),
        },
      });
      audit.push({
        action: input.breakGlass ? "request.break_glass" : "request.auto_approved",
        subjectType: "access_request",
        subjectId: request.id,
        data: { grantId: grant.id, reasons: decision.reasons },
      });
      if (done) {
        audit.push(...done.audit);
        credential = done.credential;
        // The revoke lane wakes only if this grant ends before what it already waits for.
        wake = { reason: "grant.active", dueAt: done.finalExpiry };
      }
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
    await appendAuditMany(tx, actor, audit, { wake });
    return { id: request.id, status, decision, grantId: grant?.id ?? null, request, grant, credential, identity, entitlement };
  });
}

/**
 * Issues through a self-contained issuer (see IssuerDriver.selfContained) before the approving
 * transaction, which then records the grant as issued; null when the issuer is not one, or when
 * it fails — the grant is then issued after commit, with the worker's retries.
 */
async function issueSelfContained(
  tx: Pick<Tx, "issuer">,
  args: { grantId: string; identity: Identity; entitlement: Entitlement; issuer?: Issuer; expiresAt: Date; publicKey: string | null },
): Promise<{ result: IssueResult; issuerName: string } | null> {
  const issuer = args.issuer?.id === args.entitlement.issuerId ? args.issuer : await tx.issuer.findUnique({ where: { id: args.entitlement.issuerId } });
  if (!issuer) return null;
  try {
    const driver = await driverFor(issuer);
    if (!driver.selfContained) return null;
    const result = await driver.grant({
      grantId: args.grantId,
      identity: { id: args.identity.id, name: args.identity.name, kind: args.identity.kind, environment: args.identity.environment },
      entitlement: { id: args.entitlement.id, name: args.entitlement.name, target: args.entitlement.target },
      expiresAt: args.expiresAt,
      publicKey: args.publicKey,
    });
    return { result, issuerName: issuer.name };
  } catch {
    return null;
  }
}
