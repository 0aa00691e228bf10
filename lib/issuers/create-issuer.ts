import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { AppError } from "../errors";
import { sealJson } from "../crypto/seal";
import { parseInput } from "../validation";
import { IssuerError } from "./types";
import { postgresIssuerConfigSchema, postgresIssuerSecretSchema, createPostgresIssuer } from "./postgres";
import { tokenIssuerConfigSchema, createTokenIssuer } from "./token";
import { webhookIssuerConfigSchema, webhookIssuerSecretSchema, createWebhookIssuer } from "./webhook";

const input = z.object({
  name: z.string().trim().min(1).max(120).regex(/^[a-z0-9][a-z0-9-]*$/, "name: lowercase letters, digits and dashes"),
  type: z.enum(["postgres", "token", "webhook"], { error: "type must be postgres, token or webhook" }),
  config: z.record(z.string(), z.unknown()),
});

/** Splits what an admin gives into the public config and the sealed secret, per issuer type. */
function split(type: "postgres" | "token" | "webhook", config: Record<string, unknown>): { config: Record<string, unknown>; secret: Record<string, unknown> | null } {
  if (type === "postgres") {
    const { url, ...rest } = config;
    const secret = parseInput(postgresIssuerSecretSchema, { url });
    const u = new URL(secret.url);
    return { config: parseInput(postgresIssuerConfigSchema, { host: u.hostname, port: Number(u.port || 5432), database: u.pathname.slice(1) || "postgres", ...rest }), secret };
  }
  if (type === "webhook") {
    const { hmacSecret, ...rest } = config;
    return { config: parseInput(webhookIssuerConfigSchema, rest), secret: parseInput(webhookIssuerSecretSchema, { hmacSecret }) };
  }
  return { config: parseInput(tokenIssuerConfigSchema, config), secret: null };
}

const factories = { postgres: createPostgresIssuer, token: createTokenIssuer, webhook: createWebhookIssuer };

/** Configures an issuer (admin). Secrets (connection strings, HMAC keys) are sealed and never returned. */
export async function createIssuer({ actor, ...raw }: { actor: Actor } & z.input<typeof input>) {
  assertCan(actor, "admin:issuers");
  const v = parseInput(input, raw);
  const { config, secret } = split(v.type, v.config);
  try {
    // Building the driver validates the configuration the way it will be used.
    await factories[v.type]({ id: "new", name: v.name, config, secret }).close?.();
  } catch (e) {
    if (e instanceof IssuerError) throw new AppError("validation_failed", e.message);
    throw e;
  }
  return getDb().$transaction(async (tx) => {
    if (await tx.issuer.findUnique({ where: { name: v.name } })) throw new AppError("conflict", `An issuer named ${v.name} already exists`);
    const row = await tx.issuer.create({ data: { name: v.name, type: v.type, config: config as object, secretSealed: secret ? sealJson(secret) : null } });
    await appendAudit(tx, actor, { action: "issuer.configured", subjectType: "issuer", subjectId: row.id, data: { name: row.name, type: row.type, config, secret: secret ? "sealed" : "none" } });
    return { id: row.id, name: row.name, type: row.type, config, hasSecret: secret !== null };
  });
}
