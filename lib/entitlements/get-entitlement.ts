import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { notFound } from "../errors";
import { isUuid } from "../validation";
import type { EntitlementRow } from "./find-entitlements";

/** One entitlement by id or name, with what an admin edits, and how many of its grants are live. */
export async function getEntitlement({ actor, entitlement }: { actor: Actor; entitlement: string }): Promise<EntitlementRow & { issuerId: string; liveGrants: number }> {
  assertCan(actor, "admin:entitlements");
  const ref = entitlement.trim().slice(0, 200);
  const db = getDb();
  const e = await db.entitlement.findFirst({ where: isUuid(ref) ? { id: ref } : { name: ref }, include: { issuer: { select: { id: true, name: true, type: true, enabled: true } } } });
  if (!e) throw notFound(`Entitlement ${ref}`);
  const liveGrants = await db.grant.count({ where: { entitlementId: e.id, status: { in: ["issuing", "active", "revoking", "revoke_failed"] } } });
  return {
    id: e.id,
    name: e.name,
    description: e.description,
    issuer: e.issuer.name,
    issuerId: e.issuer.id,
    issuerType: e.issuer.type,
    environment: e.environment,
    riskTier: e.riskTier,
    target: e.target,
    maxDurationSec: e.maxDurationSec,
    defaultDurationSec: e.defaultDurationSec,
    approvalsRequired: e.approvalsRequired,
    securityApprovalRequired: e.securityApprovalRequired,
    breakGlassAllowed: e.breakGlassAllowed,
    responseTargetSec: e.responseTargetSec,
    requestTtlSec: e.requestTtlSec,
    enabled: e.enabled,
    issuerEnabled: e.issuer.enabled,
    liveGrants,
  };
}
