import { randomBytes } from "node:crypto";
import { z } from "zod";
import { getDb } from "../db";
import { assertCan, can, machinePermissions, permissions, permissionsOf, type Actor } from "../authz";
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
 * - An identity's token is made by an admin (admin:tokens) and carries machine scopes only.
 * - A user's token is made by that user, for themselves, with scopes they hold: nobody (an admin,
 *   the bootstrap token) mints a token in another person's name and decides as them.
 */
export async function createApiToken({ actor, ...raw }: { actor: Actor } & z.input<typeof createApiTokenInput>) {
  const input = parseInput(createApiTokenInput, raw);
  if (input.identity) {
    assertCan(actor, "admin:tokens");
    const wide = input.scopes.filter((s) => !machinePermissions.includes(s));
    if (wide.length > 0) {
      throw new AppError("validation_failed", `An identity's token carries machine scopes only (${machinePermissions.join(", ")}); not ${wide.join(", ")}`, {
        fields: { scopes: `Not a machine scope: ${wide.join(", ")}` },
      });
    }
  } else {
    if (actor.type !== "user") throw new AppError("forbidden", "A user's token is made by that user, signed in; it cannot be minted for them");
    const held = permissionsOf(actor);
    const notHeld = input.scopes.filter((s) => !held.has(s));
    if (notHeld.length > 0) {
      throw new AppError("validation_failed", `A token narrows your roles, never widens them: you do not hold ${notHeld.join(", ")}`, { fields: { scopes: `Not yours: ${notHeld.join(", ")}` } });
    }
  }
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
      if (actor.type !== "user" || user.id !== actor.id) throw new AppError("forbidden", "You can create a token for yourself only: another person's token is theirs to create");
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

/** Revokes a token at once; its next use is refused. An admin revokes anyone's, a user their own. */
export async function revokeApiToken({ actor, tokenId }: { actor: Actor; tokenId: string }) {
  const id = parseInput(z.string().uuid("Unknown token"), tokenId);
  await getDb().$transaction(async (tx) => {
    const t = await tx.apiToken.findUnique({ where: { id } });
    const own = t !== null && actor.type === "user" && t.userId === actor.id;
    if (!t || (!own && !can(actor, "admin:tokens"))) throw notFound("Token");
    if (t.revokedAt) return;
    await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await appendAudit(tx, actor, { action: "api_token.revoked", subjectType: "api_token", subjectId: id });
  });
}

/**
 * API tokens, newest first, without their secrets (only the hash is stored anyway): every token
 * for an admin, or (`mine`) the signed-in user's own.
 */
export async function findApiTokens({ actor, mine = false }: { actor: Actor; mine?: boolean }) {
  if (mine) {
    if (actor.type !== "user") throw new AppError("forbidden", "Only a person has tokens of their own");
  } else assertCan(actor, "admin:tokens");
  const rows = await getDb().apiToken.findMany({
    where: mine ? { userId: actor.type === "user" ? actor.id : "" } : {},
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
