import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { PrismaClient } from "../generated/prisma/client";
import { useFreshDatabase } from "../testing/database";
import {
  getActiveSigningKey,
  getPublicJwks,
  MAX_TOKEN_TTL_SEC,
  RETIRE_MARGIN_SEC,
  rotateSigningKey,
} from "../tokens/signing-keys";
import { createTokenIssuer, isTokenRevoked, listRevokedTokens, pruneRevokedTokens, TokenRejectedError, verifyHourglassToken } from "./token";
import { IssuerError, type IssueInput, type IssueResult } from "./types";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let other: PrismaClient;

beforeAll(async () => {
  database = await useFreshDatabase();
  // A second client with its own pool: stands in for another process.
  other = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url, max: 5 }) });
});
afterAll(async () => {
  await other?.$disconnect();
  await database.drop();
});

const AUD = "https://api.example.test";
const driver = createTokenIssuer({ id: randomUUID(), name: "tokens", config: { audience: AUD, ttlMaxSec: 3600 }, secret: null });

function input(over: Partial<IssueInput> = {}, target: unknown = { scope: "read:orders write:orders" }): IssueInput {
  return {
    grantId: randomUUID(),
    identity: { id: randomUUID(), name: "svc-billing", kind: "service_account", environment: "prod" },
    entitlement: { id: randomUUID(), name: "orders-rw", target },
    expiresAt: new Date(Date.now() + 15 * 60_000),
    ...over,
  };
}

const ref = (grantId: string, r: IssueResult) => ({ grantId, reference: r.reference, meta: r.meta ?? {}, expiresAt: r.expiresAt });

function token(r: IssueResult): string {
  if (r.credential?.type !== "jwt") throw new Error("expected a jwt credential");
  return r.credential.token;
}

async function rejection(p: Promise<unknown>): Promise<TokenRejectedError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TokenRejectedError);
  return e as TokenRejectedError;
}

describe("signing keys", () => {
  it("creates exactly one first key when many callers in two processes race", async () => {
    expect(await getDb().signingKey.count()).toBe(0);
    const keys = await Promise.all(Array.from({ length: 12 }, (_, i) => getActiveSigningKey(i % 2 ? other : getDb())));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect(await getDb().signingKey.count()).toBe(1);
    expect(await getDb().auditEvent.count({ where: { action: "signing_key.created" } })).toBe(1);
    const row = await getDb().signingKey.findFirstOrThrow();
    expect(row.alg).toBe("ES256");
    expect(row.privateJwkSealed.startsWith("v2.")).toBe(true);
    expect(row.privateJwkSealed).not.toContain(keys[0].kid);
    expect(row.publicJwk).not.toHaveProperty("d");
  });

  it("rotates a stale key exactly once when callers race", async () => {
    const before = await getActiveSigningKey(getDb());
    await getDb().signingKey.update({ where: { kid: before.kid }, data: { createdAt: new Date(Date.now() - 8 * 86400_000) } });
    const keys = await Promise.all(Array.from({ length: 12 }, (_, i) => getActiveSigningKey(i % 2 ? other : getDb())));
    const kids = new Set(keys.map((k) => k.kid));
    expect(kids.size).toBe(1);
    expect(kids.has(before.kid)).toBe(false);
    const old = await getDb().signingKey.findUniqueOrThrow({ where: { kid: before.kid } });
    expect(old.rotatedAt).not.toBeNull();
    expect(old.retiresAt!.getTime() - old.rotatedAt!.getTime()).toBe((MAX_TOKEN_TTL_SEC + RETIRE_MARGIN_SEC) * 1000);
    expect(await getDb().signingKey.count({ where: { rotatedAt: null } })).toBe(1);
    expect(await getDb().auditEvent.count({ where: { action: "signing_key.rotated" } })).toBe(1);
  });

  it("honours an overridden rotation period", async () => {
    const a = await getActiveSigningKey(getDb(), { rotationPeriodSec: 3600 });
    expect((await getActiveSigningKey(getDb(), { rotationPeriodSec: 3600 })).kid).toBe(a.kid);
    const b = await getActiveSigningKey(getDb(), { rotationPeriodSec: 0 });
    expect(b.kid).not.toBe(a.kid);
  });

  it("publishes public keys only, with kid, alg and use", async () => {
    const jwks = await getPublicJwks(getDb());
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    for (const k of jwks.keys) {
      expect(k).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
      expect(typeof k.kid).toBe("string");
      expect(k).not.toHaveProperty("d");
    }
    expect(jwks.keys[0].kid).toBe((await getActiveSigningKey(getDb())).kid);
  });
});

describe("token issuer", () => {
  it("issues an ES256 JWT that verifies against the JWKS, with the expected claims", async () => {
    const i = input();
    const before = Math.floor(Date.now() / 1000);
    const r = await driver.grant(i);
    expect(r.reference).toBe(i.grantId);
    expect(r.credential).toMatchObject({ type: "jwt", expiresAt: r.expiresAt.toISOString() });
    expect(r.expiresAt.getTime()).toBe(Math.floor(i.expiresAt.getTime() / 1000) * 1000);

    const active = await getActiveSigningKey(getDb());
    const { payload, protectedHeader } = await jwtVerify(token(r), createLocalJWKSet(await getPublicJwks(getDb())), {
      issuer: "hourglass",
      audience: AUD,
      algorithms: ["ES256"],
    });
    expect(protectedHeader).toMatchObject({ alg: "ES256", kid: active.kid, typ: "JWT" });
    expect(payload).toMatchObject({ iss: "hourglass", sub: "svc-billing", aud: AUD, scope: "read:orders write:orders", jti: i.grantId });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp).toBe(Math.floor(i.expiresAt.getTime() / 1000));
    expect(r.meta).toMatchObject({ kid: active.kid, aud: AUD, exp: payload.exp });

    const verified = await verifyHourglassToken(getDb(), token(r), { audience: AUD });
    expect(verified).toMatchObject({ sub: "svc-billing", jti: i.grantId, scope: "read:orders write:orders", kid: active.kid });
  });

  it("caps exp at ttlMaxSec from now", async () => {
    const short = createTokenIssuer({ id: randomUUID(), name: "short", config: { audience: AUD, ttlMaxSec: 600, issuerUrl: "https://hourglass.test" }, secret: null });
    const i = input({ expiresAt: new Date(Date.now() + 3 * 3600_000) });
    const r = await short.grant(i);
    const { payload } = await jwtVerify(token(r), createLocalJWKSet(await getPublicJwks(getDb())), { issuer: "https://hourglass.test", audience: AUD });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(r.expiresAt.getTime()).toBe(payload.exp! * 1000);
    // The verifier checks the configured issuer.
    await verifyHourglassToken(getDb(), token(r), { audience: AUD, issuer: "https://hourglass.test" });
    expect((await rejection(verifyHourglassToken(getDb(), token(r), { audience: AUD }))).reason).toBe("claim_invalid");
  });

  it("uses the entitlement's audience over the issuer's", async () => {
    const r = await driver.grant(input({}, { audience: "reports-api", scope: "read" }));
    const v = await verifyHourglassToken(getDb(), token(r), { audience: "reports-api" });
    expect(v.aud).toBe("reports-api");
    expect((await rejection(verifyHourglassToken(getDb(), token(r), { audience: AUD }))).reason).toBe("claim_invalid");
  });

  it("gives a retried grant the same jti", async () => {
    const i = input();
    const [a, b] = [await driver.grant(i), await driver.grant(i)];
    expect(a.reference).toBe(b.reference);
    expect((await verifyHourglassToken(getDb(), token(b), { audience: AUD })).jti).toBe(i.grantId);
  });

  it("revokes through the deny-list: idempotent, verified, rejected by the verifier", async () => {
    const i = input();
    const r = await driver.grant(i);
    const retried = await driver.grant(i);
    const gr = ref(i.grantId, r);
    expect(await driver.verifyRevoked(gr)).toBe(false);
    expect(await isTokenRevoked(getDb(), r.reference)).toBe(false);

    await driver.revoke(gr);
    await driver.revoke(gr);

    expect(await driver.verifyRevoked(gr)).toBe(true);
    expect(await isTokenRevoked(getDb(), r.reference)).toBe(true);
    expect((await rejection(verifyHourglassToken(getDb(), token(r), { audience: AUD }))).reason).toBe("revoked");
    expect((await rejection(verifyHourglassToken(getDb(), token(retried), { audience: AUD }))).reason).toBe("revoked");
    const row = await getDb().revokedToken.findUniqueOrThrow({ where: { jti: r.reference } });
    expect(row).toMatchObject({ grantId: i.grantId, expiresAt: r.expiresAt });
    expect((await listRevokedTokens(getDb())).revoked).toContainEqual({ jti: r.reference, expiresAt: r.expiresAt.toISOString() });
  });

  it("counts an expired token as revoked without a deny-list row", async () => {
    const gid = randomUUID();
    const past = new Date(Date.now() - 1000);
    expect(await driver.verifyRevoked({ grantId: gid, reference: gid, meta: { exp: Math.floor(past.getTime() / 1000) }, expiresAt: new Date(Date.now() + 60_000) })).toBe(true);
    expect(await driver.verifyRevoked({ grantId: gid, reference: gid, meta: {}, expiresAt: past })).toBe(true);
  });

  it("keeps tokens signed before a rotation verifiable, and signs new ones with the new key", async () => {
    const oldKid = (await getActiveSigningKey(getDb())).kid;
    const before = await driver.grant(input());
    const rotated = await rotateSigningKey(getDb());
    expect(rotated.kid).not.toBe(oldKid);
    const after = await driver.grant(input());
    expect(decodeProtectedHeader(token(before)).kid).toBe(oldKid);
    expect(decodeProtectedHeader(token(after)).kid).toBe(rotated.kid);

    const jwks = await getPublicJwks(getDb());
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, rotated.kid]));
    const local = createLocalJWKSet(jwks);
    await jwtVerify(token(before), local, { issuer: "hourglass", audience: AUD });
    await jwtVerify(token(after), local, { issuer: "hourglass", audience: AUD });
    await verifyHourglassToken(getDb(), token(before), { audience: AUD });
    await verifyHourglassToken(getDb(), token(after), { audience: AUD });
  });

  it("drops retired keys from the JWKS and rejects their tokens", async () => {
    const r = await driver.grant(input());
    const kid = decodeProtectedHeader(token(r)).kid!;
    await rotateSigningKey(getDb());
    await getDb().signingKey.update({ where: { kid }, data: { retiresAt: new Date(Date.now() - 1000) } });
    expect((await getPublicJwks(getDb())).keys.map((k) => k.kid)).not.toContain(kid);
    expect((await rejection(verifyHourglassToken(getDb(), token(r), { audience: AUD }))).reason).toBe("unknown_key");
  });

  it("rejects expired, tampered, foreign and garbage tokens", async () => {
    const key = await getActiveSigningKey(getDb());
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ scope: "read" })
      .setProtectedHeader({ alg: "ES256", kid: key.kid })
      .setIssuer("hourglass").setSubject("x").setAudience(AUD).setJti(randomUUID()).setIssuedAt(now - 120).setExpirationTime(now - 60)
      .sign(key.privateKey);
    expect((await rejection(verifyHourglassToken(getDb(), expired, { audience: AUD }))).reason).toBe("expired");

    const good = token(await driver.grant(input()));
    const [h, p, s] = good.split(".");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: "admin" })).toString("base64url")}.${s}`;
    expect((await rejection(verifyHourglassToken(getDb(), forged, { audience: AUD }))).reason).toBe("bad_signature");

    const { generateKeyPair } = await import("jose");
    const foreignKey = await generateKeyPair("ES256");
    const foreign = await new SignJWT({ scope: "read" })
      .setProtectedHeader({ alg: "ES256", kid: key.kid })
      .setIssuer("hourglass").setSubject("x").setAudience(AUD).setJti(randomUUID()).setIssuedAt(now).setExpirationTime(now + 60)
      .sign(foreignKey.privateKey);
    expect((await rejection(verifyHourglassToken(getDb(), foreign, { audience: AUD }))).reason).toBe("bad_signature");

    expect((await rejection(verifyHourglassToken(getDb(), "not-a-jwt", { audience: AUD }))).reason).toBe("malformed");
    // Algorithm confusion: an HMAC token naming our kid is refused before any key is looked up.
    const hs = await new SignJWT({}).setProtectedHeader({ alg: "HS256", kid: key.kid }).sign(new Uint8Array(32));
    expect((await rejection(verifyHourglassToken(getDb(), hs, { audience: AUD }))).reason).toBe("malformed");
    const unknownKid = await new SignJWT({ scope: "read" })
      .setProtectedHeader({ alg: "ES256", kid: "no-such-key" })
      .setIssuer("hourglass").setSubject("x").setAudience(AUD).setJti(randomUUID()).setIssuedAt(now).setExpirationTime(now + 60)
      .sign(key.privateKey);
    expect((await rejection(verifyHourglassToken(getDb(), unknownKid, { audience: AUD }))).reason).toBe("unknown_key");
  });

  it("refuses bad configuration, bad targets and windows that already ended, as permanent errors", async () => {
    expect(() => createTokenIssuer({ id: "x", name: "x", config: {}, secret: null })).toThrow(IssuerError);
    expect(() => createTokenIssuer({ id: "x", name: "x", config: { audience: AUD, ttlMaxSec: MAX_TOKEN_TTL_SEC + 1 }, secret: null })).toThrow(/ttlMaxSec/);
    expect(() => createTokenIssuer({ id: "x", name: "x", config: { audience: AUD, extra: 1 }, secret: null })).toThrow(IssuerError);
    for (const target of [{}, { scope: "" }, { scope: 'bad"scope' }, { scope: "read", other: 1 }, null]) {
      await expect(driver.grant(input({}, target))).rejects.toMatchObject({ name: "IssuerError", kind: "permanent" });
    }
    await expect(driver.grant(input({ expiresAt: new Date(Date.now() - 1000) }))).rejects.toMatchObject({ kind: "permanent" });
  });

  it("reports health", async () => {
    expect(await driver.health()).toMatchObject({ ok: true });
  });

  it("prunes deny-list entries of expired tokens only", async () => {
    const gone = randomUUID();
    await getDb().revokedToken.create({ data: { jti: gone, grantId: gone, expiresAt: new Date(Date.now() - 2 * 3600_000) } });
    expect((await listRevokedTokens(getDb())).revoked.map((r) => r.jti)).not.toContain(gone);
    const live = (await listRevokedTokens(getDb())).revoked.length;
    expect(await pruneRevokedTokens(getDb())).toBe(1);
    expect((await listRevokedTokens(getDb())).revoked.length).toBe(live);
  });
});
