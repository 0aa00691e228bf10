import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { operatedIdentities } from "../identities/ownership";
import { proposesForEveryone } from "./proposal-rules";

const MAX_IDENTITIES = 2000;

/**
 * What the actor may propose standing access for: active identities they own or operate (every
 * active identity for security and admins), and the entitlements of each environment.
 */
export async function findProposalOptions({ actor }: { actor: Actor }) {
  assertCan(actor, "exception:propose");
  if (actor.type !== "user") return { identities: [], entitlements: [] };
  const db = getDb();
  const [identities, entitlements] = await Promise.all([
    db.identity.findMany({
      where: { status: "active", ...(proposesForEveryone(actor) ? {} : operatedIdentities(actor)) },
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
