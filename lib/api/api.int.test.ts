import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { setProcessEnv } from "../env";
import { useFreshDatabase } from "../testing/database";
import { createUser } from "../testing/factories";
import { createApiToken } from "../api-tokens/create-api-token";
import { systemActor, type Permission } from "../authz";
import { issueDueGrants } from "../grants/issue-due-grants";
import { verifyHourglassToken } from "../issuers/token";
import { verifyAuditChain } from "../audit";
import { resetRateLimits } from "../web/rate-limit";
import { closeAllDrivers } from "../issuers/registry";
import * as accessRequests from "../../app/api/v1/access-requests/route";
import * as accessRequest from "../../app/api/v1/access-requests/[id]/route";
import * as approve from "../../app/api/v1/access-requests/[id]/approve/route";
import * as deny from "../../app/api/v1/access-requests/[id]/deny/route";
import * as cancel from "../../app/api/v1/access-requests/[id]/cancel/route";
import * as grants from "../../app/api/v1/grants/route";
import * as grant from "../../app/api/v1/grants/[id]/route";
import * as revoke from "../../app/api/v1/grants/[id]/revoke/route";
import * as extend from "../../app/api/v1/grants/[id]/extend/route";
import * as usage from "../../app/api/v1/grants/[id]/usage/route";
import * as tokens from "../../app/api/v1/tokens/route";
import * as openapi from "../../app/api/v1/openapi.json/route";
import * as policies from "../../app/api/v1/policies/route";

// The machine API through its real route handlers (Request in, Response out) on a real database
// with the real token issuer.

const ADMIN = "bootstrap-admin-token-0123456789abcdef0123";
let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let agentToken: string, serviceToken: string, approverToken: string, requesterUserToken: string;
let service: { id: string; name: string }, agent: { id: string; name: string }, other: { id: string; name: string };

type Handler = (req: Request, ctx?: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function call(handler: Handler, opts: { token?: string | null; method?: string; body?: unknown; raw?: string; headers?: Record<string, string>; params?: Record<string, string>; query?: string } = {}) {
  const headers: Record<string, string> = { ...(opts.token === null ? {} : { authorization: `Bearer ${opts.token ?? serviceToken}` }), ...opts.headers };
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await handler(new Request(`http://hourglass.test/api/v1/x${opts.query ?? ""}`, { method: opts.method ?? (body !== undefined ? "POST" : "GET"), headers, body }), { params: Promise.resolve(opts.params ?? {}) });
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
}

const scopes = (...p: Permission[]) => p;

beforeAll(async () => {
  database = await useFreshDatabase();
  setProcessEnv({ HOURGLASS_ADMIN_TOKEN: ADMIN });
  const db = getDb();
  const issuer = await db.issuer.create({ data: { name: "tokens", type: "token", config: { audience: "https://api.test" } } });
  await db.entitlement.create({ data: { name: "orders-api-read", issuerId: issuer.id, target: { scope: "orders:read" }, environment: "prod", riskTier: "low", maxDurationSec: 3600, defaultDurationSec: 600, approvalsRequired: 0 } });
  await db.entitlement.create({ data: { name: "orders-api-write", issuerId: issuer.id, target: { scope: "orders:write" }, environment: "prod", riskTier: "medium", maxDurationSec: 1800, defaultDurationSec: 600, approvalsRequired: 1 } });
  const team = await db.team.create({ data: { name: "orders-team" } });
  service = await db.identity.create({ data: { name: "svc-orders", kind: "service_account", environment: "prod", system: "orders", ownerTeamId: team.id } });
  agent = await db.identity.create({ data: { name: "agent-triage", kind: "ai_agent", environment: "prod", system: "support", ownerTeamId: team.id } });
  other = await db.identity.create({ data: { name: "svc-payments", kind: "service_account", environment: "prod", system: "payments", ownerTeamId: team.id } });
  const read = await db.entitlement.findUniqueOrThrow({ where: { name: "orders-api-read" } });
  await db.delegation.create({ data: { agentId: agent.id, principalId: service.id, entitlementIds: [read.id], endsAt: new Date(Date.now() + 86400_000), reason: "triage reads orders" } });
  const admin = systemActor("test");
  serviceToken = (await createApiToken({ actor: admin, identity: service.name, scopes: scopes("request:create") })).token;
  agentToken = (await createApiToken({ actor: admin, identity: agent.id, scopes: scopes("request:create") })).token;
  const approver = await createUser(["approver"]);
  approverToken = (await createApiToken({ actor: approver, user: approver.email, scopes: scopes("request:approve", "request:read_all", "grant:read_all") })).token;
  const requester = await createUser(["requester"]);
  requesterUserToken = (await createApiToken({ actor: requester, user: requester.id, scopes: scopes("request:create") })).token;
});
beforeEach(() => resetRateLimits());
afterAll(async () => {
  setProcessEnv({ HOURGLASS_ADMIN_TOKEN: undefined });
  await closeAllDrivers();
  await database.drop();
});

const ask = (extra: Record<string, unknown> = {}, token?: string, headers?: Record<string, string>) =>
  call(accessRequests.POST, { token, headers, body: { identity: "svc-orders", entitlement: "orders-api-read", duration: "PT10M", justification: "nightly export of orders", context: { ticket: "OPS-77" }, ...extra } });

describe("authentication", () => {
  it.each([
    ["no header", null, undefined, /Authorization: Bearer/],
    ["not a bearer", "x", { authorization: "Basic abc" }, /must be `Bearer <token>`/],
    ["unknown token", "hgt_nope", undefined, /Unknown token/],
  ])("refuses %s with 401 and a code", async (_name, token, headers, message) => {
    const r = await call(grants.GET, { token: token === "x" ? null : token, headers });
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe("unauthenticated");
    expect(r.json.error.message).toMatch(message);
  });

  it("refuses revoked and expired tokens", async () => {
    const t = await createApiToken({ actor: systemActor("test"), identity: service.id, scopes: ["request:create"], expiresIn: "PT1M" });
    await getDb().apiToken.update({ where: { id: t.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await call(grants.GET, { token: t.token })).json.error.message).toMatch(/expired/);
    await getDb().apiToken.update({ where: { id: t.id }, data: { expiresAt: null, revokedAt: new Date() } });
    expect((await call(grants.GET, { token: t.token })).json.error.message).toMatch(/revoked/);
  });
});

describe("access requests", () => {
  it("auto-approves, issues at once and returns the credential in the 201, once", async () => {
    const r = await ask();
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ status: "approved", identity: "svc-orders", entitlement: "orders-api-read", duration: "PT10M", decision: { outcome: "auto_approve" }, grant: { status: "active" } });
    expect(r.json.grant.credential).toMatchObject({ type: "jwt", token: expect.stringMatching(/^ey/) });
    const again = await call(accessRequest.GET, { params: { id: r.json.id } });
    expect(again.status).toBe(200);
    expect(again.json.grant.credential).toBeUndefined();
    // The answer was built from the rows written: it matches what a later read sees.
    expect(again.json.grant).toMatchObject({ id: r.json.grant.id, status: "active", issuedAt: r.json.grant.issuedAt, expiresAt: r.json.grant.expiresAt });
    // The token verifies against the published keys and names this grant.
    const verified = await verifyHourglassToken(getDb(), r.json.grant.credential.token, { audience: "https://api.test" });
    expect(verified).toMatchObject({ jti: r.json.grant.id, sub: "svc-orders", scope: "orders:read" });
    // Handed over in the response only: never stored, not even sealed; issue and delivery audited.
    const row = await getDb().grant.findUniqueOrThrow({ where: { id: r.json.grant.id } });
    expect(row).toMatchObject({ status: "active", credentialSealed: null, attempts: 0, nextAttemptAt: null, issuerRef: r.json.grant.id });
    expect(row.credentialDeliveredAt).not.toBeNull();
    const events = await getDb().auditEvent.findMany({ where: { subjectId: { in: [r.json.id, r.json.grant.id] } }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["request.created", "request.auto_approved", "grant.issued", "grant.credential_delivered"]);
    expect(events.at(-1)).toMatchObject({ actorType: "identity", actorLabel: expect.stringContaining("svc-orders") });
    expect((await verifyAuditChain({ db: getDb(), actor: systemActor("test") })).ok).toBe(true);
  });

  it("routes to approvers; an approver's token approves; the requester's first read gets the credential", async () => {
    const r = await ask({ entitlement: "orders-api-write" });
    expect(r.json).toMatchObject({ status: "pending", approvals: { given: 0, required: 1 } });
    expect((await call(approve.POST, { token: serviceToken, params: { id: r.json.id }, body: {} })).status).toBe(403);
    const ok = await call(approve.POST, { token: approverToken, params: { id: r.json.id }, body: { comment: "fine" } });
    expect(ok.json.status).toBe("approved");
    await issueDueGrants({ db: getDb() });
    const first = await call(accessRequest.GET, { params: { id: r.json.id } });
    expect(first.json.grant.credential.type).toBe("jwt");
    expect((await call(accessRequest.GET, { params: { id: r.json.id } })).json.grant.credential).toBeUndefined();
    // The approver may read it, but never gets the credential.
    expect((await call(accessRequest.GET, { token: approverToken, params: { id: r.json.id } })).json.grant.credential).toBeUndefined();
  });

  it("denies and cancels", async () => {
    const a = await ask({ entitlement: "orders-api-write" });
    expect((await call(deny.POST, { token: approverToken, params: { id: a.json.id }, body: { comment: "no" } })).json.status).toBe("denied");
    const b = await ask({ entitlement: "orders-api-write" });
    expect((await call(cancel.POST, { token: agentToken, params: { id: b.json.id }, body: {} })).status).toBe(403);
    expect((await call(cancel.POST, { params: { id: b.json.id }, body: {} })).json.status).toBe("cancelled");
    expect((await call(cancel.POST, { params: { id: b.json.id }, body: {} })).status).toBe(409);
  });

  it("lets an agent request on behalf of an identity only where delegation allows it", async () => {
    const ok = await ask({}, agentToken);
    expect(ok.status).toBe(201);
    expect(ok.json.identity).toBe("svc-orders");
    const row = await getDb().accessRequest.findUniqueOrThrow({ where: { id: ok.json.id } });
    expect(row).toMatchObject({ requesterIdentityId: agent.id, onBehalfOf: [agent.id] });
    const refused = await ask({ identity: other.name }, agentToken);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/may not request orders-api-read on behalf of svc-payments: no delegation/);
    expect((await ask({ identity: other.name })).status).toBe(403);
  });

  it("honours Idempotency-Key: same body replays, another body conflicts", async () => {
    const key = { "idempotency-key": "export-2026-11-27" };
    const first = await ask({}, undefined, key);
    const replay = await ask({}, undefined, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.json.id).toBe(first.json.id);
    expect(replay.json.grant.credential).toBeUndefined();
    const conflict = await ask({ duration: "PT5M" }, undefined, key);
    expect(conflict.status).toBe(409);
    expect(conflict.json.error.details.reason).toBe("idempotency_key_reused");
    expect(await getDb().accessRequest.count({ where: { justification: "nightly export of orders", durationSec: 600, requesterIdentityId: service.id } })).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ["malformed JSON", { raw: "{nope", headers: { "content-type": "application/json" } }, 400, "bad_request"],
    ["an array", { body: [] }, 400, "validation_failed"],
    ["wrong types", { body: { identity: 5, entitlement: true, duration: 10, justification: [] } }, 400, "validation_failed"],
    ["unknown fields", { body: { identity: "svc-orders", entitlement: "orders-api-read", duration: "PT10M", justification: "a long enough reason", admin: true } }, 400, "validation_failed"],
    ["a bad duration", { body: { identity: "svc-orders", entitlement: "orders-api-read", duration: "10 minutes", justification: "a long enough reason" } }, 400, "validation_failed"],
    ["too long a duration", { body: { identity: "svc-orders", entitlement: "orders-api-read", duration: "PT2H", justification: "a long enough reason" } }, 400, "validation_failed"],
    ["an unknown identity", { body: { identity: "svc-nobody", entitlement: "orders-api-read", duration: "PT10M", justification: "a long enough reason" } }, 404, "not_found"],
    ["an unknown entitlement", { body: { identity: "svc-orders", entitlement: "00000000-0000-4000-8000-000000000000", duration: "PT10M", justification: "a long enough reason" } }, 404, "not_found"],
    ["text/plain", { raw: "{}", headers: { "content-type": "text/plain" } }, 415, "unsupported_media_type"],
    ["an oversize body", { body: { identity: "svc-orders", entitlement: "orders-api-read", duration: "PT10M", justification: "x".repeat(70_000) } }, 413, "payload_too_large"],
  ])("refuses %s with a clear 4xx", async (_name, opts, status, code) => {
    const r = await call(accessRequests.POST, opts as never);
    expect(r.status).toBe(status);
    expect(r.json.error.code).toBe(code);
    expect(r.json.error.message.length).toBeGreaterThan(5);
  });

  it.each([
    ["GET request", accessRequest.GET, {}],
    ["approve", approve.POST, { body: {} }],
    ["deny", deny.POST, { body: {} }],
    ["cancel", cancel.POST, { body: {} }],
    ["GET grant", grant.GET, {}],
    ["revoke", revoke.POST, { body: { reason: "done early" } }],
    ["extend", extend.POST, { body: { duration: "PT5M", justification: "needs a little longer" } }],
    ["usage", usage.POST, { body: {} }],
  ] as const)("%s: an id that is not a uuid or names nothing is a 404", async (_name, handler, opts) => {
    for (const id of ["nope", "00000000-0000-4000-8000-000000000000"]) {
      // Approvals need a person's token; the bootstrap admin has every other permission.
      const token = handler === approve.POST || handler === deny.POST ? approverToken : ADMIN;
      const r = await call(handler as Handler, { token, params: { id }, ...opts });
      expect(r.status).toBe(404);
      expect(r.json.error.code).toBe("not_found");
    }
  });
});

describe("grants", () => {
  it("lists the identity's own grants, reports use, and revokes", async () => {
    const r = await ask();
    const id = r.json.grant.id;
    const list = await call(grants.GET, { query: "?status=active&limit=2" });
    expect(list.status).toBe(200);
    expect(list.json.grants.every((g: { identity: string }) => g.identity === "svc-orders")).toBe(true);
    expect(list.json.grants.length).toBeLessThanOrEqual(2);
    expect((await call(grants.GET, { query: "?status=bogus" })).status).toBe(400);
    expect((await call(grants.GET, { query: "?cursor=zzz" })).status).toBe(400);
    const used = await call(usage.POST, { params: { id }, body: { count: 3 } });
    expect(used.json.useCount).toBe(3);
    expect((await call(usage.POST, { params: { id }, body: { count: "three" } })).status).toBe(400);
    // Only the grant's identity or its requester reports use.
    expect((await call(usage.POST, { token: agentToken, params: { id }, body: {} })).status).toBe(403);
    const other = await call(revoke.POST, { params: { id }, body: {} });
    expect(other.status).toBe(400);
    const revoked = await call(revoke.POST, { params: { id }, body: { reason: "export finished" } });
    expect(revoked.json.status).toBe("revoking");
    expect((await call(revoke.POST, { params: { id }, body: { reason: "again" } })).status).toBe(409);
  });

  it("asks for an extension as a new decision", async () => {
    const r = await ask({ entitlement: "orders-api-read" });
    const ext = await call(extend.POST, { params: { id: r.json.grant.id }, body: { duration: "PT5M", justification: "the export runs long" } });
    expect(ext.status).toBe(200);
    expect(ext.json.status).toBe("approved");
    expect((await call(extend.POST, { params: { id: r.json.grant.id }, body: { duration: "5m", justification: "the export runs long" } })).status).toBe(400);
  });
});

describe("tokens, rate limits, OpenAPI", () => {
  it("creates tokens for the bootstrap admin only, shown once and stored hashed", async () => {
    const r = await call(tokens.POST, { token: ADMIN, body: { identity: "svc-orders", scopes: ["request:create"], expiresIn: "P30D" } });
    expect(r.status).toBe(201);
    expect(r.json.token).toMatch(/^hgt_/);
    expect(await getDb().apiToken.count({ where: { tokenHash: r.json.token } })).toBe(0);
    expect((await call(tokens.POST, { body: { identity: "svc-orders", scopes: ["request:create"] } })).status).toBe(403);
    expect((await call(tokens.POST, { token: ADMIN, body: { identity: "svc-orders", scopes: ["root"] } })).status).toBe(400);
    expect((await call(tokens.POST, { token: ADMIN, body: { identity: "svc-orders", user: "a@b.c", scopes: ["request:create"] } })).status).toBe(400);
    expect((await call(tokens.POST, { token: ADMIN, body: { identity: "svc-ghost", scopes: ["request:create"] } })).status).toBe(404);
  });

  it("answers 429 with Retry-After once a token's burst is spent", async () => {
    let last: Awaited<ReturnType<typeof call>> | undefined;
    // A slow refill, so the burst is spent however long each call takes on a busy machine.
    setProcessEnv({ HOURGLASS_API_RATE_PER_SECOND: "2", HOURGLASS_API_BURST: "20" });
    let calls = 0;
    try {
      for (; calls < 200 && last?.status !== 429; calls++) last = await call(grant.GET, { token: requesterUserToken, params: { id: "nope" } });
    } finally {
      setProcessEnv({ HOURGLASS_API_RATE_PER_SECOND: undefined, HOURGLASS_API_BURST: undefined });
    }
    expect(calls).toBeGreaterThan(20);
    expect(last!.status).toBe(429);
    expect(last!.json.error.code).toBe("rate_limited");
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await call(grant.GET, { params: { id: "nope" } })).status).toBe(404); // other tokens are not affected
  });

  it("reads and replaces the policy set (admin only), refusing text that does not validate with its line", async () => {
    const current = await call(policies.GET, { token: ADMIN });
    expect(current.json).toMatchObject({ version: 1, ids: expect.arrayContaining(["prod-needs-reference"]) });
    expect((await call(policies.GET)).status).toBe(403);
    const bad = await call(policies.POST, { token: ADMIN, body: { text: `${current.json.text}\npermit(principal, action, resource) when { context.nope };`, comment: "typo" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/line \d+/);
    expect(bad.json.error.details.problems[0].line).toBeGreaterThan(1);
    expect((await call(policies.POST, { token: ADMIN, body: ["not", "an", "object"] })).status).toBe(400);
    expect((await call(policies.POST, { token: ADMIN, body: { text: 42, comment: "wrong type" } })).status).toBe(400);
    const ok = await call(policies.POST, { token: ADMIN, body: { text: current.json.text, comment: "same rules, new version" } });
    expect(ok.status).toBe(201);
    expect(ok.json.version).toBe(2);
  });

  it("serves an OpenAPI 3.1 document built from the validation schemas", async () => {
    const doc = await openapi.GET().json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/api/v1/access-requests");
    expect(doc.components.schemas.CreateAccessRequest.required).toEqual(expect.arrayContaining(["identity", "entitlement", "duration", "justification"]));
  });
});
