import { getDb } from "../db";
import { can, type Actor } from "../authz";
import { forbidden } from "../errors";
import { getActivePolicies } from "../policy/active-policies";

export type AdminCounts = {
  issuers?: { total: number; disabled: number; failing: number };
  entitlements?: { total: number; disabled: number };
  policies?: { version: number };
  workloadIssuers?: { total: number; withdrawn: number };
  tokens?: { active: number };
  users?: { total: number; inactive: number };
};

/** How many of each kind an admin configures, for the kinds this actor may administer. */
export async function countAdminObjects({ actor }: { actor: Actor }): Promise<AdminCounts> {
  const db = getDb();
  const may = { issuers: can(actor, "admin:issuers"), entitlements: can(actor, "admin:entitlements"), policies: can(actor, "admin:policies"), tokens: can(actor, "admin:tokens"), users: can(actor, "admin:users") };
  if (!Object.values(may).some(Boolean)) throw forbidden();
  const none = Promise.resolve(null);
  const [issuers, issuersOff, failing, ents, entsOff, active, workload, workloadOff, tokens, users, usersOff] = await Promise.all([
    may.issuers ? db.issuer.count() : none,
    may.issuers ? db.issuer.count({ where: { enabled: false } }) : none,
    may.issuers ? db.issuer.count({ where: { enabled: true, lastHealthOk: false } }) : none,
    may.entitlements ? db.entitlement.count() : none,
    may.entitlements ? db.entitlement.count({ where: { enabled: false } }) : none,
    may.policies ? getActivePolicies(db) : none,
    may.issuers ? db.trustedWorkloadIssuer.count() : none,
    may.issuers ? db.trustedWorkloadIssuer.count({ where: { enabled: false } }) : none,
    may.tokens ? db.apiToken.count({ where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] } }) : none,
    may.users ? db.user.count() : none,
    may.users ? db.user.count({ where: { active: false } }) : none,
  ]);
  return {
    ...(issuers !== null ? { issuers: { total: issuers, disabled: issuersOff ?? 0, failing: failing ?? 0 } } : {}),
    ...(ents !== null ? { entitlements: { total: ents, disabled: entsOff ?? 0 } } : {}),
    ...(active ? { policies: { version: active.version } } : {}),
    ...(workload !== null ? { workloadIssuers: { total: workload, withdrawn: workloadOff ?? 0 } } : {}),
    ...(tokens !== null ? { tokens: { active: tokens } } : {}),
    ...(users !== null ? { users: { total: users, inactive: usersOff ?? 0 } } : {}),
  };
}
