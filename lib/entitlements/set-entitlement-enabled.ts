import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { notFound } from "../errors";
import { isUuid, parseInput } from "../validation";

const input = z.strictObject({ entitlement: z.string().trim().min(1).max(200), enabled: z.boolean() });

/**
 * Disables or re-enables an entitlement (admin). Disabled, it can no longer be requested, pending
 * requests for it cannot be approved, and approved grants not yet issued are not issued. Live
 * grants are not cut short: they end and are revoked as usual.
 */
export async function setEntitlementEnabled({ actor, ...raw }: { actor: Actor } & z.input<typeof input>) {
  assertCan(actor, "admin:entitlements");
  const v = parseInput(input, raw);
  return getDb().$transaction(async (tx) => {
    const current = await tx.entitlement.findFirst({ where: isUuid(v.entitlement) ? { id: v.entitlement } : { name: v.entitlement } });
    if (!current) throw notFound(`Entitlement ${v.entitlement}`);
    if (current.enabled === v.enabled) return { id: current.id, name: current.name, enabled: current.enabled, changed: false };
    await tx.entitlement.update({ where: { id: current.id }, data: { enabled: v.enabled } });
    const live = await tx.grant.count({ where: { entitlementId: current.id, status: { in: ["issuing", "active", "revoking", "revoke_failed"] } } });
    await appendAudit(tx, actor, {
      action: v.enabled ? "entitlement.enabled" : "entitlement.disabled",
      subjectType: "entitlement",
      subjectId: current.id,
      data: { name: current.name, liveGrants: live },
    });
    return { id: current.id, name: current.name, enabled: v.enabled, changed: true, liveGrants: live };
  });
}
