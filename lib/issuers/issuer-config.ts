import { parseInput } from "../validation";
import { AppError } from "../errors";
import { IssuerError } from "./types";
import { postgresIssuerConfigSchema, postgresIssuerSecretSchema, createPostgresIssuer } from "./postgres";
import { tokenIssuerConfigSchema, createTokenIssuer } from "./token";
import { webhookIssuerConfigSchema, webhookIssuerSecretSchema, createWebhookIssuer } from "./webhook";

export const issuerTypes = ["postgres", "token", "webhook"] as const;
export type ConfigurableIssuerType = (typeof issuerTypes)[number];

/** The write-only key of each type's configuration: it is sealed, and never shown back. */
export const secretKeyOf: Record<ConfigurableIssuerType, string | null> = { postgres: "url", token: null, webhook: "hmacSecret" };

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/**
 * Splits what an admin gives into the public config and the sealed secret, per issuer type. When
 * the secret key is left out or empty and `keptSecret` is given (an edit), the sealed secret stays.
 */
export function splitIssuerConfig(
  type: ConfigurableIssuerType,
  config: Record<string, unknown>,
  keptSecret?: Record<string, unknown> | null,
): { config: Record<string, unknown>; secret: Record<string, unknown> | null; secretChanged: boolean } {
  const key = secretKeyOf[type];
  if (!key) return { config: parseInput(tokenIssuerConfigSchema, config), secret: null, secretChanged: false };
  const { [key]: given, ...rest } = config;
  const keep = blank(given) && keptSecret;
  if (blank(given) && !keep) {
    const what = type === "postgres" ? "the admin connection string" : "the HMAC secret the endpoint checks signatures with";
    throw new AppError("validation_failed", `${key}: give ${what}`, { fields: { [key]: `Required: ${what}` } });
  }
  if (type === "postgres") {
    const secret = keep ? parseInput(postgresIssuerSecretSchema, keptSecret) : parseInput(postgresIssuerSecretSchema, { url: given });
    // A new connection string brings its host, port and database; an edit that keeps it keeps what the form shows.
    const fromUrl = keep ? {} : derivedFromUrl(secret.url);
    return { config: parseInput(postgresIssuerConfigSchema, { ...fromUrl, ...withoutBlanks(rest) }), secret, secretChanged: !keep };
  }
  const secret = keep ? parseInput(webhookIssuerSecretSchema, keptSecret) : parseInput(webhookIssuerSecretSchema, { hmacSecret: given });
  return { config: parseInput(webhookIssuerConfigSchema, rest), secret, secretChanged: !keep };
}

function derivedFromUrl(url: string) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), database: u.pathname.slice(1) || "postgres" };
}

function withoutBlanks(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => !blank(v)));
}

const factories = { postgres: createPostgresIssuer, token: createTokenIssuer, webhook: createWebhookIssuer };

/** Builds the driver once, which validates the configuration the way it will be used. */
export async function checkIssuerConfig(type: ConfigurableIssuerType, name: string, config: Record<string, unknown>, secret: Record<string, unknown> | null) {
  try {
    await factories[type]({ id: "new", name, config, secret }).close?.();
  } catch (e) {
    if (e instanceof IssuerError) throw new AppError("validation_failed", e.message);
    throw e;
  }
}
