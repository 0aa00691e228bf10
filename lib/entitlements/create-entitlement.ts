import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { AppError, notFound } from "../errors";
import { parseInput, zDuration, isUuid } from "../validation";
import { parseTarget } from "./entitlement-target";

const input = z
  .object({
    name: z.string().trim().min(1).max(120).regex(/^[a-z0-9][a-z0-9-]*$/, "name: lowercase letters, digits and dashes"),
    description: z.string().trim().max(500).default(""),
    issuer: z.string().trim().min(1).max(200),
    target: z.record(z.string(), z.unknown()),
    environment: z.enum(["dev", "staging", "prod"]),
    riskTier: z.enum(["low", "medium", "high", "critical"]),
    maxDuration: zDuration,
    defaultDuration: zDuration.optional(),
    approvalsRequired: z.number().int().min(0).max(9).default(1),
    securityApprovalRequired: z.boolean().default(false),
    breakGlassAllowed: z.boolean().default(false),
    responseTarget: zDuration.optional(),
    requestTtl: zDuration.optional(),
  })
  .strict();

/** Something grantable through an issuer (admin); the target is checked against the issuer's type. */
export async function createEntitlement({ actor, ...raw }: { actor: Actor } & z.input<typeof input>) {
  assertCan(actor, "admin:entitlements");
  const v = parseInput(input, raw);
  const db = getDb();
  return db.$transaction(async (tx) => {
    const issuer = await tx.issuer.findFirst({ where: isUuid(v.issuer) ? { id: v.issuer } : { name: v.issuer } });
    if (!issuer) throw notFound(`Issuer ${v.issuer}`);
    const target = parseTarget(issuer.type, v.target);
    if (v.defaultDuration && v.defaultDuration > v.maxDuration) throw new AppError("validation_failed", "defaultDuration is longer than maxDuration");
    if (await tx.entitlement.findUnique({ where: { name: v.name } })) throw new AppError("conflict", `An entitlement named ${v.name} already exists`);
    const row = await tx.entitlement.create({
      data: {
        name: v.name,
        description: v.description,
        issuerId: issuer.id,
        target: target as object,
        environment: v.environment,
        riskTier: v.riskTier,
        maxDurationSec: v.maxDuration,
        defaultDurationSec: v.defaultDuration ?? Math.min(v.maxDuration, 3600),
        approvalsRequired: v.approvalsRequired,
        securityApprovalRequired: v.securityApprovalRequired,
        breakGlassAllowed: v.breakGlassAllowed,
        ...(v.responseTarget ? { responseTargetSec: v.responseTarget } : {}),
        ...(v.requestTtl ? { requestTtlSec: v.requestTtl } : {}),
      },
    });
    await appendAudit(tx, actor, { action: "entitlement.created", subjectType: "entitlement", subjectId: row.id, data: { name: row.name, issuer: issuer.name, target, riskTier: row.riskTier, maxDurationSec: row.maxDurationSec } });
    return { id: row.id, name: row.name, issuer: issuer.name, environment: row.environment, riskTier: row.riskTier, maxDurationSec: row.maxDurationSec };
  });
}
