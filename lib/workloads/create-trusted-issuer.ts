import { z } from "zod";
import { importJWK, type JWK } from "jose";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { AppError, notFound } from "../errors";
import { wakeWorkers } from "../worker/wake";
import { parseInput, isUuid } from "../validation";
import { outboundUrlProblem } from "../http/outbound-url";

const jwk = z.object({ kty: z.string(), kid: z.string().optional() }).passthrough();

export const trustedIssuerInput = z
  .object({
    name: z.string().trim().min(1).max(120),
    issuer: z.string().url("issuer must be the iss URL the tokens carry"),
    jwksUrl: z
      .string()
      .url()
      .superRefine((url, ctx) => {
        const problem = outboundUrlProblem(url, "jwksUrl");
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
    jwks: z.object({ keys: z.array(jwk).min(1) }).optional(),
    audience: z.string().trim().min(1).max(500),
  })
  .strict()
  .refine((v) => Boolean(v.jwksUrl) !== Boolean(v.jwks), { message: "Give exactly one of jwksUrl or jwks (inline keys)" });

const DEFAULT_ALG: Record<string, string> = { "EC:P-256": "ES256", "EC:P-384": "ES384", "EC:P-521": "ES512", RSA: "RS256", "OKP:Ed25519": "EdDSA" };

/** Inline keys must be usable public keys: a typo would otherwise refuse every token, and a private key must never be stored. */
async function assertPublicKeys(keys: JWK[]) {
  for (const [i, key] of keys.entries()) {
    const where = `jwks: key ${i + 1}${key.kid ? ` (${key.kid})` : ""}`;
    if ("d" in key || "p" in key || "k" in key) {
      throw new AppError("validation_failed", `${where} is a private or secret key; give the issuer's public keys only`, { fields: { jwks: "Private key" } });
    }
    const alg = key.alg ?? DEFAULT_ALG[key.kty === "RSA" ? "RSA" : `${key.kty}:${key.crv}`];
    try {
      if (!alg) throw new Error(`no signing algorithm for kty ${key.kty}${key.crv ? ` and crv ${key.crv}` : ""}`);
      await importJWK(key, alg);
    } catch (e) {
      throw new AppError("validation_failed", `${where} is not a usable public key: ${(e as Error).message}`, { fields: { jwks: "Unusable key" } });
    }
  }
}

/** Trusts an OIDC issuer's workload tokens (admin). Identities bind with workloadIssuer + subject pattern. */
export async function createTrustedIssuer({ actor, ...raw }: { actor: Actor } & z.input<typeof trustedIssuerInput>) {
  assertCan(actor, "admin:issuers");
  const input = parseInput(trustedIssuerInput, raw);
  if (input.jwks) await assertPublicKeys(input.jwks.keys as JWK[]);
  return getDb().$transaction(async (tx) => {
    if (await tx.trustedWorkloadIssuer.findFirst({ where: { OR: [{ name: input.name }, { issuer: input.issuer }] } })) {
      throw new AppError("conflict", `A trusted issuer named ${input.name} or for ${input.issuer} already exists`);
    }
    const row = await tx.trustedWorkloadIssuer.create({
      data: { name: input.name, issuer: input.issuer, jwksUrl: input.jwksUrl ?? null, jwksInline: (input.jwks as object) ?? undefined, audience: input.audience },
    });
    await appendAudit(tx, actor, { action: "workload_issuer.trusted", subjectType: "workload_issuer", subjectId: row.id, data: { name: row.name, issuer: row.issuer, audience: row.audience, jwks: input.jwksUrl ?? "inline" } });
    return { id: row.id, name: row.name, issuer: row.issuer, audience: row.audience, jwksUrl: row.jwksUrl, inlineKeys: input.jwks?.keys.length ?? 0 };
  });
}

export async function findTrustedIssuers({ actor }: { actor: Actor }) {
  assertCan(actor, "admin:issuers");
  const db = getDb();
  const [rows, bound] = await Promise.all([
    db.trustedWorkloadIssuer.findMany({ orderBy: { name: "asc" } }),
    db.identity.groupBy({ by: ["workloadIssuer"], where: { workloadIssuer: { not: null }, workloadSubject: { not: null }, status: "active" }, _count: { _all: true } }),
  ]);
  const boundTo = new Map(bound.map((b) => [b.workloadIssuer, b._count._all]));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    issuer: r.issuer,
    audience: r.audience,
    jwksUrl: r.jwksUrl,
    inline: r.jwksInline !== null,
    inlineKeys: Array.isArray((r.jwksInline as { keys?: unknown } | null)?.keys) ? (r.jwksInline as { keys: unknown[] }).keys.length : 0,
    enabled: r.enabled,
    /** Active identities whose tokens from this issuer are accepted. */
    boundIdentities: boundTo.get(r.issuer) ?? 0,
    createdAt: r.createdAt,
  }));
}

const enabledInput = z.object({ enabled: z.boolean({ message: "enabled must be true or false" }) }).strict();

/**
 * Stops (or resumes) trusting an issuer's workload tokens (admin). Stopping withdraws the
 * attestation of every grant a workload obtained with such a token: the policy-drift lane
 * re-evaluates them at once and revokes those that are no longer allowed.
 */
export async function setTrustedIssuerEnabled({ actor, ref, ...raw }: { actor: Actor; ref: string } & z.input<typeof enabledInput>) {
  assertCan(actor, "admin:issuers");
  const { enabled } = parseInput(enabledInput, raw);
  return getDb().$transaction(async (tx) => {
    const row = await tx.trustedWorkloadIssuer.findFirst({ where: isUuid(ref) ? { id: ref } : { name: ref } });
    if (!row) throw notFound(`Trusted issuer ${JSON.stringify(ref.slice(0, 120))}`);
    if (row.enabled === enabled) return { id: row.id, name: row.name, issuer: row.issuer, enabled };
    await tx.trustedWorkloadIssuer.update({ where: { id: row.id }, data: { enabled } });
    await appendAudit(tx, actor, { action: enabled ? "workload_issuer.trusted_again" : "workload_issuer.withdrawn", subjectType: "workload_issuer", subjectId: row.id, data: { name: row.name, issuer: row.issuer } });
    if (!enabled) await wakeWorkers(tx, "attestation.withdrawn");
    return { id: row.id, name: row.name, issuer: row.issuer, enabled };
  });
}
