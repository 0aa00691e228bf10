import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";

/** How many identities the simulator's picker offers; the simulation itself replays real requests. */
const IDENTITY_CHOICES = 500;

/** The identities and entitlements an admin can try a policy edit against in the simulator. */
export async function findSimulationSubjects({ actor }: { actor: Actor }) {
  assertCan(actor, "admin:policies");
  const db = getDb();
  const [identities, entitlements] = await Promise.all([
    db.identity.findMany({ where: { status: "active" }, orderBy: { name: "asc" }, take: IDENTITY_CHOICES, select: { id: true, name: true, environment: true } }),
    db.entitlement.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, riskTier: true } }),
  ]);
  return {
    identities: identities.map((i) => ({ id: i.id, label: `${i.name} (${i.environment})` })),
    entitlements: entitlements.map((e) => ({ id: e.id, label: `${e.name} (${e.riskTier})` })),
  };
}
