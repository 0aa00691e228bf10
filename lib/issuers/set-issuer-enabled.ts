import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { notFound } from "../errors";
import { isUuid, parseInput } from "../validation";

const input = z.strictObject({ issuer: z.string().trim().min(1).max(200), enabled: z.boolean() });

/**
 * Disables or re-enables an issuer (admin). A disabled issuer issues nothing new: requests for its
 * entitlements are refused and pending ones cannot be approved. Its live grants are not cut short:
 * they run to their end and are revoked, retried and verified through it as usual.
 */
export async function setIssuerEnabled({ actor, ...raw }: { actor: Actor } & z.input<typeof input>) {
  assertCan(actor, "admin:issuers");
  const v = parseInput(input, raw);
  return getDb().$transaction(async (tx) => {
    const current = await tx.issuer.findFirst({ where: isUuid(v.issuer) ? { id: v.issuer } : { name: v.issuer } });
    if (!current) throw notFound(`Issuer ${v.issuer}`);
    if (current.enabled === v.enabled) return { id: current.id, name: current.name, enabled: current.enabled, changed: false };
    // Only the flag changes: updatedAt moves, and the registry would rebuild an identical driver.
    await tx.issuer.update({ where: { id: current.id }, data: { enabled: v.enabled } });
    const live = await tx.grant.count({ where: { issuerId: current.id, status: { in: ["issuing", "active", "revoking", "revoke_failed"] } } });
    await appendAudit(tx, actor, {
      action: v.enabled ? "issuer.enabled" : "issuer.disabled",
      subjectType: "issuer",
      subjectId: current.id,
      data: { name: current.name, liveGrants: live },
    });
    return { id: current.id, name: current.name, enabled: v.enabled, changed: true, liveGrants: live };
  });
}
