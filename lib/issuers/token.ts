import { importJWK, jwtVerify, SignJWT, errors as joseErrors, type CryptoKey, type JWK, type JWTVerifyGetKey } from "jose";
import { isUuid } from "../validation";
import { z } from "zod";
import { getDb, type Tx } from "../db";
import { getActiveSigningKey, MAX_TOKEN_TTL_SEC, SIGNING_ALG } from "../tokens/signing-keys";
import { IssuerError, type GrantRef, type IssuerFactory, type IssueResult } from "./types";
import { nowSql } from "../grants/lease";

// The built-in token issuer: short-lived ES256 JWTs signed with the keys in SigningKey and
// published at /.well-known/jwks.json. Revocation is a jti deny-list (RevokedToken), published at
// /api/v1/tokens/revoked; a verifier that only checks signatures keeps accepting a revoked token
// until its exp, so TTLs are capped (ttlMaxSec) and verifiers are told to check the list.

export const DEFAULT_TOKEN_ISSUER = "hourglass";
export const DEFAULT_TOKEN_TTL_MAX_SEC = 60 * 60;

export const tokenIssuerConfigSchema = z.strictObject({
  /** The `iss` claim. */
  issuerUrl: z.string().trim().min(1).max(500).default(DEFAULT_TOKEN_ISSUER),
  /** Default `aud`, overridable per entitlement. */
  audience: z.string({ error: (issue) => (issue.input === undefined ? "audience is required: the aud claim tokens carry, e.g. https://api.example" : "audience must be text, e.g. https://api.example") }).trim().min(1, "audience is required").max(500),
  /** A token never lives longer than this, whatever the grant window. */
  ttlMaxSec: z.number().int().min(60).max(MAX_TOKEN_TTL_SEC).default(DEFAULT_TOKEN_TTL_MAX_SEC),
});
export type TokenIssuerConfig = z.infer<typeof tokenIssuerConfigSchema>;

// RFC 6749 §3.3: space-separated scope tokens of printable ASCII without `"` and `\`.
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

export const tokenTargetSchema = z.strictObject({
  audience: z.string().trim().min(1).max(500).optional(),
  scope: z.string().trim().min(1).max(2000).regex(SCOPE, "scope must be space-separated scope tokens"),
});
export type TokenTarget = z.infer<typeof tokenTargetSchema>;

function describeIssues(error: z.ZodError, what: string): string {
  return error.issues.map((i) => `${what}${i.path.length ? "." + i.path.join(".") : ""}: ${i.message}`).join("; ");
}


/** When the token for this grant stops being accepted anyway: its exp (meta) or the grant's expiry. */
function tokenExpiry(ref: GrantRef): Date {
  const exp = ref.meta?.exp;
  return typeof exp === "number" && Number.isFinite(exp) ? new Date(exp * 1000) : ref.expiresAt;
}

/** How long a process signs with the active key it last read before reading it again. */
export const KEY_REUSE_MS = 2000;

export const createTokenIssuer: IssuerFactory = ({ config }) => {
  const parsed = tokenIssuerConfigSchema.safeParse(config ?? {});
  if (!parsed.success) throw new IssuerError(`Invalid token issuer configuration: ${describeIssues(parsed.error, "config")}`, "permanent");
  const cfg = parsed.data;

  return {
    type: "token",
    selfContained: true,

    referenceFor: (grantId) => grantId,

    async grant(input): Promise<IssueResult> {
      const target = tokenTargetSchema.safeParse(input.entitlement.target ?? {});
      if (!target.success) {
        throw new IssuerError(`Invalid target for entitlement ${input.entitlement.name}: ${describeIssues(target.error, "target")}`, "permanent");
      }
      const nowSec = Math.floor(Date.now() / 1000);
      const exp = Math.min(Math.floor(input.expiresAt.getTime() / 1000), nowSec + cfg.ttlMaxSec);
      if (exp <= nowSec) throw new IssuerError(`The grant window already ended at ${input.expiresAt.toISOString()}`, "permanent");
      const aud = target.data.audience ?? cfg.audience;
      // Deterministic: a retried grant gets a fresh token with the same jti, so one revoke covers both.
      const jti = input.grantId;

      const key = await getActiveSigningKey(getDb(), { reuseForMs: KEY_REUSE_MS });
      const token = await new SignJWT({ scope: target.data.scope })
        .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: "JWT" })
        .setIssuer(cfg.issuerUrl)
        .setSubject(input.identity.name)
        .setAudience(aud)
        .setJti(jti)
        .setIssuedAt(nowSec)
        .setExpirationTime(exp)
        .sign(key.privateKey);
      const expiresAt = new Date(exp * 1000);
      return {
        reference: jti,
        credential: { type: "jwt", token, expiresAt: expiresAt.toISOString() },
        expiresAt,
        meta: { kid: key.kid, iss: cfg.issuerUrl, aud, exp },
      };
    },

    async revoke(ref) {
      await getDb().revokedToken.createMany({
        data: [{ jti: ref.reference, grantId: isUuid(ref.grantId) ? ref.grantId : null, expiresAt: tokenExpiry(ref) }],
        skipDuplicates: true,
      });
    },

    async verifyRevoked(ref) {
      if (tokenExpiry(ref).getTime() <= Date.now()) return true;
      return isTokenRevoked(getDb(), ref.reference);
    },

    async health() {
      try {
        const key = await getActiveSigningKey(getDb());
        return { ok: true, detail: `signing key ${key.kid}` };
      } catch (e) {
        return { ok: false, detail: `cannot load the signing key: ${e instanceof Error ? e.message : String(e)}` };
      }
    },
  };
};

/** Whether the jti is on the deny-list. */
export async function isTokenRevoked(db: Tx, jti: string): Promise<boolean> {
  const row = await db.revokedToken.findUnique({ where: { jti }, select: { jti: true } });
  return row !== null;
}

/** The unexpired deny-list, for verifiers that cache our JWKS. No secrets. */
export async function listRevokedTokens(db: Tx = getDb()): Promise<{ revoked: { jti: string; expiresAt: string }[] }> {
  const rows = await db.revokedToken.findMany({
    where: { expiresAt: { gt: new Date() } },
    orderBy: { expiresAt: "asc" },
    select: { jti: true, expiresAt: true },
  });
  return { revoked: rows.map((r) => ({ jti: r.jti, expiresAt: r.expiresAt.toISOString() })) };
}

/** Past its token's exp, plus this margin for verifiers' clock tolerance, a deny-list entry is pruned. */
export const DENY_LIST_GRACE_SEC = 3600;

/** Deletes deny-list entries whose tokens have expired (they can no longer be used anyway). */
export async function pruneRevokedTokens(db: Tx, graceSec = DENY_LIST_GRACE_SEC): Promise<number> {
  // The database's clock, as the worker's due instants: a process whose clock is behind does not spin.
  return db.$executeRaw`DELETE FROM "RevokedToken" WHERE "expiresAt" < ${nowSql()} - make_interval(secs => ${graceSec})`;
}

/** When the next deny-list entry becomes prunable, or null when the list is empty. */
export async function nextRevokedTokenPrune(db: Tx): Promise<Date | null> {
  const first = await db.revokedToken.findFirst({ orderBy: { expiresAt: "asc" }, select: { expiresAt: true } });
  return first ? new Date(first.expiresAt.getTime() + DENY_LIST_GRACE_SEC * 1000) : null;
}

export type TokenRejection = "malformed" | "unknown_key" | "bad_signature" | "expired" | "claim_invalid" | "revoked";

export class TokenRejectedError extends Error {
  constructor(
    readonly reason: TokenRejection,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "TokenRejectedError";
  }
}

export type VerifiedToken = {
  iss: string;
  sub: string;
  aud: string | string[];
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  kid: string;
};

// Imported public keys by kid (a kid is the key's thumbprint, so its material never changes).
const publicKeys = new Map<string, Promise<CryptoKey>>();

function keyResolver(db: Tx): JWTVerifyGetKey {
  return async (header) => {
    if (header.alg !== SIGNING_ALG || typeof header.kid !== "string") throw new TokenRejectedError("unknown_key", "token has no ES256 key id");
    const kid = header.kid;
    const row = await db.signingKey.findFirst({
      where: { kid, OR: [{ retiresAt: null }, { retiresAt: { gt: new Date() } }] },
      select: { publicJwk: true },
    });
    if (!row) throw new TokenRejectedError("unknown_key", "token was signed by an unknown or retired key");
    let key = publicKeys.get(kid);
    if (!key) {
      key = importJWK(row.publicJwk as JWK, SIGNING_ALG) as Promise<CryptoKey>;
      publicKeys.set(kid, key);
      key.catch(() => publicKeys.delete(kid));
    }
    return key;
  };
}

/**
 * Verifies a token we issued: signature against our published keys, `iss`, `aud`, `exp`, and the
 * deny-list. Throws TokenRejectedError (with a reason) for any token that must not be accepted;
 * other errors (database) propagate.
 */
export async function verifyHourglassToken(
  db: Tx,
  token: string,
  opts: { audience: string | string[]; issuer?: string | string[]; clockToleranceSec?: number },
): Promise<VerifiedToken> {
  let result;
  try {
    result = await jwtVerify(token, keyResolver(db), {
      algorithms: [SIGNING_ALG],
      issuer: opts.issuer ?? DEFAULT_TOKEN_ISSUER,
      audience: opts.audience,
      clockTolerance: opts.clockToleranceSec ?? 0,
      requiredClaims: ["iss", "sub", "aud", "jti", "iat", "exp"],
    });
  } catch (e) {
    if (e instanceof TokenRejectedError) throw e;
    if (e instanceof joseErrors.JWTExpired) throw new TokenRejectedError("expired", "token has expired", { cause: e });
    if (e instanceof joseErrors.JWTClaimValidationFailed) throw new TokenRejectedError("claim_invalid", `token claim "${e.claim}" is invalid: ${e.reason}`, { cause: e });
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) throw new TokenRejectedError("bad_signature", "token signature is invalid", { cause: e });
    if (e instanceof joseErrors.JOSEError) throw new TokenRejectedError("malformed", `token is malformed: ${e.message}`, { cause: e });
    throw e;
  }
  const { payload, protectedHeader } = result;
  if (typeof payload.scope !== "string") throw new TokenRejectedError("claim_invalid", 'token claim "scope" is missing');
  if (await isTokenRevoked(db, payload.jti!)) throw new TokenRejectedError("revoked", "token has been revoked");
  return {
    iss: payload.iss!,
    sub: payload.sub!,
    aud: payload.aud!,
    scope: payload.scope,
    jti: payload.jti!,
    iat: payload.iat!,
    exp: payload.exp!,
    kid: protectedHeader.kid!,
  };
}
