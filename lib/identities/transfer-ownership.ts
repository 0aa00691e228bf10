import { z } from "zod";
import { getDb, type Tx } from "../db";
import { appendAudit } from "../audit";
import { can, rolePermissions, roles, type Actor } from "../authz";
import { AppError, forbidden, invalidState, notFound } from "../errors";
import { parseInput } from "../validation";
import { operatesIdentity } from "./ownership";

// An owner hands an identity they answer for to another person or team, saying why. Only who
// answers for it now (its owner, a member of its owning team) or an admin may; the change and its
// audit event commit together, and the owner history records it.

export const transferOwnershipInput = z.strictObject({
  identityId: z.string().uuid("Unknown identity"),
  to: z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("user"), id: z.string().uuid("Choose a person") }),
    z.strictObject({ type: z.literal("team"), id: z.string().uuid("Choose a team") }),
  ]),
  reason: z.string().trim().min(5, "Say why, in at least 5 characters").max(2000),
});

export type TransferOwnershipInput = z.input<typeof transferOwnershipInput>;
export type OwnershipTransfer = { identityId: string; name: string; from: string | null; to: string };

/** Whether the actor may hand this identity to someone else: its owner, a member of its owning team, or an admin. */
export async function mayTransferOwnership(tx: Tx, actor: Actor, identity: { ownerUserId: string | null; ownerTeamId: string | null }): Promise<boolean> {
  return can(actor, "identity:write") || (await operatesIdentity(tx, actor, identity));
}

/** People who may own an identity: active users whose roles let them attest what they own. */
export const owningRoles = roles.filter((r) => rolePermissions[r].includes("attestation:attest"));

export async function transferOwnership(actor: Actor, raw: TransferOwnershipInput): Promise<OwnershipTransfer> {
  if (actor.type !== "user") throw forbidden("Only people hand identities to a new owner");
  const input = parseInput(transferOwnershipInput, raw);
  return getDb().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Identity" WHERE id = ${input.identityId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notFound("Identity");
    const identity = await tx.identity.findUniqueOrThrow({
      where: { id: input.identityId },
      include: { ownerUser: { select: { name: true, email: true } }, ownerTeam: { select: { name: true } } },
    });
    if (!(await mayTransferOwnership(tx, actor, identity))) throw forbidden(`Only the owner of ${identity.name}, a member of its owning team or an admin can hand it to someone else`);
    if (identity.status === "decommissioned") throw invalidState(`${identity.name} is decommissioned; it has no one to answer for it any more`);

    const target: { id: string; name: string; email?: string } | null =
      input.to.type === "user"
        ? await tx.user.findFirst({ where: { id: input.to.id, active: true, roles: { hasSome: owningRoles } }, select: { id: true, name: true, email: true } })
        : await tx.team.findUnique({ where: { id: input.to.id }, select: { id: true, name: true } });
    if (!target) {
      throw new AppError("validation_failed", input.to.type === "user" ? "That person cannot own identities: choose an active owner" : "Unknown team", { fields: { to: "Choose someone who can own it" } });
    }
    const same = input.to.type === "user" ? identity.ownerUserId === target.id && !identity.ownerTeamId : identity.ownerTeamId === target.id && !identity.ownerUserId;
    if (same) throw new AppError("validation_failed", `${input.to.type === "team" ? `Team ${target.name}` : target.name} already owns ${identity.name}`, { fields: { to: "Already the owner" } });

    const toUserId = input.to.type === "user" ? target.id : null;
    const toTeamId = input.to.type === "team" ? target.id : null;
    const from = identity.ownerUser ? identity.ownerUser.email : identity.ownerTeam ? `team ${identity.ownerTeam.name}` : null;
    const to = input.to.type === "user" ? (target.email ?? target.name) : `team ${target.name}`;
    await tx.identity.update({ where: { id: identity.id }, data: { ownerUserId: toUserId, ownerTeamId: toTeamId } });
    await tx.identityOwnerChange.create({
      data: { identityId: identity.id, fromUserId: identity.ownerUserId, fromTeamId: identity.ownerTeamId, toUserId, toTeamId, changedById: actor.id, reason: input.reason },
    });
    await appendAudit(tx, actor, {
      action: "identity.owner_changed",
      subjectType: "identity",
      subjectId: identity.id,
      data: { from, to, fromUserId: identity.ownerUserId, fromTeamId: identity.ownerTeamId, toUserId, toTeamId, reason: input.reason, via: "transfer" },
    });
    return { identityId: identity.id, name: identity.name, from, to };
  });
}
