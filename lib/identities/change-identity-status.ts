import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAuditMany } from "../audit";
import { invalidState, notFound } from "../errors";
import { parseInput } from "../validation";
import { withdrawIdentity } from "./withdraw-identity";
import type { IdentityStatus } from "../generated/prisma/client";

// Shared by quarantine-identity.ts, decommission-identity.ts and reactivate-identity.ts. Taking an
// identity out of service is withdrawIdentity (live grants to `revoking` for the worker, pending
// requests cancelled, tokens ended on decommission, every step audited), in one transaction.

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
  refusal: (current: IdentityStatus, name: string) => string;
};

export const transitions = {
  quarantine: {
    from: ["active"],
    to: "quarantined",
    action: "identity.quarantined",
    refusal: (current, name) => `${name} is ${current}; only an active identity can be quarantined`,
  },
  decommission: {
    from: ["active", "quarantined"],
    to: "decommissioned",
    action: "identity.decommissioned",
    refusal: (_current, name) => `${name} is already decommissioned`,
  },
  reactivate: {
    from: ["quarantined"],
    to: "active",
    action: "identity.reactivated",
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
    if (transition.to === "quarantined" || transition.to === "decommissioned") {
      const w = await withdrawIdentity(tx, actor, { identityId, status: transition.to, comment: reason, context: {} });
      return { identityId, status: transition.to, ...w };
    }
    await tx.identity.update({ where: { id: identityId }, data: { status: transition.to } });
    await appendAuditMany(tx, actor, [
      { action: transition.action, subjectType: "identity", subjectId: identityId, data: { name: identity.name, reason, from: identity.status, grantsRevoking: 0, requestsCancelled: 0, tokensRevoked: 0 } },
    ]);
    return { identityId, status: transition.to, grantsRevoking: 0, requestsCancelled: 0, tokensRevoked: 0 };
  });
}
