import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";
import { getDb, type Db, type Tx } from "../db";
import { appendAudit, appendAuditMany } from "../audit";
import { can, systemActor, type Actor } from "../authz";
import { forbidden } from "../errors";
import { wakeWorkers } from "../worker/wake";
import { sealJson, unsealJson } from "../crypto/seal";
import type { SigningKey } from "../generated/prisma/client";

// ES256 keys for the built-in token issuer. One key is active (rotatedAt null) and signs new
// tokens; after rotation the old key stays in the JWKS until every token it signed has expired
// (retiresAt), so verifiers keep accepting them. The private JWK is sealed at rest.

export const SIGNING_ALG = "ES256";
/** Hard ceiling on any token's lifetime: a token issuer's ttlMaxSec can never exceed it. */
export const MAX_TOKEN_TTL_SEC = 24 * 60 * 60;
/** Clock skew and sign/rotate races: a retired key stays published this long past its last possible token. */
export const RETIRE_MARGIN_SEC = 15 * 60;
export const DEFAULT_ROTATION_PERIOD_SEC = 7 * 24 * 60 * 60;

// Serialises key creation and rotation across processes; held until the transaction ends.
const SIGNING_KEY_LOCK = 0x686f6b79; // "hoky"

export type ActiveSigningKey = { kid: string; alg: typeof SIGNING_ALG; privateKey: CryptoKey; createdAt: Date };
export type PublicJwk = JWK & { kid: string; alg: string; use: "sig" };

// Imported private keys by kid: unsealing and importing costs more than signing.
const privateKeys = new Map<string, Promise<CryptoKey>>();

function loadPrivateKey(row: Pick<SigningKey, "kid" | "privateJwkSealed">): Promise<CryptoKey> {
  let key = privateKeys.get(row.kid);
  if (!key) {
    key = importJWK(unsealJson<JWK>(row.privateJwkSealed), SIGNING_ALG) as Promise<CryptoKey>;
    privateKeys.set(row.kid, key);
    key.catch(() => privateKeys.delete(row.kid));
  }
  return key;
}

async function toActive(row: SigningKey): Promise<ActiveSigningKey> {
  return { kid: row.kid, alg: SIGNING_ALG, privateKey: await loadPrivateKey(row), createdAt: row.createdAt };
}

function isFresh(row: SigningKey, rotationPeriodSec: number, now: Date): boolean {
  return now.getTime() - row.createdAt.getTime() < rotationPeriodSec * 1000;
}

function findActive(db: Tx): Promise<SigningKey | null> {
  return db.signingKey.findFirst({ where: { rotatedAt: null }, orderBy: { createdAt: "desc" } });
}

export function retiresAtFor(rotatedAt: Date): Date {
  return new Date(rotatedAt.getTime() + (MAX_TOKEN_TTL_SEC + RETIRE_MARGIN_SEC) * 1000);
}

/**
 * Under the lock: retires every active key and creates a new one. With `onlyIfStale`, a key that
 * another process created (or that is still fresh) is returned instead, so concurrent callers
 * make exactly one key.
 */
async function createKey(db: Db, opts: { onlyIfStale?: { rotationPeriodSec: number }; reason: string }): Promise<SigningKey> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SIGNING_KEY_LOCK}::bigint)`;
    const now = new Date();
    const current = await findActive(tx);
    if (opts.onlyIfStale && current && isFresh(current, opts.onlyIfStale.rotationPeriodSec, now)) return current;

    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);

    const retired = await tx.signingKey.findMany({ where: { rotatedAt: null }, select: { kid: true } });
    if (retired.length > 0) {
      await tx.signingKey.updateMany({
        where: { rotatedAt: null },
        data: { rotatedAt: now, retiresAt: retiresAtFor(now) },
      });
    }
    const row = await tx.signingKey.create({
      data: {
        kid,
        alg: SIGNING_ALG,
        publicJwk: { ...publicJwk, kid, alg: SIGNING_ALG, use: "sig" },
        privateJwkSealed: sealJson({ ...privateJwk, kid, alg: SIGNING_ALG }),
        createdAt: now,
      },
    });
    await appendAudit(tx, systemActor("worker"), {
      action: retired.length > 0 ? "signing_key.rotated" : "signing_key.created",
      subjectType: "signing_key",
      subjectId: kid,
      data: { alg: SIGNING_ALG, reason: opts.reason, retired: retired.map((r) => r.kid), retiresAt: retired.length > 0 ? retiresAtFor(now).toISOString() : null },
    });
    return row;
  });
}

/**
 * The key that signs new tokens. Creates the first key when there is none, and rotates when the
 * active key is older than the rotation period. Safe to call from several processes at once.
 *
 * Opens its own transaction when it has to create a key: do not call it while holding the audit
 * lock in another transaction.
 */
export async function getActiveSigningKey(db: Db, opts: { rotationPeriodSec?: number; /** Reuse the key this process last read if it is younger than this. */ reuseForMs?: number } = {}): Promise<ActiveSigningKey> {
  const rotationPeriodSec = opts.rotationPeriodSec ?? DEFAULT_ROTATION_PERIOD_SEC;
  const now = new Date();
  const seen = lastRead.get(db);
  if (opts.reuseForMs && seen && now.getTime() - seen.at < opts.reuseForMs && isFresh(seen.row, rotationPeriodSec, now)) return toActive(seen.row);
  const current = await findActive(db);
  if (current && isFresh(current, rotationPeriodSec, now)) {
    lastRead.set(db, { row: current, at: now.getTime() });
    return toActive(current);
  }
  const row = await createKey(db, { onlyIfStale: { rotationPeriodSec }, reason: current ? "rotation_period" : "first_key" });
  lastRead.set(db, { row, at: Date.now() });
  return toActive(row);
}

// The active key as last read, per database client: a busy issuer signs many tokens a second and
// need not read the key for each (a rotation elsewhere is picked up within `reuseForMs`).
const lastRead = new WeakMap<Db, { row: SigningKey; at: number }>();

/** Rotates now (e.g. after a suspected compromise of the active key). Old tokens stay verifiable until they expire. */
export async function rotateSigningKey(db: Db): Promise<ActiveSigningKey> {
  const row = await createKey(db, { reason: "manual" });
  lastRead.set(db, { row, at: Date.now() });
  return toActive(row);
}

export type CompromiseRotation = { kid: string; retired: string[]; denied: number; grantsRevoking: string[] };

/**
 * Rotates after a (suspected) compromise of the active key: unlike a planned rotation, the old key
 * leaves the JWKS at once (verifiers refuse whatever it signs, including tokens forged with it),
 * every unexpired token it signed for a grant goes on the deny-list (for verifiers that cached
 * the JWKS), and those grants are revoked, so their rows say what happened.
 */
export async function rotateSigningKeyAfterCompromise(actor: Actor, opts: { comment: string; db?: Db }): Promise<CompromiseRotation> {
  if (!can(actor, "admin:issuers")) throw forbidden("Only an admin can rotate the token signing key");
  const db = opts.db ?? getDb();
  const result = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SIGNING_KEY_LOCK}::bigint)`;
    const now = new Date();
    const retired = (await tx.signingKey.findMany({ where: { rotatedAt: null }, select: { kid: true } })).map((r) => r.kid);
    await tx.signingKey.updateMany({ where: { kid: { in: retired } }, data: { rotatedAt: now, retiresAt: now } });

    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    await tx.signingKey.create({
      data: { kid, alg: SIGNING_ALG, publicJwk: { ...publicJwk, kid, alg: SIGNING_ALG, use: "sig" }, privateJwkSealed: sealJson({ ...privateJwk, kid, alg: SIGNING_ALG }), createdAt: now },
    });

    // A token expires at its exp claim, or with its grant when the claim was not recorded.
    const denied = await tx.$executeRaw`
      INSERT INTO "RevokedToken" ("jti", "grantId", "expiresAt")
      SELECT g."issuerRef", g.id, coalesce(to_timestamp((g."issuerMeta"->>'exp')::double precision), g."expiresAt")
      FROM "Grant" g
      WHERE g."issuerMeta"->>'kid' = ANY(${retired}::text[]) AND g."issuerRef" IS NOT NULL
        AND coalesce(to_timestamp((g."issuerMeta"->>'exp')::double precision), g."expiresAt") > now()
      ON CONFLICT ("jti") DO NOTHING`;
    const comment = `signing key ${retired.join(", ")} compromised: ${opts.comment}`;
    const live = await tx.$queryRaw<{ id: string }[]>`
      UPDATE "Grant" SET status = 'revoking', "revokeReason" = 'emergency', "revokeComment" = ${comment}, "revokeRequestedAt" = ${now},
        "nextAttemptAt" = ${now}, attempts = 0, "credentialSealed" = NULL, "updatedAt" = ${now}
      WHERE status = 'active' AND "issuerMeta"->>'kid' = ANY(${retired}::text[])
      RETURNING id`;
    await appendAudit(tx, actor, {
      action: "signing_key.compromised",
      subjectType: "signing_key",
      subjectId: kid,
      data: { alg: SIGNING_ALG, retired, comment: opts.comment, deniedTokens: denied, grantsRevoking: live.length },
    });
    await appendAuditMany(
      tx,
      actor,
      live.map((g) => ({ action: "grant.revoke_requested", subjectType: "grant", subjectId: g.id, data: { reason: "emergency", comment, was: "active" } })),
    );
    if (live.length > 0) await wakeWorkers(tx, "grant.revoking");
    return { kid, retired, denied, grantsRevoking: live.map((g) => g.id) };
  });
  for (const k of result.retired) privateKeys.delete(k);
  lastRead.delete(db);
  return result;
}

/** Every key a verifier may still meet: the active one and rotated ones not yet retired. Newest first. */
export async function getPublicJwks(db: Tx = getDb()): Promise<{ keys: PublicJwk[] }> {
  const rows = await db.signingKey.findMany({
    where: { OR: [{ retiresAt: null }, { retiresAt: { gt: new Date() } }] },
    orderBy: { createdAt: "desc" },
    select: { publicJwk: true },
  });
  return { keys: rows.map((r) => r.publicJwk as PublicJwk) };
}

/** For tests: forget the imported keys. */
export function clearSigningKeyCache(): void {
  privateKeys.clear();
}
