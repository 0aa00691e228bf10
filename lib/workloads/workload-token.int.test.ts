import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { getDb } from "../db";
import { setProcessEnv } from "../env";
import { systemActor } from "../authz";
import { useFreshDatabase } from "../testing/database";
import { createUser } from "../testing/factories";
import { closeAllDrivers } from "../issuers/registry";
import { createTrustedIssuer } from "./create-trusted-issuer";
import { subjectMatches } from "./verify-workload-token";
import * as accessRequests from "../../app/api/v1/access-requests/route";
import * as workloadIssuers from "../../app/api/v1/workload-issuers/route";
import * as workloadIssuer from "../../app/api/v1/workload-issuers/[id]/route";
import { createApiToken } from "../api-tokens/create-api-token";
import { reevaluateGrants } from "../policy/reevaluate-grants";

const ISS = "https://token.actions.githubusercontent.com";
const AUD = "https://hourglass.northwind.example";
const ADMIN = "workload-tests-admin-token-0123456789abcdef";
let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let key: CryptoKey, otherKey: CryptoKey;

async function jwt(over: { iss?: string; aud?: string; sub?: string; exp?: number; key?: CryptoKey; kid?: string } = {}) {
  return new SignJWT({})
    .setProtectedHeader({ alg: "ES256", kid: over.kid ?? "k1" })
    .setIssuer(over.iss ?? ISS)
    .setAudience(over.aud ?? AUD)
    .setSubject(over.sub ?? "repo:northwind/orders:ref:refs/heads/main")
    .setIssuedAt()
    .setExpirationTime(over.exp ?? Math.floor(Date.now() / 1000) + 300)
    .sign(over.key ?? key);
}

async function post(token: string, body: unknown = { identity: "gha-orders-nightly", entitlement: "orders-read-dev", duration: "PT30M", justification: "nightly export job" }) {
  const res = await accessRequests.POST(new Request("http://t/api/v1/access-requests", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }), { params: Promise.resolve({}) });
  return { status: res.status, json: (await res.json()) as any };
}

beforeAll(async () => {
  database = await useFreshDatabase();
  setProcessEnv({ HOURGLASS_ADMIN_TOKEN: ADMIN });
  const pair = await generateKeyPair("ES256", { extractable: true });
  key = pair.privateKey as CryptoKey;
  otherKey = (await generateKeyPair("ES256")).privateKey as CryptoKey;
  const pub = { ...(await exportJWK(pair.publicKey)), kty: "EC", kid: "k1", alg: "ES256" };
  const admin = systemActor("test");
  await createTrustedIssuer({ actor: admin, name: "github-actions", issuer: ISS, jwks: { keys: [pub] }, audience: AUD });
  const owner = await createUser(["owner"]);
  const db = getDb();
  const issuer = await db.issuer.create({ data: { name: "tokens", type: "token", config: { audience: "https://api.test" } } });
  await db.entitlement.create({ data: { name: "orders-read-dev", issuerId: issuer.id, target: { scope: "orders:read" }, environment: "dev", riskTier: "low", maxDurationSec: 8 * 3600, defaultDurationSec: 3600, approvalsRequired: 1 } });
  await db.identity.create({ data: { name: "gha-orders-nightly", kind: "ci_job", environment: "dev", system: "orders", ownerUserId: owner.id, workloadIssuer: ISS, workloadSubject: "repo:northwind/orders:ref:refs/heads/*" } });
});
afterAll(async () => {
  setProcessEnv({ HOURGLASS_ADMIN_TOKEN: undefined });
  await closeAllDrivers();
  await database.drop();
});

describe("workload tokens from a trusted OIDC issuer", () => {
  it("proves the workload: dev read is approved at once (attested) and capped to an hour", async () => {
    const r = await post(await jwt());
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ status: "approved", identity: "gha-orders-nightly", duration: "PT30M", decision: { outcome: "auto_approve", policyIds: expect.arrayContaining(["dev-read-attested-workloads"]) } });
    expect(r.json.grant.credential.type).toBe("jwt");
    const row = await getDb().accessRequest.findUniqueOrThrow({ where: { id: r.json.id } });
    expect((row.decision as { context: { attestationMethod: string } }).context.attestationMethod).toBe("oidc");
  });

  it.each([
    ["a wrong audience", { aud: "https://elsewhere.example" }, "bad_aud"],
    ["an untrusted issuer", { iss: "https://evil.example" }, "unknown_issuer"],
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 3600 }, "token_expired"],
    ["an unknown key", { kid: "k9", key: undefined as never }, "unknown_key"],
    ["a forged signature", { key: undefined as never }, "bad_signature"],
    ["an unbound subject", { sub: "repo:northwind/payments:ref:refs/heads/main" }, "unbound_subject"],
  ])("refuses %s with 401 and a clear code", async (_name, over, reason) => {
    const token = reason === "bad_signature" ? await jwt({ key: otherKey }) : reason === "unknown_key" ? await jwt({ kid: "k9", key: otherKey }) : await jwt(over);
    const r = await post(token);
    expect(r.status).toBe(401);
    expect(r.json.error).toMatchObject({ code: "unauthenticated", details: { reason } });
  });

  it("is configured by an admin only, with clear errors", async () => {
    const call = async (token: string, body: unknown) => {
      const res = await workloadIssuers.POST(new Request("http://t/api/v1/workload-issuers", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }), { params: Promise.resolve({}) });
      return { status: res.status, json: (await res.json()) as any };
    };
    expect((await call(ADMIN, { name: "k8s", issuer: "https://kubernetes.default.svc", jwksUrl: "https://127.0.0.1:6443/openid/v1/jwks", audience: "hourglass" })).status).toBe(201);
    expect((await call(ADMIN, { name: "k8s", issuer: "https://kubernetes.default.svc", jwksUrl: "https://127.0.0.1:6443/openid/v1/jwks", audience: "hourglass" })).status).toBe(409);
    expect((await call(ADMIN, { name: "x", issuer: "not a url", audience: "a" })).status).toBe(400);
    expect((await call(ADMIN, { name: "y", issuer: "https://y.example", audience: "a" })).json.error.message).toMatch(/exactly one of jwksUrl or jwks/);
    // Inline keys must be public keys that can verify: a typo would refuse every token, a private key must not be stored.
    const pair = await generateKeyPair("ES256", { extractable: true });
    const priv = { ...(await exportJWK(pair.privateKey)), kid: "p1" };
    const pub = { ...(await exportJWK(pair.publicKey)), kid: "p1" };
    const refusedPrivate = await call(ADMIN, { name: "z", issuer: "https://z.example", audience: "a", jwks: { keys: [pub, priv] } });
    expect(refusedPrivate).toMatchObject({ status: 400, json: { error: { code: "validation_failed" } } });
    expect(refusedPrivate.json.error.message).toMatch(/key 2 \(p1\) is a private or secret key/);
    const refusedBroken = await call(ADMIN, { name: "z", issuer: "https://z.example", audience: "a", jwks: { keys: [{ ...pub, x: "not-a-point" }] } });
    expect(refusedBroken).toMatchObject({ status: 400, json: { error: { code: "validation_failed" } } });
    expect(refusedBroken.json.error.message).toMatch(/key 1 \(p1\) is not a usable public key/);
    expect(await getDb().trustedWorkloadIssuer.count({ where: { name: "z" } })).toBe(0);
    expect((await call(ADMIN, { name: "z", issuer: "https://z.example", audience: "a", jwks: { keys: [pub] } })).status).toBe(201);
    // Only an admin may trust an issuer or list them.
    const owner = await getDb().user.findFirstOrThrow({ where: { roles: { has: "owner" } } });
    const { token: ownerToken } = await createApiToken({ actor: { type: "user", id: owner.id, email: owner.email, name: owner.name, roles: owner.roles }, user: owner.email, scopes: ["identity:read"] });
    expect((await call(ownerToken, { name: "w", issuer: "https://w.example", audience: "a", jwks: { keys: [pub] } })).status).toBe(403);
    const list = async (token: string) => {
      const res = await workloadIssuers.GET(new Request("http://t/api/v1/workload-issuers", { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) });
      return { status: res.status, json: (await res.json()) as any };
    };
    expect((await list(ownerToken)).status).toBe(403);
    const listed = await list(ADMIN);
    expect(listed.json.issuers.find((i: { name: string }) => i.name === "github-actions")).toMatchObject({ issuer: ISS, inline: true, inlineKeys: 1, enabled: true, boundIdentities: 1 });
    expect(listed.json.issuers.find((i: { name: string }) => i.name === "k8s")).toMatchObject({ inline: false, inlineKeys: 0, boundIdentities: 0 });
  });

  it("matches subject patterns literally except for *", () => {
    expect(subjectMatches("repo:northwind/orders:ref:refs/heads/*", "repo:northwind/orders:ref:refs/heads/main")).toBe(true);
    expect(subjectMatches("repo:northwind/orders:ref:refs/heads/*", "repo:northwind/ordersX:ref:refs/heads/main")).toBe(false);
    expect(subjectMatches("system:serviceaccount:ns:sa", "system:serviceaccount:ns:sa2")).toBe(false);
    expect(subjectMatches("a.b", "aXb")).toBe(false);
    // `*` stays inside one `:` part; crossing parts must be written as `**`.
    expect(subjectMatches("repo:org/app:*", "repo:org/app:pull_request")).toBe(true);
    expect(subjectMatches("repo:org/app:*", "repo:org/app:pull_request:evil")).toBe(false);
    expect(subjectMatches("repo:org/app:ref:refs/heads/*", "repo:org/app:ref:refs/heads/feature/x")).toBe(true);
    expect(subjectMatches("repo:org/*:ref:refs/heads/main", "repo:org/app:environment:prod:ref:refs/heads/main")).toBe(false);
    expect(subjectMatches("repo:org/app:**", "repo:org/app:pull_request:evil")).toBe(true);
    expect(subjectMatches("system:serviceaccount:*:sa", "system:serviceaccount:ns:sa")).toBe(true);
    expect(subjectMatches("system:serviceaccount:*:sa", "system:serviceaccount:ns:x:sa")).toBe(false);
  });

  // Last: it withdraws the trust the tests above rely on.
  it("revokes what an attested workload got when its issuer stops being trusted (policy_drift), and only then", async () => {
    const r = await post(await jwt());
    expect(r.json).toMatchObject({ status: "approved", grant: { status: "active" } });
    const patch = async (token: string, ref: string, body: unknown) => {
      const res = await workloadIssuer.PATCH(new Request(`http://t/api/v1/workload-issuers/${ref}`, { method: "PATCH", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }), { params: Promise.resolve({ id: ref }) });
      return { status: res.status, json: (await res.json()) as any };
    };
    // Re-evaluated while still trusted: kept.
    await reevaluateGrants({ db: getDb(), force: true });
    expect((await getDb().grant.findUniqueOrThrow({ where: { id: r.json.grant.id } })).status).toBe("active");
    // Only an admin may withdraw trust; bad input is a 4xx with a code.
    const owner = await getDb().user.findFirstOrThrow({ where: { roles: { has: "owner" } } });
    const { token: ownerToken } = await createApiToken({ actor: { type: "user", id: owner.id, email: owner.email, name: owner.name, roles: owner.roles }, user: owner.email, scopes: ["identity:read"] });
    expect((await patch(ownerToken, "github-actions", { enabled: false })).status).toBe(403);
    expect((await patch(ADMIN, "github-actions", { enabled: "no" })).json.error.code).toBe("validation_failed");
    expect((await patch(ADMIN, "github-actions", { enabled: false, extra: 1 })).status).toBe(400);
    expect((await patch(ADMIN, "nobody", { enabled: false })).json.error.code).toBe("not_found");
    const off = await patch(ADMIN, "github-actions", { enabled: false });
    expect(off).toMatchObject({ status: 200, json: { name: "github-actions", enabled: false } });
    // The lane sees the change of trust without waiting for its periodic run.
    await reevaluateGrants({ db: getDb() });
    const g = await getDb().grant.findUniqueOrThrow({ where: { id: r.json.grant.id } });
    expect(g).toMatchObject({ status: "revoking", revokeReason: "policy_drift" });
    expect(g.revokeComment).toMatch(/attestation was withdrawn/);
    expect(await getDb().auditEvent.count({ where: { action: "workload_issuer.withdrawn" } })).toBe(1);
    expect(await getDb().auditEvent.count({ where: { action: "grant.policy_drift", subjectId: g.id } })).toBe(1);
    // Its tokens are refused from now on.
    expect((await post(await jwt())).json.error).toMatchObject({ code: "unauthenticated", details: { reason: "unknown_issuer" } });
  });
});
