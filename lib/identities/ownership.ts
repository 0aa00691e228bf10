import type { Tx } from "../db";
import type { Actor } from "../authz";

/** Whether a user owns the identity, directly or through a team they belong to. */
export async function operatesIdentity(tx: Tx, actor: Actor, identity: { ownerUserId: string | null; ownerTeamId: string | null }): Promise<boolean> {
  if (actor.type !== "user") return false;
  if (identity.ownerUserId === actor.id) return true;
  if (!identity.ownerTeamId) return false;
  const member = await tx.teamMember.findUnique({ where: { teamId_userId: { teamId: identity.ownerTeamId, userId: actor.id } } });
  return member !== null;
}
