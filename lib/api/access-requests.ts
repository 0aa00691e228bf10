import { getDb } from "../db";
import type { AccessRequest, Identity } from "../generated/prisma/client";
import type { Actor } from "../authz";
import { AppError } from "../errors";
import { formatDuration, parseDuration, parseInput } from "../validation";
import { createRequest, type CreatedGrant } from "../requests/create-request";
import { getRequest } from "../requests/get-request";
import { issueClaimedGrant } from "../grants/issue-due-grants";
import { takeCredential } from "../grants/take-credential";
import type { Credential } from "../issuers/types";
import { createAccessRequestBody } from "./schemas";
import { resolveEntitlement, resolveIdentity } from "./resolve";

// The machine API's view of requests and grants: names instead of ids where people read them,
// durations in ISO 8601, the credential once.

type GrantRow = {
  id: string;
  status: string;
  issuedAt: Date | null;
  expiresAt: Date;
  revokedAt: Date | null;
  revokeReason: string | null;
  lastError: string | null;
};

export function presentGrant(g: GrantRow, names: { identity: string; entitlement: string }, credential?: Credential | null) {
  return {
    id: g.id,
    status: g.status,
    identity: names.identity,
    entitlement: names.entitlement,
    issuedAt: g.issuedAt?.toISOString() ?? null,
    expiresAt: g.expiresAt.toISOString(),
    revokedAt: g.revokedAt?.toISOString() ?? null,
    revokeReason: g.revokeReason,
    lastError: g.lastError,
    ...(credential ? { credential } : {}),
  };
}

type RequestRow = Pick<AccessRequest, "id" | "status" | "decision" | "durationSec" | "approvalsRequired" | "createdAt" | "expiresAt">;

function presentRequest(r: RequestRow, names: { identity: string; entitlement: string }, approvalsGiven: number, grant: GrantRow | null, credential: Credential | null) {
  const decision = (r.decision ?? {}) as { outcome?: string; reasons?: string[]; policyIds?: string[] };
  return {
    id: r.id,
    status: r.status,
    identity: names.identity,
    entitlement: names.entitlement,
    duration: formatDuration(r.durationSec),
    decision: { outcome: decision.outcome ?? "require_approval", reasons: decision.reasons ?? [], policyIds: decision.policyIds ?? [] },
    approvals: { given: approvalsGiven, required: r.approvalsRequired },
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    ...(grant ? { grant: presentGrant(grant, names, credential) } : {}),
  };
}

async function present(actor: Actor, requestId: string) {
  const r = await getRequest({ actor, requestId });
  const credential = r.grant && r.mine && r.grant.status === "active" && r.grant.credentialSealed ? await takeCredential({ actor, grantId: r.grant.id }) : null;
  const given = r.approvals.filter((a) => a.decision === "approve").length;
  return presentRequest(r, { identity: r.identity.name, entitlement: r.entitlement.name }, given, r.grant, credential);
}

/**
 * POST /api/v1/access-requests: decided now; an approved grant is issued in the same call and its
 * credential returned in this response (only here: it is not stored). Answered from the rows just
 * written, without reading them back.
 */
export async function apiCreateAccessRequest({ actor, body, callerIdentity }: { actor: Actor; body: unknown; /** The calling identity's row, read by authentication: not read again when it asks for itself. */ callerIdentity?: Identity }) {
  const input = parseInput(createAccessRequestBody, body);
  const durationSec = parseDuration(input.duration);
  if (durationSec === null) throw new AppError("validation_failed", `duration: "${input.duration}" is not an ISO 8601 duration such as PT15M`, { fields: { duration: "Not an ISO 8601 duration" } });
  const own = callerIdentity && actor.type === "identity" && callerIdentity.id === actor.id && (input.identity === callerIdentity.name || input.identity.toLowerCase() === callerIdentity.id);
  const identity = own ? callerIdentity : await resolveIdentity(input.identity);
  const entitlement = await resolveEntitlement(input.entitlement);
  const created = await createRequest({
    actor,
    identityId: identity.id,
    entitlementId: entitlement.id,
    loaded: { identity, entitlement },
    durationSec,
    justification: input.justification,
    ticketRef: input.context?.ticket,
    incidentRef: input.context?.incident,
    changeRef: input.context?.change,
    jobRef: input.context?.jobRef,
    publicKey: input.publicKey,
    issueInline: true,
  });
  const names = { identity: created.identity.name, entitlement: created.entitlement.name };
  if (!created.grant) return presentRequest(created.request, names, 0, null, null);
  // Issued with the approval (a self-contained issuer such as signed tokens).
  if (created.grant.status === "active") return presentRequest(created.request, names, 0, created.grant, created.credential);
  const outcome = await issueClaimedGrant({
    db: getDb(),
    grantId: created.grant.id,
    deliverTo: actor,
    loaded: { ...created.grant, identity: created.identity, entitlement: created.entitlement, issuer: entitlement.issuer, request: created.request, exception: null },
  });
  if (outcome.status !== "active") {
    // Failed (the worker retries it) or revoked meanwhile: report the grant as it now stands.
    return present(actor, created.id);
  }
  const grant: CreatedGrant = { ...created.grant, status: "active", issuedAt: outcome.issuedAt, expiresAt: outcome.expiresAt, attempts: 0, lastError: null };
  return presentRequest(created.request, names, 0, grant, outcome.credential);
}

/** GET /api/v1/access-requests/{id}: the first read after issue carries the credential, once. */
export async function apiGetAccessRequest({ actor, requestId }: { actor: Actor; requestId: string }) {
  return present(actor, requestId);
}
