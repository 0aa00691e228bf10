import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { AppError } from "../errors";
import { sealJson } from "../crypto/seal";
import { parseInput } from "../validation";
import { checkIssuerConfig, issuerTypes, splitIssuerConfig } from "./issuer-config";

const input = z.object({
  name: z.string().trim().min(1).max(120).regex(/^[a-z0-9][a-z0-9-]*$/, "name: lowercase letters, digits and dashes"),
  type: z.enum(issuerTypes, { error: "type must be postgres, token or webhook" }),
  config: z.record(z.string(), z.unknown()),
});

/** Configures an issuer (admin). Secrets (connection strings, HMAC keys) are sealed and never returned. */
export async function createIssuer({ actor, ...raw }: { actor: Actor } & z.input<typeof input>) {
  assertCan(actor, "admin:issuers");
  const v = parseInput(input, raw);
  const { config, secret } = splitIssuerConfig(v.type, v.config);
  await checkIssuerConfig(v.type, v.name, config, secret);
  return getDb().$transaction(async (tx) => {
    if (await tx.issuer.findUnique({ where: { name: v.name } })) throw new AppError("conflict", `An issuer named ${v.name} already exists`);
    const row = await tx.issuer.create({ data: { name: v.name, type: v.type, config: config as object, secretSealed: secret ? sealJson(secret) : null } });
    await appendAudit(tx, actor, { action: "issuer.configured", subjectType: "issuer", subjectId: row.id, data: { name: row.name, type: row.type, config, secret: secret ? "sealed" : "none" } });
    return { id: row.id, name: row.name, type: row.type, config, hasSecret: secret !== null };
  });
}
