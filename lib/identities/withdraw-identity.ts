import type { Tx } from "../db";
import type { Actor } from "../authz";
import { appendAuditMany, type AuditInput } from "../audit";
import { wakeWorkers } from "../worker/wake";
import { endWhatAgentObtained } from "../delegations/delegations";

/** Grants that hold, or are about to hold, privilege at the issuer. */
export const LIVE_GRANT_STATUSES = ["issuing", "active"] as const;

export type Withdrawn = { grantsRevoking: number; requestsCancelled: number; tokensRevoked: number };

/**
 * Takes an identity out of service inside the caller's transaction: its status becomes
 * `quarantined` or `decommissioned`, every live grant moves to `revoking` (reason
 * `identity_quarantined`) for the worker to revoke and verify at the issuer, and its pending
 * requests are cancelled so no approval can hand it new privilege; a decommissioned identity's API
 * tokens stop working for good. Each change is audited.
 *
 * Used by quarantine / decommission (change-identity-status.ts) and by an owner's attestation,
 * which must commit the identity's change with its answer.
 */
export async function withdrawIdentity(
  tx: Tx,
  actor: Actor,
  { identityId, status, comment, context, now = new Date() }: { identityId: string; status: "quarantined" | "decommissioned"; comment: string; context: Record<string, unknown>; now?: Date },
): Promise<Withdrawn> {
  const before = await tx.identity.findUniqueOrThrow({ where: { id: identityId }, select: { name: true, status: true } });
  await tx.identity.update({ where: { id: identityId }, data: { status } });
  // Locked so a concurrent issue or revoke sees this change, never a half of it.
  const grants = await tx.$queryRaw<{ id: string; status: string }[]>`
    SELECT id, status::text AS status FROM "Grant"
    WHERE "identityId" = ${identityId}::uuid AND status IN ('issuing', 'active')
    ORDER BY "createdAt" FOR UPDATE`;
  if (grants.length) {
    await tx.grant.updateMany({
      where: { id: { in: grants.map((g) => g.id) } },
      data: { status: "revoking", revokeReason: "identity_quarantined", revokeComment: comment, revokeRequestedAt: now, nextAttemptAt: now, attempts: 0, credentialSealed: null },
    });
  }
  const requests = await tx.accessRequest.findMany({ where: { identityId, status: "pending" }, select: { id: true } });
  if (requests.length) {
    await tx.accessRequest.updateMany({ where: { id: { in: requests.map((r) => r.id) } }, data: { status: "cancelled", decidedAt: now } });
  }
  // What it obtained for other identities as their delegated agent ends with it.
  const asAgent = await endWhatAgentObtained(tx, actor, { agentId: identityId, reason: "identity_quarantined", comment, now });
  const tokensRevoked =
    status === "decommissioned" ? (await tx.apiToken.updateMany({ where: { identityId, revokedAt: null }, data: { revokedAt: now } })).count : 0;
  const events: AuditInput[] = [
    {
      action: `identity.${status}`,
      subjectType: "identity",
      subjectId: identityId,
      data: { ...context, name: before.name, reason: comment, from: before.status, grantsRevoking: grants.length, requestsCancelled: requests.length, tokensRevoked, obtainedForOthers: asAgent },
    },
    ...grants.map((g) => ({
      action: "grant.revoke_requested",
      subjectType: "grant",
      subjectId: g.id,
      data: { reason: "identity_quarantined", comment, was: g.status, identity: before.name, identityStatus: status },
    })),
    ...requests.map((r) => ({ action: "request.cancelled", subjectType: "access_request", subjectId: r.id, data: { reason: `identity ${status}`, identity: before.name } })),
  ];
  await appendAuditMany(tx, actor, events);
  if (grants.length) await wakeWorkers(tx, "grant.revoking");
  return { grantsRevoking: grants.length + asAgent.grantsRevoking, requestsCancelled: requests.length + asAgent.requestsCancelled, tokensRevoked };
}
