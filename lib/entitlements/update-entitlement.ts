import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { AppError, notFound } from "../errors";
import { isUuid, parseInput, zDuration } from "../validation";
import { parseTarget } from "./entitlement-target";

const input = z.strictObject({
  entitlement: z.string().trim().min(1).max(200),
  description: z.string().trim().max(500).optional(),
  target: z.record(z.string(), z.unknown()).optional(),
  environment: z.enum(["dev", "staging", "prod"]).optional(),
  riskTier: z.enum(["low", "medium", "high", "critical"]).optional(),
  maxDuration: zDuration.optional(),
  defaultDuration: zDuration.optional(),
  approvalsRequired: z.number().int().min(0).max(9).optional(),
  securityApprovalRequired: z.boolean().optional(),
  breakGlassAllowed: z.boolean().optional(),
  responseTarget: zDuration.optional(),
  requestTtl: zDuration.optional(),
});

/**
 * Changes an entitlement (admin): what is left out stays. Its name and issuer stay, since grants,
 * exceptions and policies refer to them. Requests already made keep what they were decided with;
 * live grants keep their window.
 */
export async function updateEntitlement({ actor, ...raw }: { actor: Actor } & z.input<typeof input>) {
  assertCan(actor, "admin:entitlements");
  const v = parseInput(input, raw);
  return getDb().$transaction(async (tx) => {
    const current = await tx.entitlement.findFirst({ where: isUuid(v.entitlement) ? { id: v.entitlement } : { name: v.entitlement }, include: { issuer: { select: { type: true, name: true } } } });
    if (!current) throw notFound(`Entitlement ${v.entitlement}`);
    const target = v.target ? parseTarget(current.issuer.type, v.target) : undefined;
    const maxDurationSec = v.maxDuration ?? current.maxDurationSec;
    // A shorter maximum pulls the default down with it unless a default is given.
    const defaultDurationSec = v.defaultDuration ?? Math.min(current.defaultDurationSec, maxDurationSec);
    if (defaultDurationSec > maxDurationSec) throw new AppError("validation_failed", "defaultDuration is longer than maxDuration", { fields: { defaultDuration: "Longer than the maximum" } });
    const data = {
      ...(v.description !== undefined ? { description: v.description } : {}),
      ...(target ? { target: target as object } : {}),
      ...(v.environment ? { environment: v.environment } : {}),
      ...(v.riskTier ? { riskTier: v.riskTier } : {}),
      maxDurationSec,
      defaultDurationSec,
      ...(v.approvalsRequired !== undefined ? { approvalsRequired: v.approvalsRequired } : {}),
      ...(v.securityApprovalRequired !== undefined ? { securityApprovalRequired: v.securityApprovalRequired } : {}),
      ...(v.breakGlassAllowed !== undefined ? { breakGlassAllowed: v.breakGlassAllowed } : {}),
      ...(v.responseTarget ? { responseTargetSec: v.responseTarget } : {}),
      ...(v.requestTtl ? { requestTtlSec: v.requestTtl } : {}),
    };
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [k, to] of Object.entries(data)) {
      const from = (current as Record<string, unknown>)[k];
      if (JSON.stringify(from) !== JSON.stringify(to)) changes[k] = { from, to };
    }
    const row = await tx.entitlement.update({ where: { id: current.id }, data });
    if (Object.keys(changes).length > 0) {
      await appendAudit(tx, actor, { action: "entitlement.updated", subjectType: "entitlement", subjectId: row.id, data: { name: row.name, changes } });
    }
    return { id: row.id, name: row.name, changed: Object.keys(changes) };
  });
}
