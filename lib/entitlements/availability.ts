import type { Tx } from "../db";

type Flags = { name: string; enabled: boolean };

/** Why nothing new may be requested or granted through this entitlement, or null. */
export function unavailableReason(entitlement: Flags, issuer: Flags): string | null {
  if (!entitlement.enabled) return `${entitlement.name} is disabled: it can no longer be requested or granted`;
  if (!issuer.enabled) return `${entitlement.name} is unavailable: its issuer ${issuer.name} is disabled`;
  return null;
}

/** The same, read from the database for an entitlement by id (null also when it does not exist). */
export async function entitlementUnavailable(db: Tx, entitlementId: string): Promise<string | null> {
  const e = await db.entitlement.findUnique({ where: { id: entitlementId }, select: { name: true, enabled: true, issuer: { select: { name: true, enabled: true } } } });
  return e ? unavailableReason(e, e.issuer) : null;
}
