import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";

const MAX_IDENTITIES = 2000;

/**
 * What the actor may propose standing access for: active identities they own or operate (every
 * active identity for security and admins), and the entitlements of each environment.
 */
export async function findProposalOptions({ actor }: { actor: Actor }) {
  assertCan(actor, "exception:propose");
  if (actor.type !== "user") return { identities: [], entitlements: [] };
  const db = getDb();
  const everyone = actor.roles.includes("security") || actor.roles.includes("admin");
  const [identities, entitlements] = await Promise.all([
    db.identity.findMany({
      where: { status: "active", ...(everyone ? {} : { OR: [{ ownerUserId: actor.id }, { ownerTeam: { members: { some: { userId: actor.id } } } }] }) },
      orderBy: [{ environment: "asc" }, { name: "asc" }],
      take: MAX_IDENTITIES,
      select: { id: true, name: true, kind: true, environment: true },
    }),
    db.entitlement.findMany({
      orderBy: [{ environment: "asc" }, { name: "asc" }],
      select: { id: true, name: true, description: true, environment: true, riskTier: true },
    }),
  ]);
  return { identities, entitlements };
}
