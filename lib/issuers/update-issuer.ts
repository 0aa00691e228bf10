import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { notFound } from "../errors";
import { sealJson, unsealJson } from "../crypto/seal";
import { isUuid, parseInput } from "../validation";
import { checkIssuerConfig, secretKeyOf, splitIssuerConfig, type ConfigurableIssuerType } from "./issuer-config";

const input = z.strictObject({
  issuer: z.string().trim().min(1).max(200),
  config: z.record(z.string(), z.unknown()),
});

/**
 * Changes an issuer's configuration (admin). Its type stays: grants already issued are revoked by
 * the same kind of driver. A secret left empty stays as sealed; a new one replaces it. The driver
 * is rebuilt from the new row (the registry keys drivers on updatedAt).
 */
export async function updateIssuer({ actor, ...raw }: { actor: Actor } & z.input<typeof input>) {
  assertCan(actor, "admin:issuers");
  const v = parseInput(input, raw);
  const db = getDb();
  const current = await db.issuer.findFirst({ where: isUuid(v.issuer) ? { id: v.issuer } : { name: v.issuer } });
  if (!current) throw notFound(`Issuer ${v.issuer}`);
  const type = current.type as ConfigurableIssuerType;
  const kept = current.secretSealed ? (unsealJson(current.secretSealed) as Record<string, unknown>) : null;
  const { config, secret, secretChanged } = splitIssuerConfig(type, v.config, kept);
  await checkIssuerConfig(type, current.name, config, secret);
  return db.$transaction(async (tx) => {
    const row = await tx.issuer.update({
      where: { id: current.id },
      data: { config: config as object, ...(secretChanged ? { secretSealed: secret ? sealJson(secret) : null } : {}) },
    });
    const secretNote = secretKeyOf[type] ? (secretChanged ? "replaced" : "kept") : "none";
    await appendAudit(tx, actor, {
      action: "issuer.updated",
      subjectType: "issuer",
      subjectId: row.id,
      data: { name: row.name, type: row.type, before: current.config, config, secret: secretNote },
    });
    return { id: row.id, name: row.name, type: row.type, config, hasSecret: row.secretSealed !== null, secret: secretNote };
  });
}
