import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setProcessEnv } from "../env";
import { useFreshDatabase } from "../testing/database";
import { createUser } from "../testing/factories";
import { createApiToken } from "../api-tokens/create-api-token";
import { systemActor } from "../authz";
import { closeAllDrivers } from "../issuers/registry";
import * as identities from "../../app/api/v1/identities/route";
import * as identity from "../../app/api/v1/identities/[id]/route";
import * as issuers from "../../app/api/v1/issuers/route";
import * as entitlements from "../../app/api/v1/entitlements/route";
import * as exceptions from "../../app/api/v1/exceptions/route";
import * as accept from "../../app/api/v1/exceptions/[id]/accept/route";
import * as audit from "../../app/api/v1/audit/route";
import * as verify from "../../app/api/v1/audit/verify/route";
import * as metrics from "../../app/api/v1/metrics/privilege/route";
import * as prometheus from "../../app/api/v1/metrics/prometheus/route";

// The rest of the contract in DESIGN.md: inventory, issuers, entitlements, exceptions, audit
// export and verification, metrics — each with its bad inputs.

const ADMIN = "contract-tests-admin-token-0123456789abcdef";
let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let ownerToken: string, securityToken: string, owner: Awaited<ReturnType<typeof createUser>>;

type Handler = (req: Request, ctx?: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function call(handler: Handler, opts: { token?: string; body?: unknown; params?: Record<string, string>; query?: string; method?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.token ?? ADMIN}` };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await handler(
    new Request(`http://t/api/v1/x${opts.query ?? ""}`, { method: opts.method ?? (opts.body !== undefined ? "POST" : "GET"), headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }),
    { params: Promise.resolve(opts.params ?? {}) },
  );
  const text = await res.text();
  let json: any = text;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json, text, headers: res.headers };
}

beforeAll(async () => {
  database = await useFreshDatabase();
  setProcessEnv({ HOURGLASS_ADMIN_TOKEN: ADMIN });
  owner = await createUser(["owner", "requester"]);
  const security = await createUser(["security"]);
  ownerToken = (await createApiToken({ actor: owner, user: owner.email, scopes: ["identity:read", "exception:propose", "exception:read"] })).token;
  securityToken = (await createApiToken({ actor: security, user: security.email, scopes: ["exception:review", "exception:read", "audit:read", "metrics:read"] })).token;
});
afterAll(async () => {
  setProcessEnv({ HOURGLASS_ADMIN_TOKEN: undefined });
  await closeAllDrivers();
  await database.drop();
});

describe("issuers and entitlements", () => {
  it("creates an issuer with its secret sealed, and refuses bad configurations", async () => {
    const ok = await call(issuers.POST, { body: { name: "tokens", type: "token", config: { audience: "https://api.test" } } });
    expect(ok.status).toBe(201);
    const wh = await call(issuers.POST, { body: { name: "erp", type: "webhook", config: { url: "http://127.0.0.1:9/hook", hmacSecret: "0123456789abcdef0123" } } });
    expect(wh.status).toBe(201);
    expect(JSON.stringify((await call(issuers.GET)).json)).not.toContain("0123456789abcdef0123");
    expect((await call(issuers.POST, { body: { name: "x", type: "ldap", config: {} } })).status).toBe(400);
    expect((await call(issuers.POST, { body: { name: "pg", type: "postgres", config: { url: "mysql://nope" } } })).status).toBe(400);
    expect((await call(issuers.POST, { body: { name: "tokens", type: "token", config: { audience: "https://api.test" } } })).status).toBe(409);
    expect((await call(issuers.POST, { token: ownerToken, body: { name: "t2", type: "token", config: { audience: "a" } } })).status).toBe(403);
  });

  it("creates an entitlement whose target fits its issuer", async () => {
    const ok = await call(entitlements.POST, { body: { name: "orders-api-read", issuer: "tokens", target: { scope: "orders:read" }, environment: "prod", riskTier: "medium", maxDuration: "PT1H", approvalsRequired: 1 } });
    expect(ok.status).toBe(201);
    expect((await call(entitlements.POST, { body: { name: "e2", issuer: "nope", target: {}, environment: "prod", riskTier: "low", maxDuration: "PT1H" } })).status).toBe(404);
    expect((await call(entitlements.POST, { body: { name: "e3", issuer: "tokens", target: { role: "x" }, environment: "prod", riskTier: "low", maxDuration: "PT1H" } })).status).toBe(400);
    expect((await call(entitlements.POST, { body: { name: "e4", issuer: "tokens", target: { scope: "a" }, environment: "prod", riskTier: "low", maxDuration: "an hour" } })).status).toBe(400);
    expect((await call(entitlements.GET)).json.entitlements).toHaveLength(1);
  });
});

describe("identities", () => {
  it("creates, reads, lists and patches an identity, refusing bad rows like the import does", async () => {
    const created = await call(identities.POST, { body: { name: "svc-orders", kind: "service_account", environment: "prod", owner: owner.email, workload: { issuer: "https://token.actions.githubusercontent.com", subject: "repo:n/orders:*" } } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: "svc-orders", workload: { subject: "repo:n/orders:*" } });
    const bad = await call(identities.POST, { body: { name: "svc-x", kind: "robot", environment: "prod" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/kind/);
    expect((await call(identities.POST, { body: { name: "svc-y", kind: "bot", environment: "prod", owner: "ghost@nowhere" } })).status).toBe(400);
    expect((await call(identities.POST, { body: { name: "svc-z", kind: "bot", environment: "prod", admin: true } })).status).toBe(400);
    expect((await call(identity.GET, { params: { id: "svc-orders" } })).json.name).toBe("svc-orders");
    expect((await call(identity.GET, { params: { id: "svc-ghost" } })).status).toBe(404);
    const patched = await call(identity.PATCH, { method: "PATCH", params: { id: "svc-orders" }, body: { criticality: "critical" } });
    expect(patched.json).toMatchObject({ criticality: "critical" });
    expect((await call(identity.PATCH, { method: "PATCH", params: { id: "svc-orders" }, body: {} })).status).toBe(400);
    expect((await call(identity.PATCH, { method: "PATCH", params: { id: "svc-orders" }, body: { environment: "moon" } })).status).toBe(400);
    const list = await call(identities.GET, { token: ownerToken, query: "?sort=name&dir=asc" });
    expect(list.json.total).toBe(1);
    expect((await call(identities.POST, { token: ownerToken, body: { name: "svc-w", kind: "bot", environment: "prod" } })).status).toBe(403);
  });
});

describe("exceptions", () => {
  it("proposes with the owner's token; security accepts; bad inputs are 4xx", async () => {
    const endsAt = new Date(Date.now() + 20 * 86400_000).toISOString();
    const body = { identity: "svc-orders", entitlement: "orders-api-read", justification: "the nightly export cannot use short-lived tokens yet", riskRating: "medium", compensatingControls: "read scope only, export job IP allow-list", endsAt };
    const p = await call(exceptions.POST, { token: ownerToken, body });
    expect(p.status).toBe(201);
    expect(p.json.status).toBe("proposed");
    expect((await call(exceptions.POST, { token: ownerToken, body: { ...body, endsAt: "tomorrow-ish" } })).status).toBe(400);
    expect((await call(exceptions.POST, { token: ownerToken, body: { ...body, identity: "svc-ghost" } })).status).toBe(404);
    expect((await call(accept.POST, { token: ownerToken, params: { id: p.json.id }, body: {} })).status).toBe(403);
    const a = await call(accept.POST, { token: securityToken, params: { id: p.json.id }, body: { comment: "controls checked" } });
    expect(a.json.status).toBe("accepted");
    expect((await call(accept.POST, { token: securityToken, params: { id: "nope" }, body: {} })).status).toBe(404);
    expect((await call(exceptions.GET, { token: securityToken, query: "?status=accepted" })).json.total).toBe(1);
  });
});

describe("audit and metrics", () => {
  it("exports the audit trail as NDJSON pages and verifies the chain", async () => {
    const page = await call(audit.GET, { token: securityToken });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = page.text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(3);
    expect(lines[0]).toHaveProperty("hash");
    expect((await call(audit.GET, { token: securityToken, query: "?cursor=abc" })).status).toBe(400);
    const filtered = await call(audit.GET, { token: securityToken, query: "?action=exception." });
    const filteredLines = filtered.text.trim().split("\n").map((l) => JSON.parse(l));
    expect(filteredLines.length).toBeGreaterThan(0);
    expect(filteredLines.every((e) => e.action.startsWith("exception."))).toBe(true);
    expect((await call(audit.GET, { token: securityToken, query: "?identity=not-a-uuid" })).status).toBe(400);
    expect((await call(audit.GET, { token: securityToken, query: "?colour=red" })).status).toBe(400);
    expect((await call(audit.GET, { token: ownerToken })).status).toBe(403);
    expect((await call(verify.GET, { token: securityToken })).json).toMatchObject({ ok: true });
  });

  it("serves the privilege metrics to those who may read them", async () => {
    const m = await call(metrics.GET, { token: securityToken });
    expect(m.json).toHaveProperty("revocationLagSeconds");
    const week = await call(metrics.GET, { token: securityToken, query: "?range=7d&by=issuer" });
    expect(week.json).toMatchObject({ by: "issuer", bucket: "day", windowDays: 7 });
    const bad = await call(metrics.GET, { token: securityToken, query: "?by=colour" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("bad_request");
    const prom = await call(prometheus.GET, { token: securityToken });
    expect(prom.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    expect(prom.text).toContain("# TYPE hourglass_revocation_lag_seconds histogram");
    expect((await call(prometheus.GET, { token: ownerToken })).status).toBe(403);
    expect((await call(metrics.GET, { token: ownerToken })).status).toBe(403);
  });
});
