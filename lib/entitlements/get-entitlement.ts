import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { notFound } from "../errors";
import { isUuid } from "../validation";
import { toEntitlementRow, type EntitlementRow } from "./find-entitlements";

/** One entitlement by id or name, with what an admin edits, and how many of its grants are live. */
export async function getEntitlement({ actor, entitlement }: { actor: Actor; entitlement: string }): Promise<EntitlementRow & { issuerId: string; liveGrants: number }> {
  assertCan(actor, "admin:entitlements");
  const ref = entitlement.trim().slice(0, 200);
  const db = getDb();
  const e = await db.entitlement.findFirst({ where: isUuid(ref) ? { id: ref } : { name: ref }, include: { issuer: { select: { id: true, name: true, type: true, enabled: true } } } });
  if (!e) throw notFound(`Entitlement ${ref}`);
  const liveGrants = await db.grant.count({ where: { entitlementId: e.id, status: { in: ["issuing", "active", "revoking", "revoke_failed"] } } });
  return { ...toEntitlementRow(e), issuerId: e.issuer.id, liveGrants };
}
