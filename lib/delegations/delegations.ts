import { z } from "zod";
import { getDb, type Tx } from "../db";
import { can, type Actor } from "../authz";
import { appendAuditMany, type AuditInput } from "../audit";
import { AppError, forbidden, invalidState, notFound } from "../errors";
import { isUuid, parseInput } from "../validation";
import { operatesIdentity } from "../identities/ownership";
import { wakeWorkers } from "../worker/wake";
import type { Delegation } from "../generated/prisma/client";

// A delegation lets an agent identity request access for a principal identity: only the
// entitlements it lists, only until it ends, and only while it is not withdrawn. It is made and
// withdrawn by an admin or by whoever owns the principal (their team included), each step
// audited; withdrawing it, or quarantining the agent, revokes what the agent obtained through it.

export const MAX_DELEGATION_DAYS = 90;

const ref = z.string().trim().min(1).max(200);

export const delegateInput = z.strictObject({
  agent: ref,
  principal: ref,
  entitlements: z.array(ref).min(1, "Name at least one entitlement the agent may ask for").max(100),
  endsAt: z.coerce.date({ error: "endsAt must be a date" }),
  reason: z.string().trim().min(5, "Say why the agent acts for it, in at least 5 characters").max(2000),
});

export const withdrawDelegationInput = z.strictObject({
  agent: ref,
  principal: ref,
  reason: z.string().trim().min(5, "Say why, in at least 5 characters").max(2000),
});

async function identityByRef(tx: Tx, value: string) {
  const row = await tx.identity.findFirst({ where: isUuid(value) ? { id: value } : { name: value } });
  if (!row) throw notFound(`Identity ${value}`);
  return row;
}

async function mayManage(tx: Tx, actor: Actor, principal: { ownerUserId: string | null; ownerTeamId: string | null }) {
  if (can(actor, "identity:write")) return;
  if (await operatesIdentity(tx, actor, principal)) return;
  throw forbidden("Only an admin or the principal's owner makes or withdraws a delegation");
}

export type DelegationView = { agent: string; principal: string; entitlements: string[]; endsAt: string; reason: string; withdrawnAt: string | null };

/** Makes (or renews with a new scope and end) the agent's delegation for the principal. */
export async function delegate(actor: Actor, raw: z.input<typeof delegateInput>): Promise<DelegationView> {
  const input = parseInput(delegateInput, raw);
  const now = new Date();
  if (input.endsAt <= now) throw new AppError("validation_failed", "endsAt must be in the future", { fields: { endsAt: "In the past" } });
  if (input.endsAt.getTime() - now.getTime() > MAX_DELEGATION_DAYS * 86400_000) {
    throw new AppError("validation_failed", `A delegation lasts at most ${MAX_DELEGATION_DAYS} days`, { fields: { endsAt: "Too far away" } });
  }
  return getDb().$transaction(async (tx) => {
    const [agent, principal] = [await identityByRef(tx, input.agent), await identityByRef(tx, input.principal)];
    await mayManage(tx, actor, principal);
    if (agent.id === principal.id) throw new AppError("validation_failed", "An identity does not need a delegation to act for itself");
    if (agent.status !== "active") throw invalidState(`${agent.name} is ${agent.status}`);
    const entitlements = await tx.entitlement.findMany({ where: { OR: input.entitlements.map((e) => (isUuid(e) ? { id: e } : { name: e })) } });
    const missing = input.entitlements.filter((e) => !entitlements.some((x) => x.id === e || x.name === e));
    if (missing.length) throw notFound(`Entitlement ${missing.join(", ")}`);
    const data = {
      entitlementIds: entitlements.map((e) => e.id),
      endsAt: input.endsAt,
      reason: input.reason,
      createdById: actor.type === "user" ? actor.id : null,
      withdrawnAt: null,
      withdrawnById: null,
    };
    const previous = await tx.delegation.findUnique({ where: { agentId_principalId: { agentId: agent.id, principalId: principal.id } } });
    await tx.delegation.upsert({ where: { agentId_principalId: { agentId: agent.id, principalId: principal.id } }, create: { agentId: agent.id, principalId: principal.id, ...data }, update: data });
    const audit = {
      agent: agent.name,
      principal: principal.name,
      entitlements: entitlements.map((e) => e.name),
      endsAt: input.endsAt.toISOString(),
      reason: input.reason,
      ...(previous ? { previous: { entitlementIds: previous.entitlementIds, endsAt: previous.endsAt.toISOString(), withdrawnAt: previous.withdrawnAt?.toISOString() ?? null } } : {}),
    };
    await appendAuditMany(tx, actor, [
      { action: previous ? "delegation.changed" : "delegation.created", subjectType: "identity", subjectId: agent.id, data: audit },
      { action: previous ? "delegation.changed" : "delegation.created", subjectType: "identity", subjectId: principal.id, data: audit },
    ]);
    return { agent: agent.name, principal: principal.name, entitlements: entitlements.map((e) => e.name), endsAt: input.endsAt.toISOString(), reason: input.reason, withdrawnAt: null };
  });
}

/** Withdraws the delegation and revokes every live grant the agent obtained through it. */
export async function withdrawDelegation(actor: Actor, raw: z.input<typeof withdrawDelegationInput>): Promise<{ grantsRevoking: number; requestsCancelled: number }> {
  const input = parseInput(withdrawDelegationInput, raw);
  return getDb().$transaction(async (tx) => {
    const [agent, principal] = [await identityByRef(tx, input.agent), await identityByRef(tx, input.principal)];
    await mayManage(tx, actor, principal);
    const d = await tx.delegation.findUnique({ where: { agentId_principalId: { agentId: agent.id, principalId: principal.id } } });
    if (!d || d.withdrawnAt) throw notFound(`A delegation from ${agent.name} for ${principal.name}`);
    const now = new Date();
    await tx.delegation.update({ where: { agentId_principalId: { agentId: agent.id, principalId: principal.id } }, data: { withdrawnAt: now, withdrawnById: actor.type === "user" ? actor.id : null } });
    const data = { agent: agent.name, principal: principal.name, reason: input.reason };
    const ended = await endWhatAgentObtained(tx, actor, { agentId: agent.id, principalId: principal.id, reason: "delegation_withdrawn", comment: input.reason, now });
    await appendAuditMany(tx, actor, [
      { action: "delegation.withdrawn", subjectType: "identity", subjectId: agent.id, data: { ...data, ...ended } },
      { action: "delegation.withdrawn", subjectType: "identity", subjectId: principal.id, data: { ...data, ...ended } },
    ]);
    return ended;
  });
}

/**
 * Inside the caller's transaction: every live grant the agent obtained for others (for one
 * principal, or for all) moves to `revoking`, and its pending requests for them are cancelled.
 */
export async function endWhatAgentObtained(
  tx: Tx,
  actor: Actor,
  { agentId, principalId, reason, comment, now = new Date() }: { agentId: string; principalId?: string; reason: "delegation_withdrawn" | "identity_quarantined"; comment: string; now?: Date },
): Promise<{ grantsRevoking: number; requestsCancelled: number }> {
  const grants = await tx.$queryRaw<{ id: string; status: string }[]>`
    SELECT g.id, g.status::text AS status FROM "Grant" g JOIN "AccessRequest" r ON r.id = g."requestId"
    WHERE r."requesterIdentityId" = ${agentId}::uuid AND g."identityId" <> ${agentId}::uuid
      AND (${principalId ?? null}::uuid IS NULL OR g."identityId" = ${principalId ?? null}::uuid)
      AND g.status IN ('issuing', 'active')
    ORDER BY g."createdAt" FOR UPDATE OF g`;
  if (grants.length) {
    await tx.grant.updateMany({
      where: { id: { in: grants.map((g) => g.id) } },
      data: { status: "revoking", revokeReason: reason, revokeComment: comment, revokeRequestedAt: now, nextAttemptAt: now, attempts: 0, credentialSealed: null },
    });
  }
  const requests = await tx.accessRequest.findMany({
    where: { requesterIdentityId: agentId, status: "pending", identityId: principalId ?? { not: agentId } },
    select: { id: true },
  });
  if (requests.length) await tx.accessRequest.updateMany({ where: { id: { in: requests.map((r) => r.id) } }, data: { status: "cancelled", decidedAt: now } });
  const events: AuditInput[] = [
    ...grants.map((g) => ({ action: "grant.revoke_requested", subjectType: "grant", subjectId: g.id, data: { reason, comment, was: g.status, obtainedBy: agentId } })),
    ...requests.map((r) => ({ action: "request.cancelled", subjectType: "access_request", subjectId: r.id, data: { reason, obtainedBy: agentId } })),
  ];
  if (events.length) await appendAuditMany(tx, actor, events);
  if (grants.length) await wakeWorkers(tx, "grant.revoking");
  return { grantsRevoking: grants.length, requestsCancelled: requests.length };
}

/** The agent's delegation for the principal if it allows this entitlement now, else why not. */
export function delegationAllows(d: Delegation | null, entitlementId: string, now = new Date()): { ok: true; endsAt: Date } | { ok: false; why: string } {
  if (!d) return { ok: false, why: "no delegation" };
  if (d.withdrawnAt) return { ok: false, why: "its delegation was withdrawn" };
  if (d.endsAt <= now) return { ok: false, why: "its delegation has ended" };
  if (!d.entitlementIds.includes(entitlementId)) return { ok: false, why: "its delegation does not cover this entitlement" };
  return { ok: true, endsAt: d.endsAt };
}
