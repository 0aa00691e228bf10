import { z } from "zod";
import { getDb, type Tx } from "../db";
import { assertCan, type Actor } from "../authz";
import type { AuditInput } from "../audit";
import { AppError, forbidden, notFound } from "../errors";
import { parseInput } from "../validation";
import type { Decision } from "../policy/decision";
import type { AccessRequest, Entitlement, Grant, Identity, Issuer, RequestStatus } from "../generated/prisma/client";
import { writeAtOnce, type Insert } from "../write-at-once";
import { databaseNow, leaseMs } from "../grants/lease";
import { activation } from "../grants/issue-due-grants";
import { driverFor } from "../issuers/registry";
import type { Credential, IssueResult } from "../issuers/types";
import { randomUUID } from "node:crypto";
import { evaluateRequest } from "../policy/evaluate-request";
import { operatesIdentity } from "../identities/ownership";
import { notificationRow, type Notice } from "../notifications/enqueue";
import type { Wake } from "../worker/wake";
import { delegationAllows } from "../delegations/delegations";
import { unavailableReason } from "../entitlements/availability";

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

/** The grant's columns as written (the rest are the table's defaults). */
export type CreatedGrant = Pick<
  Grant,
  "id" | "requestId" | "exceptionId" | "identityId" | "entitlementId" | "issuerId" | "status" | "breakGlass" | "issuedAt" | "expiresAt" | "revokedAt" | "revokeReason" | "lastError" | "attempts" | "nextAttemptAt" | "issueLeaseUntil" | "createdAt" | "updatedAt"
>;

export type CreatedRequest = {
  id: string;
  status: RequestStatus;
  decision: Decision;
  grantId: string | null;
  /** The rows as written, so a caller can answer without reading them back. */
  request: Pick<AccessRequest, "id" | "status" | "decision" | "durationSec" | "publicKey" | "approvalsRequired" | "createdAt" | "expiresAt">;
  /** The credential, when the grant was issued by this call for its caller (issueInline, self-contained issuer). */
  credential: Credential | null;
  grant: CreatedGrant | null;
  identity: Identity;
  entitlement: Entitlement;
};

type Loaded = { identity?: Identity; entitlement?: Entitlement & { issuer?: Issuer } };
type Input = z.output<typeof createRequestInput>;

/**
 * A user asks for access on behalf of an identity they own or operate. The decision is made now:
 * approved at once (a grant is queued for issue), sent to approvers, or refused.
 *
 * Reads and the decision come first, with nothing locked; then every row the request makes is
 * written in one statement (ids are made here), so nothing is held between round trips.
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
  loaded?: Loaded;
} & z.input<typeof createRequestInput>): Promise<CreatedRequest> {
  assertCan(actor, "request:create");
  const input = parseInput(createRequestInput, raw);
  if (input.breakGlass) assertCan(actor, "request:break_glass");
  const db = getDb();

  // 1. Decide: who asks for what, whether they may, and what policy says.
  const d = await decideNewRequest(db, actor, input, loaded);
  const { identity, entitlement, decision, status, durationSec, now } = d;
  const requestId = randomUUID();
  const grantId = randomUUID();
  const windowEnd = new Date(now.getTime() + durationSec * 1000);

  // 2. Issue now if the issuer creates nothing outside Hourglass (signed tokens): the same
  //    statement then records the grant as issued. Any other issuer, or a failure, issues after commit.
  const issued =
    status === "approved" && issueInline
      ? await issueSelfContained(db, { grantId, identity, entitlement, issuer: loaded?.entitlement?.issuer, expiresAt: windowEnd, publicKey: input.publicKey })
      : null;

  // 3. The request row and its first audit event.
  const request = requestRow({ id: requestId, actor, input, d });
  const inserts: Insert[] = [{ table: "AccessRequest", row: request }];
  const audit: AuditInput[] = [
    {
      action: "request.created",
      subjectType: "access_request",
      subjectId: requestId,
      data: { identity: identity.name, entitlement: entitlement.name, durationSec, breakGlass: input.breakGlass, decision: { outcome: decision.outcome, reasons: decision.reasons, policyIds: decision.policyIds } },
    },
  ];
  let grant: CreatedGrant | null = null;
  let credential: Credential | null = null;
  let wake: Wake | undefined = status === "pending" ? { reason: "request.pending" } : undefined;

  // 4. Approved at once: the grant (issued or to issue), its events, and a break-glass review.
  if (status === "approved") {
    const done = issued ? activation({ grantId, issuerName: issued.issuerName, result: issued.result, expiresAt: windowEnd, issuedAt: now, attempt: 1, deliverTo: actor }) : null;
    grant = { ...grantRow({ id: grantId, requestId, identity, entitlement, input, windowEnd, now, issueInline }), ...(done?.data ?? {}) };
    inserts.push({ table: "Grant", row: grant });
    audit.push({ action: input.breakGlass ? "request.break_glass" : "request.auto_approved", subjectType: "access_request", subjectId: requestId, data: { grantId, reasons: decision.reasons } });
    if (done) {
      audit.push(...done.audit);
      credential = done.credential;
      // The revoke lane wakes only if this grant ends before what it already waits for.
      wake = { reason: "grant.active", dueAt: done.finalExpiry };
    } else if (!issueInline) {
      wake = { reason: "grant.issuing" };
    }
    if (input.breakGlass) inserts.push({ table: "BreakGlassReview", row: { id: randomUUID(), requestId, createdAt: now } });
  }

  // 5. Who is told: approvers of a pending request, everyone of a break-glass use.
  for (const notice of noticesFor({ requestId, actor, input, d })) {
    const row = notificationRow(notice);
    if (row) inserts.push({ table: "NotificationDelivery", row: { id: randomUUID(), ...row, createdAt: now } });
  }

  // 6. One statement writes it all, chains the audit events and wakes the worker.
  await writeAtOnce(db, inserts, { actor, events: audit, wake });
  return { id: requestId, status, decision, grantId: grant?.id ?? null, request, grant, credential, identity, entitlement };
}

/** What a new request would be, decided on the database's clock: nothing is written. */
export type NewRequestDecision = {
  identity: Identity;
  entitlement: Entitlement;
  decision: Decision;
  status: RequestStatus;
  /** The window granted: what was asked, cut to what policy and a delegation allow. */
  durationSec: number;
  /** The delegation chain when an agent asks for another identity. */
  onBehalfOf: string[];
  now: Date;
};

/**
 * Whether the actor may ask for this at all (a person for what they operate; an identity for itself
 * or, under a delegation, for its principal), and what policy decides. Throws a 4xx for a request
 * that may not be made; a request policy refuses is a decision, not an error.
 */
export async function decideNewRequest(db: Tx, actor: Actor, input: Input, loaded?: Loaded): Promise<NewRequestDecision> {
  const identity = loaded?.identity?.id === input.identityId ? loaded.identity : await db.identity.findUnique({ where: { id: input.identityId } });
  const entitlement = loaded?.entitlement?.id === input.entitlementId ? loaded.entitlement : await db.entitlement.findUnique({ where: { id: input.entitlementId } });
  if (!identity) throw notFound("Identity");
  if (!entitlement) throw notFound("Entitlement");
  if (entitlement.canary) {
    const off = `${entitlement.name} is a revocation drill's canary: only drills are granted it`;
    throw new AppError("invalid_state", off, { fields: { entitlementId: off } });
  }
  // The effective right of an agent is the intersection: what its delegation lists, until it ends,
  // and what policy allows the principal (decided without the agent's own workload proof).
  let onBehalfOf: string[] = [];
  let delegationEndsAt: Date | null = null;
  if (actor.type === "identity") {
    if (identity.id !== actor.id) {
      const delegation = await db.delegation.findUnique({ where: { agentId_principalId: { agentId: actor.id, principalId: identity.id } } });
      const allowed = delegationAllows(delegation, entitlement.id);
      if (!allowed.ok) throw forbidden(`Identity ${actor.name} may not request ${entitlement.name} on behalf of ${identity.name}: ${allowed.why}`);
      onBehalfOf = [actor.id];
      delegationEndsAt = allowed.endsAt;
    }
  } else if (!(await operatesIdentity(db, actor, identity))) {
    throw forbidden("You can request access only for identities you own or whose owning team you are in");
  }
  if (input.durationSec > entitlement.maxDurationSec) {
    throw new AppError("validation_failed", `${entitlement.name} allows at most ${Math.floor(entitlement.maxDurationSec / 60)} minutes`, {
      fields: { durationSec: "Longer than the entitlement allows" },
    });
  }
  const loadedIssuer = loaded?.entitlement?.issuer?.id === entitlement.issuerId ? loaded.entitlement.issuer : null;
  const [requester, issuer] = await Promise.all([
    actor.type === "user" ? db.user.findUnique({ where: { id: actor.id }, select: { onCall: true } }) : null,
    loadedIssuer ?? db.issuer.findUnique({ where: { id: entitlement.issuerId }, select: { name: true, enabled: true } }),
  ]);
  const off = issuer ? unavailableReason(entitlement, issuer) : null;
  if (off) throw new AppError("invalid_state", off, { fields: { entitlementId: off } });
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
  const now = await databaseNow(db);
  const untilDelegationEnds = delegationEndsAt ? Math.floor((delegationEndsAt.getTime() - now.getTime()) / 1000) : Infinity;
  const durationSec = decision.outcome === "deny" ? input.durationSec : Math.min(input.durationSec, decision.maxDurationSec, untilDelegationEnds);
  const status: RequestStatus = decision.outcome === "auto_approve" ? "approved" : decision.outcome === "deny" ? "denied" : "pending";
  return { identity, entitlement, decision, status, durationSec, onBehalfOf, now };
}

function requestRow({ id, actor, input, d }: { id: string; actor: Actor; input: Input; d: NewRequestDecision }) {
  return {
    id,
    identityId: d.identity.id,
    entitlementId: d.entitlement.id,
    requesterUserId: actor.type === "user" ? actor.id : null,
    requesterIdentityId: actor.type === "identity" ? actor.id : null,
    durationSec: d.durationSec,
    justification: input.justification,
    ticketRef: input.ticketRef,
    incidentRef: input.incidentRef,
    changeRef: input.changeRef,
    jobRef: input.jobRef,
    publicKey: input.publicKey,
    breakGlass: input.breakGlass,
    onBehalfOf: d.onBehalfOf,
    idempotencyKey: input.idempotencyKey ?? null,
    status: d.status,
    decision: d.decision as object,
    approvalsRequired: d.decision.approvalsRequired,
    securityApprovalRequired: d.decision.securityApprovalRequired,
    environment: d.entitlement.environment,
    riskTier: d.entitlement.riskTier,
    identityKind: d.identity.kind,
    expiresAt: new Date(d.now.getTime() + d.entitlement.requestTtlSec * 1000),
    decidedAt: d.status === "pending" ? null : d.now,
    createdAt: d.now,
  };
}

/** An approved request's grant, to issue; claimed (attempt 1, leased) when the caller issues it, so the worker does not race it. */
function grantRow(a: { id: string; requestId: string; identity: Identity; entitlement: Entitlement; input: Input; windowEnd: Date; now: Date; issueInline: boolean }): CreatedGrant {
  const lease = a.issueInline ? new Date(a.now.getTime() + leaseMs()) : null;
  return {
    id: a.id,
    requestId: a.requestId,
    exceptionId: null,
    identityId: a.identity.id,
    entitlementId: a.entitlement.id,
    issuerId: a.entitlement.issuerId,
    status: "issuing",
    breakGlass: a.input.breakGlass,
    issuedAt: null,
    expiresAt: a.windowEnd,
    revokedAt: null,
    revokeReason: null,
    lastError: null,
    attempts: a.issueInline ? 1 : 0,
    nextAttemptAt: lease,
    issueLeaseUntil: lease,
    createdAt: a.now,
    updatedAt: a.now,
  };
}

function noticesFor({ requestId, actor, input, d }: { requestId: string; actor: Actor; input: Input; d: NewRequestDecision }): Notice[] {
  const who = actor.type === "user" ? actor.name : "an identity";
  const minutes = Math.round(d.durationSec / 60);
  if (d.status === "pending") {
    return [
      {
        event: "request.created",
        title: `Access request: ${d.entitlement.name} for ${d.identity.name}`,
        lines: [`By ${who} for ${minutes} min`, `Why: ${input.justification}`, d.decision.reasons.join("; ")],
        link: `/approvals?request=${requestId}`,
      },
    ];
  }
  if (d.status === "approved" && input.breakGlass) {
    return [
      {
        event: "break_glass.used",
        severity: "critical",
        title: `Break-glass: ${who} took ${d.entitlement.name} for ${d.identity.name}`,
        lines: [`Justification: ${input.justification}`, input.incidentRef ? `Incident: ${input.incidentRef}` : "", `Window: ${minutes} min`].filter(Boolean),
        link: `/requests/${requestId}`,
      },
    ];
  }
  return [];
}

/**
 * Issues through a self-contained issuer (see IssuerDriver.selfContained) before the approving
 * transaction, which then records the grant as issued; null when the issuer is not one, or when
 * it fails — the grant is then issued after commit, with the worker's retries.
 */
async function issueSelfContained(
  db: Pick<Tx, "issuer">,
  args: { grantId: string; identity: Identity; entitlement: Entitlement; issuer?: Issuer; expiresAt: Date; publicKey: string | null },
): Promise<{ result: IssueResult; issuerName: string } | null> {
  const issuer = args.issuer?.id === args.entitlement.issuerId ? args.issuer : await db.issuer.findUnique({ where: { id: args.entitlement.issuerId } });
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
