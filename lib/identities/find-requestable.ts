import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { operatedIdentities } from "./ownership";

/**
 * What the actor may request for: active identities they own or operate, and every entitlement
 * that can be granted now (a disabled one, or one whose issuer is disabled, would be refused; a
 * drill's canary is never requested).
 */
export async function findRequestOptions({ actor }: { actor: Actor }) {
  assertCan(actor, "request:create");
  if (actor.type !== "user") return { identities: [], entitlements: [] };
  const db = getDb();
  const [identities, entitlements] = await Promise.all([
    db.identity.findMany({
      where: { status: "active", ...operatedIdentities(actor) },
      orderBy: [{ environment: "asc" }, { name: "asc" }],
      select: { id: true, name: true, kind: true, environment: true },
    }),
    db.entitlement.findMany({
      where: { enabled: true, canary: false, issuer: { enabled: true } },
      orderBy: [{ environment: "asc" }, { name: "asc" }],
      select: { id: true, name: true, description: true, environment: true, riskTier: true, maxDurationSec: true, defaultDurationSec: true, approvalsRequired: true, securityApprovalRequired: true, breakGlassAllowed: true },
    }),
  ]);
  return { identities, entitlements };
}
