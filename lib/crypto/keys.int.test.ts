import { spawn } from "node:child_process";
import { createCipheriv, createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../audit";
import { systemActor } from "../authz";
import { getDb } from "../db";
import { setProcessEnv } from "../env";
import { revokeDueGrants } from "../grants/revoke-due-grants";
import { createTokenIssuer, isTokenRevoked, TokenRejectedError, verifyHourglassToken } from "../issuers/token";
import { useFreshDatabase } from "../testing/database";
import { createIdentity, createIssuerAndEntitlement, createUser } from "../testing/factories";
import { getActiveSigningKey, getPublicJwks, rotateSigningKeyAfterCompromise } from "../tokens/signing-keys";
import { lanes } from "../worker/worker";
import { seal, sealedKeyId, sealJson, sealKeyId, unseal, unsealJson } from "./seal";

// The keys that protect secrets at rest and sign tokens: separate from the session secret,
// required with an external database, rotatable without losing what older keys sealed.

const root = path.resolve(import.meta.dirname, "..", "..");
const KEY_A = "seal-key-a-0123456789abcdef0123456789abcdef";
const KEY_B = "seal-key-b-0123456789abcdef0123456789abcdef";
let database: Awaited<ReturnType<typeof useFreshDatabase>>;
const saved = { key: process.env.HOURGLASS_SECRET_KEY, old: process.env.HOURGLASS_SECRET_KEYS_OLD };

beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(async () => {
  setProcessEnv({ HOURGLASS_SECRET_KEY: saved.key, HOURGLASS_SECRET_KEYS_OLD: saved.old });
  await database.drop();
});

/** Runs a script with tsx; resolves with its exit code and output, or kills it after `ms`. */
function runScript(args: string[], env: NodeJS.ProcessEnv, ms = 30_000): Promise<{ code: number | null; out: string; timedOut: boolean }> {
  // In its own process group, so a kill reaches the node process tsx starts too.
  const child = spawn(path.join(root, "node_modules", ".bin", "tsx"), args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      process.kill(-child.pid!, "SIGKILL");
      resolve({ code: null, out, timedOut: true });
    }, ms);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out, timedOut: false });
    });
  });
}

function envWithout(...keys: string[]): NodeJS.ProcessEnv {
  const e = { ...process.env };
  for (const k of keys) delete e[k];
  return e;
}

/** What the first format looked like: no key id, the key derived from the one secret. */
function legacySeal(secret: string, plaintext: string): string {
  const key = createHash("sha256").update(`hourglass-seal:${secret}`).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
}

describe("the seal key", () => {
  it("is never the session secret: without HOURGLASS_SECRET_KEY nothing is sealed, and a new AUTH_SECRET leaves sealed values readable", () => {
    setProcessEnv({ HOURGLASS_SECRET_KEY: undefined, AUTH_SECRET: "session-secret-0123456789abcdef0123456789" });
    expect(() => seal("issuer secret")).toThrow(/HOURGLASS_SECRET_KEY is not set/);
    setProcessEnv({ HOURGLASS_SECRET_KEY: KEY_A });
    const sealed = seal("issuer secret");
    setProcessEnv({ AUTH_SECRET: "another-session-secret-0123456789abcdef" });
    expect(unseal(sealed)).toBe("issuer secret");
  });

  it("is required by the worker and the start command when DATABASE_URL is set; they refuse with a clear message and make no keys", async () => {
    const env = { ...envWithout("HOURGLASS_SECRET_KEY", "HOURGLASS_SECRET_KEYS_OLD"), DATABASE_URL: database.url };
    const worker = await runScript(["scripts/worker.ts"], env);
    expect(worker.timedOut).toBe(false);
    expect(worker.code).toBe(1);
    expect(worker.out).toMatch(/HOURGLASS_SECRET_KEY is not set/);

    const dataDir = mkdtempSync(path.join(tmpdir(), "hourglass-keys-"));
    try {
      const start = await runScript(["scripts/start.ts"], { ...env, HOURGLASS_DATA_DIR: dataDir, PORT: "1" });
      expect(start.timedOut).toBe(false);
      expect(start.code).toBe(1);
      expect(start.out).toMatch(/DATABASE_URL is set but HOURGLASS_SECRET_KEY is not/);
      expect(existsSync(path.join(dataDir, "secrets.json"))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it("rotates through a key ring: new seals use the newest key, old seals still open, and keys:reseal moves everything to the newest, audited", async () => {
    setProcessEnv({ HOURGLASS_SECRET_KEY: KEY_A, HOURGLASS_SECRET_KEYS_OLD: undefined });
    const db = getDb();
    const withSecret = await db.issuer.create({ data: { name: `pg-${randomUUID()}`, type: "postgres", config: {}, secretSealed: sealJson({ url: "postgresql://admin:pw@db/x" }) } });
    const legacy = await db.issuer.create({ data: { name: `pg-${randomUUID()}`, type: "postgres", config: {}, secretSealed: legacySeal(KEY_A, JSON.stringify({ url: "postgresql://old@db/y" })) } });
    const signingKey = await getActiveSigningKey(db);
    const { issuer, entitlement } = await createIssuerAndEntitlement();
    const identity = await createIdentity();
    const waiting = await db.grant.create({
      data: { identityId: identity.id, entitlementId: entitlement.id, issuerId: issuer.id, status: "active", expiresAt: new Date(Date.now() + 600_000), credentialSealed: sealJson({ type: "jwt", token: "t0k3n" }) },
    });

    // B becomes the newest key; A stays in the ring to open what it sealed.
    setProcessEnv({ HOURGLASS_SECRET_KEY: KEY_B, HOURGLASS_SECRET_KEYS_OLD: KEY_A });
    expect(sealedKeyId(seal("new"))).toBe(sealKeyId(KEY_B));
    expect(unsealJson((await db.issuer.findUniqueOrThrow({ where: { id: withSecret.id } })).secretSealed!)).toEqual({ url: "postgresql://admin:pw@db/x" });
    expect(unsealJson((await db.issuer.findUniqueOrThrow({ where: { id: legacy.id } })).secretSealed!)).toEqual({ url: "postgresql://old@db/y" });

    const reseal = await runScript(["scripts/keys.ts", "reseal"], { ...process.env, DATABASE_URL: database.url });
    expect(reseal.out).toMatch(/re-sealed with key/);
    expect(reseal.code).toBe(0);

    // A leaves the ring: everything still opens, with B.
    setProcessEnv({ HOURGLASS_SECRET_KEYS_OLD: undefined });
    const issuers = await db.issuer.findMany({ where: { id: { in: [withSecret.id, legacy.id] } }, orderBy: { createdAt: "asc" } });
    for (const i of issuers) expect(sealedKeyId(i.secretSealed!)).toBe(sealKeyId(KEY_B));
    expect(issuers.map((i) => unsealJson(i.secretSealed!))).toEqual([{ url: "postgresql://admin:pw@db/x" }, { url: "postgresql://old@db/y" }]);
    const key = await db.signingKey.findUniqueOrThrow({ where: { kid: signingKey.kid } });
    expect(sealedKeyId(key.privateJwkSealed)).toBe(sealKeyId(KEY_B));
    expect(unsealJson<{ kid: string }>(key.privateJwkSealed).kid).toBe(signingKey.kid);
    const grant = await db.grant.findUniqueOrThrow({ where: { id: waiting.id } });
    expect(unsealJson(grant.credentialSealed!)).toEqual({ type: "jwt", token: "t0k3n" });

    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "secrets.resealed" } });
    expect(event.data).toMatchObject({ keyId: sealKeyId(KEY_B), issuers: 2, signingKeys: 1, credentials: 1 });
    expect((await verifyAuditChain({ db, actor: systemActor("test") })).ok).toBe(true);
  }, 60_000);
});

describe("the token issuer's signing key after a compromise", () => {
  const AUD = "https://api.test.local";
  const driver = createTokenIssuer({ id: randomUUID(), name: "tokens", config: { audience: AUD, ttlMaxSec: 3600 }, secret: null });

  it("is retired at once, its tokens are deny-listed and their grants revoked; only an admin may do it", async () => {
    const db = getDb();
    const { issuer, entitlement } = await createIssuerAndEntitlement();
    const identity = await createIdentity();
    const grant = await db.grant.create({ data: { identityId: identity.id, entitlementId: entitlement.id, issuerId: issuer.id, status: "issuing", expiresAt: new Date(Date.now() + 900_000) } });
    const issued = await driver.grant({ grantId: grant.id, identity: { ...identity }, entitlement: { id: entitlement.id, name: entitlement.name, target: entitlement.target }, expiresAt: grant.expiresAt });
    await db.grant.update({ where: { id: grant.id }, data: { status: "active", issuerRef: issued.reference, issuerMeta: issued.meta as object, issuedAt: new Date() } });
    const token = issued.credential!.type === "jwt" ? issued.credential!.token : "";
    const oldKid = decodeProtectedHeader(token).kid!;
    await verifyHourglassToken(db, token, { audience: AUD });

    const approver = await createUser(["approver"]);
    await expect(rotateSigningKeyAfterCompromise(approver, { comment: "leaked" })).rejects.toMatchObject({ code: "forbidden" });

    const r = await rotateSigningKeyAfterCompromise(systemActor("test"), { comment: "private key found in a log" });
    expect(r.retired).toEqual([oldKid]);
    expect(r.kid).not.toBe(oldKid);
    expect(r.grantsRevoking).toEqual([grant.id]);
    expect((await getPublicJwks(db)).keys.map((k) => k.kid)).toEqual([r.kid]);
    const refused = await verifyHourglassToken(db, token, { audience: AUD }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TokenRejectedError);
    expect(await isTokenRevoked(db, issued.reference)).toBe(true);
    expect(await db.grant.findUniqueOrThrow({ where: { id: grant.id } })).toMatchObject({ status: "revoking", revokeReason: "emergency" });
    const fresh = await driver.grant({ grantId: randomUUID(), identity: { ...identity }, entitlement: { id: entitlement.id, name: entitlement.name, target: entitlement.target }, expiresAt: new Date(Date.now() + 600_000) });
    expect(decodeProtectedHeader(fresh.credential!.type === "jwt" ? fresh.credential!.token : "").kid).toBe(r.kid);

    await revokeDueGrants({ db });
    expect((await db.grant.findUniqueOrThrow({ where: { id: grant.id } })).status).toBe("revoked");
    expect(await db.auditEvent.count({ where: { action: "signing_key.compromised", subjectId: r.kid } })).toBe(1);
    expect((await verifyAuditChain({ db, actor: systemActor("test") })).ok).toBe(true);
  });

  it("has its deny-list pruned by the worker once entries pass their token's exp", async () => {
    const db = getDb();
    const lane = lanes.find((l) => l.name === "deny-list");
    expect(lane).toBeDefined();
    await db.revokedToken.deleteMany();
    const gone = randomUUID();
    const live = randomUUID();
    await db.revokedToken.createMany({ data: [{ jti: gone, expiresAt: new Date(Date.now() - 2 * 3600_000) }, { jti: live, expiresAt: new Date(Date.now() + 600_000) }] });
    expect(await lane!.run(db, new Date())).toBe(1);
    expect((await db.revokedToken.findMany()).map((t) => t.jti)).toEqual([live]);
    const next = await lane!.next(db, new Date());
    expect(next!.getTime()).toBeGreaterThan(Date.now() + 600_000);
  });
});
