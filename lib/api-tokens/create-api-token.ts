import { randomBytes } from "node:crypto";
import { z } from "zod";
import { getDb } from "../db";
import { assertCan, permissions, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { AppError, notFound } from "../errors";
import { sha256Hex } from "../crypto/seal";
import { parseInput, zDuration, isUuid } from "../validation";

export const TOKEN_PREFIX = "hgt_";

export const createApiTokenInput = z
  .object({
    name: z.string().trim().min(1).max(120).default("API token"),
    identity: z.string().trim().min(1).max(200).optional(),
    user: z.string().trim().min(1).max(320).optional(),
    scopes: z.array(z.enum(permissions)).min(1, "Give the token at least one scope").max(permissions.length),
    expiresIn: zDuration.optional(),
  })
  .refine((v) => Boolean(v.identity) !== Boolean(v.user), { message: "Bind the token to exactly one of identity or user" });

/**
 * Creates a bearer token for the machine API, bound to an identity or a user. The token is
 * returned once; only its SHA-256 is stored.
 */
export async function createApiToken({ actor, ...raw }: { actor: Actor } & z.input<typeof createApiTokenInput>) {
  assertCan(actor, "admin:tokens");
  const input = parseInput(createApiTokenInput, raw);
  const db = getDb();
  return db.$transaction(async (tx) => {
    let identityId: string | null = null;
    let userId: string | null = null;
    if (input.identity) {
      const identity = await tx.identity.findFirst({ where: isUuid(input.identity) ? { id: input.identity } : { name: input.identity } });
      if (!identity) throw notFound(`Identity ${input.identity}`);
      if (identity.status !== "active") throw new AppError("invalid_state", `Identity ${identity.name} is ${identity.status}`);
      identityId = identity.id;
    } else {
      const user = await tx.user.findFirst({ where: isUuid(input.user!) ? { id: input.user } : { email: input.user!.toLowerCase() } });
      if (!user) throw notFound(`User ${input.user}`);
      userId = user.id;
    }
    const secret = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
    const expiresAt = input.expiresIn ? new Date(Date.now() + input.expiresIn * 1000) : null;
    const row = await tx.apiToken.create({
      data: {
        name: input.name,
        prefix: secret.slice(0, 12),
        tokenHash: sha256Hex(secret),
        identityId,
        userId,
        scopes: input.scopes,
        expiresAt,
        createdById: actor.type === "user" ? actor.id : null,
      },
    });
    await appendAudit(tx, actor, { action: "api_token.created", subjectType: "api_token", subjectId: row.id, data: { name: row.name, identityId, userId, scopes: input.scopes, expiresAt } });
    return { id: row.id, token: secret, prefix: row.prefix, scopes: input.scopes, expiresAt: expiresAt?.toISOString() ?? null, identityId, userId };
  });
}

/** Revokes a token at once; its next use is refused. */
export async function revokeApiToken({ actor, tokenId }: { actor: Actor; tokenId: string }) {
  assertCan(actor, "admin:tokens");
  const id = parseInput(z.string().uuid("Unknown token"), tokenId);
  await getDb().$transaction(async (tx) => {
    const t = await tx.apiToken.findUnique({ where: { id } });
    if (!t) throw notFound("Token");
    if (t.revokedAt) return;
    await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await appendAudit(tx, actor, { action: "api_token.revoked", subjectType: "api_token", subjectId: id });
  });
}

/** API tokens, newest first, without their secrets (only the hash is stored anyway). */
export async function findApiTokens({ actor }: { actor: Actor }) {
  assertCan(actor, "admin:tokens");
  const rows = await getDb().apiToken.findMany({
    orderBy: { createdAt: "desc" },
    take: 200,
    include: { identity: { select: { name: true } }, user: { select: { email: true } } },
  });
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    boundTo: t.identity ? `identity ${t.identity.name}` : t.user ? `user ${t.user.email}` : "—",
    scopes: t.scopes,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  }));
}
