import { z } from "zod";
import { getDb } from "../db";
import type { Actor } from "../authz";
import { forbidden, notFound } from "../errors";
import { parseInput } from "../validation";
import { mayTransferOwnership, owningRoles } from "./transfer-ownership";

export type TransferTargets = { users: { id: string; name: string; email: string }[]; teams: { id: string; name: string }[] };

/** Who the actor may hand the identity to; refused to anyone who may not transfer it. */
export async function findTransferTargets(actor: Actor, identityId: string): Promise<TransferTargets> {
  const id = parseInput(z.string().uuid("Unknown identity"), identityId);
  const db = getDb();
  const identity = await db.identity.findUnique({ where: { id }, select: { ownerUserId: true, ownerTeamId: true } });
  if (!identity) throw notFound("Identity");
  if (!(await mayTransferOwnership(db, actor, identity))) throw forbidden("Only the owner, a member of its owning team or an admin can hand this identity to someone else");
  const [users, teams] = await Promise.all([
    db.user.findMany({ where: { active: true, roles: { hasSome: owningRoles } }, orderBy: { name: "asc" }, select: { id: true, name: true, email: true }, take: 1000 }),
    db.team.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true }, take: 1000 }),
  ]);
  return { users, teams };
}
