import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAuditMany, type AuditInput } from "../audit";
import { invalidState, notFound } from "../errors";
import { parseInput } from "../validation";
import { wakeWorkers } from "../worker/wake";
import type { IdentityStatus } from "../generated/prisma/client";

// Shared by quarantine-identity.ts, decommission-identity.ts and reactivate-identity.ts: one
// transaction moves the identity, puts its live grants into `revoking` for the worker, cancels
// its pending requests and records every step in the audit trail.

export const identityStatusInput = z.object({
  identityId: z.string().uuid("Unknown identity"),
  reason: z.string().trim().min(5, "Say why, in at least 5 characters").max(2000),
});

export type IdentityStatusChange = {
  identityId: string;
  status: IdentityStatus;
  /** Grants moved to `revoking`; the worker revokes them at their issuers and verifies. */
  grantsRevoking: number;
  requestsCancelled: number;
  tokensRevoked: number;
};

type Transition = {
  from: readonly IdentityStatus[];
  to: IdentityStatus;
  action: string;
  /** Ends live privilege: grants revoked, pending requests cancelled. */
  endAccess: boolean;
  /** API tokens stop working for good. */
  revokeTokens: boolean;
  refusal: (current: IdentityStatus, name: string) => string;
};

export const transitions = {
  quarantine: {
    from: ["active"],
    to: "quarantined",
    action: "identity.quarantined",
    endAccess: true,
    revokeTokens: false,
    refusal: (current, name) => `${name} is ${current}; only an active identity can be quarantined`,
  },
  decommission: {
    from: ["active", "quarantined"],
    to: "decommissioned",
    action: "identity.decommissioned",
    endAccess: true,
    revokeTokens: true,
    refusal: (_current, name) => `${name} is already decommissioned`,
  },
  reactivate: {
    from: ["quarantined"],
    to: "active",
    action: "identity.reactivated",
    endAccess: false,
    revokeTokens: false,
    refusal: (current, name) => `${name} is ${current}; only a quarantined identity can be reactivated`,
  },
} satisfies Record<string, Transition>;

export async function changeIdentityStatus(
  transition: Transition,
  { actor, ...raw }: { actor: Actor } & z.input<typeof identityStatusInput>,
): Promise<IdentityStatusChange> {
  assertCan(actor, "identity:quarantine");
  const { identityId, reason } = parseInput(identityStatusInput, raw);
  return getDb().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Identity" WHERE id = ${identityId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notFound("Identity");
    const identity = await tx.identity.findUniqueOrThrow({ where: { id: identityId } });
    if (!transition.from.includes(identity.status)) throw invalidState(transition.refusal(identity.status, identity.name));
    const now = new Date();
    await tx.identity.update({ where: { id: identityId }, data: { status: transition.to } });

    let grants: { id: string; status: string }[] = [];
    let requests: { id: string }[] = [];
    if (transition.endAccess) {
      grants = await tx.$queryRaw<{ id: string; status: string }[]>`
        SELECT id, status::text AS status FROM "Grant"
         WHERE "identityId" = ${identityId}::uuid AND status IN ('active', 'issuing')
         ORDER BY "createdAt" FOR UPDATE`;
      if (grants.length) {
        await tx.grant.updateMany({
          where: { id: { in: grants.map((g) => g.id) } },
          data: {
            status: "revoking",
            revokeReason: "identity_quarantined",
            revokeComment: reason,
            revokeRequestedAt: now,
            nextAttemptAt: now,
            attempts: 0,
            credentialSealed: null,
          },
        });
      }
      requests = await tx.accessRequest.findMany({ where: { identityId, status: "pending" }, select: { id: true } });
      if (requests.length) {
        await tx.accessRequest.updateMany({ where: { id: { in: requests.map((r) => r.id) }, status: "pending" }, data: { status: "cancelled", decidedAt: now } });
      }
    }
    const tokensRevoked = transition.revokeTokens
      ? (await tx.apiToken.updateMany({ where: { identityId, revokedAt: null }, data: { revokedAt: now } })).count
      : 0;

    const events: AuditInput[] = [
      {
        action: transition.action,
        subjectType: "identity",
        subjectId: identityId,
        data: { name: identity.name, reason, from: identity.status, grantsRevoking: grants.length, requestsCancelled: requests.length, tokensRevoked },
      },
      ...grants.map((g) => ({
        action: "grant.revoke_requested",
        subjectType: "grant",
        subjectId: g.id,
        data: { reason: "identity_quarantined", comment: reason, was: g.status, identity: identity.name, identityStatus: transition.to },
      })),
      ...requests.map((r) => ({
        action: "request.cancelled",
        subjectType: "access_request",
        subjectId: r.id,
        data: { reason: `identity ${transition.to}`, identity: identity.name },
      })),
    ];
    await appendAuditMany(tx, actor, events);
    if (grants.length) await wakeWorkers(tx, "grant.revoking");
    return { identityId, status: transition.to, grantsRevoking: grants.length, requestsCancelled: requests.length, tokensRevoked };
  });
}
