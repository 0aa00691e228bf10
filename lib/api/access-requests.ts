import { getDb } from "../db";
import type { Actor } from "../authz";
import { AppError } from "../errors";
import { formatDuration, parseDuration, parseInput } from "../validation";
import { createRequest } from "../requests/create-request";
import { getRequest } from "../requests/get-request";
import { issueGrantNow } from "../grants/issue-due-grants";
import { takeCredential } from "../grants/take-credential";
import type { Credential } from "../issuers/types";
import { createAccessRequestBody } from "./schemas";
import { resolveEntitlementId as resolveEntitlement, resolveIdentityId as resolveIdentity } from "./resolve";

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

async function present(actor: Actor, requestId: string) {
  const r = await getRequest({ actor, requestId });
  const decision = (r.decision ?? {}) as { outcome?: string; reasons?: string[]; policyIds?: string[] };
  const credential = r.grant && r.mine && r.grant.status === "active" && r.grant.credentialSealed ? await takeCredential({ actor, grantId: r.grant.id }) : null;
  const names = { identity: r.identity.name, entitlement: r.entitlement.name };
  return {
    id: r.id,
    status: r.status,
    identity: names.identity,
    entitlement: names.entitlement,
    duration: formatDuration(r.durationSec),
    decision: { outcome: decision.outcome ?? "require_approval", reasons: decision.reasons ?? [], policyIds: decision.policyIds ?? [] },
    approvals: { given: r.approvals.filter((a) => a.decision === "approve").length, required: r.approvalsRequired },
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    ...(r.grant ? { grant: presentGrant(r.grant, names, credential) } : {}),
  };
}

/** POST /api/v1/access-requests: decided now; an approved grant is issued in the same call. */
export async function apiCreateAccessRequest({ actor, body }: { actor: Actor; body: unknown }) {
  const input = parseInput(createAccessRequestBody, body);
  const durationSec = parseDuration(input.duration);
  if (durationSec === null) throw new AppError("validation_failed", `duration: "${input.duration}" is not an ISO 8601 duration such as PT15M`, { fields: { duration: "Not an ISO 8601 duration" } });
  const created = await createRequest({
    actor,
    identityId: await resolveIdentity(input.identity),
    entitlementId: await resolveEntitlement(input.entitlement),
    durationSec,
    justification: input.justification,
    ticketRef: input.context?.ticket,
    incidentRef: input.context?.incident,
    changeRef: input.context?.change,
    jobRef: input.context?.jobRef,
    publicKey: input.publicKey,
    issueInline: true,
  });
  if (created.grantId) await issueGrantNow({ db: getDb(), grantId: created.grantId });
  return present(actor, created.id);
}

/** GET /api/v1/access-requests/{id}: the first read after issue carries the credential, once. */
export async function apiGetAccessRequest({ actor, requestId }: { actor: Actor; requestId: string }) {
  return present(actor, requestId);
}
