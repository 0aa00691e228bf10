import { timingSafeEqual } from "node:crypto";
import { getDb } from "../db";
import { env } from "../env";
import { AppError } from "../errors";
import { sha256Hex } from "../crypto/seal";
import type { Actor, Permission, RoleName } from "../authz";
import type { Identity } from "../generated/prisma/client";
import { identityFromJson } from "../raw-rows";
import { looksLikeJwt, verifyWorkloadToken } from "../workloads/verify-workload-token";

/** The caller, and for an identity's API token the identity's row as read to authenticate it. */
type TokenRow = {
  id: string;
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  identity: Record<string, unknown> | null;
  user: { id: string; email: string; name: string; roles: string[]; active: boolean } | null;
};

export type BearerActor = { actor: Actor; tokenId: string; identity?: Identity };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(sha256Hex(a));
  const y = Buffer.from(sha256Hex(b));
  return timingSafeEqual(x, y);
}

/**
 * Resolves `Authorization: Bearer …` to an actor: an API token bound to an identity or a user,
 * or the bootstrap admin token from HOURGLASS_ADMIN_TOKEN. Every failure is a 401 with a code.
 */
export async function authenticateBearer(header: string | null): Promise<BearerActor> {
  if (!header) throw new AppError("unauthenticated", "Send Authorization: Bearer <token>");
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new AppError("unauthenticated", "The Authorization header must be `Bearer <token>`");
  const secret = match[1];
  if (env.HOURGLASS_ADMIN_TOKEN && sameSecret(secret, env.HOURGLASS_ADMIN_TOKEN)) {
    return { actor: { type: "system", name: "bootstrap" }, tokenId: "bootstrap" };
  }
  if (looksLikeJwt(secret)) {
    const actor = await verifyWorkloadToken(secret);
    return { actor, tokenId: `oidc:${actor.id}` };
  }
  const db = getDb();
  // One plain query on every API call: the token, the identity or user it is bound to.
  const [token] = await db.$queryRaw<TokenRow[]>`
    SELECT t.id, t.scopes, t."expiresAt", t."revokedAt", t."lastUsedAt", to_jsonb(i) AS identity,
           CASE WHEN u.id IS NULL THEN NULL ELSE jsonb_build_object('id', u.id, 'email', u.email, 'name', u.name, 'roles', u.roles, 'active', u.active) END AS "user"
    FROM "ApiToken" t LEFT JOIN "Identity" i ON i.id = t."identityId" LEFT JOIN "User" u ON u.id = t."userId"
    WHERE t."tokenHash" = ${sha256Hex(secret)}`;
  if (!token) throw new AppError("unauthenticated", "Unknown token", { reason: "unknown_token" });
  if (token.revokedAt) throw new AppError("unauthenticated", "This token was revoked", { reason: "revoked_token" });
  if (token.expiresAt && token.expiresAt <= new Date()) throw new AppError("unauthenticated", "This token has expired", { reason: "expired_token" });
  // Last use is informative only; record it at most once a minute per token.
  if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > 60_000) {
    void db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  }
  const scopes = token.scopes as Permission[];
  if (token.identity) {
    const identity = identityFromJson(token.identity);
    if (identity.status !== "active") throw new AppError("forbidden", `Identity ${identity.name} is ${identity.status}`);
    return { actor: { type: "identity", id: identity.id, name: identity.name, scopes, attestation: "api_token" }, tokenId: token.id, identity };
  }
  if (token.user) {
    if (!token.user.active) throw new AppError("unauthenticated", "This user is disabled", { reason: "disabled_user" });
    return {
      actor: { type: "user", id: token.user.id, email: token.user.email, name: token.user.name, roles: token.user.roles as RoleName[], scopes },
      tokenId: token.id,
    };
  }
  throw new AppError("unauthenticated", "This token is bound to nothing");
}
