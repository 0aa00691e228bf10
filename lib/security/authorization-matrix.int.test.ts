import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setProcessEnv } from "../env";
import { useFreshDatabase } from "../testing/database";
import { createIdentity, createUser } from "../testing/factories";
import { createApiToken } from "../api-tokens/create-api-token";
import { randomBytes } from "node:crypto";
import { getDb } from "../db";
import { sha256Hex } from "../crypto/seal";
import { machinePermissions, permissions, permissionsOf, rolePermissions, roles, systemActor, type Permission, type RoleName } from "../authz";
import { resetRateLimits } from "../web/rate-limit";
import { closeAllDrivers } from "../issuers/registry";
import { loadApiRoutes, type ApiRoute } from "../testing/api-routes";

// Every route of the machine API × every principal: no token, a wrong token, an identity's
// token, and a token of each role carrying all that role's permissions. What each route needs is
// written below; who holds it comes from the role table (lib/authz.ts). A principal without it
// must never succeed; a principal with it must never be refused as unauthenticated or forbidden;
// nobody gets a 500. Bodies are empty and ids name nothing, so a holder's answer is a 2xx, a 400
// or a 404 — never 401 or 403.

const ADMIN = "matrix-bootstrap-admin-token-0123456789abcdef";
const NOBODY = "00000000-0000-4000-8000-000000000000";

type Needs = { public: true } | { any: Permission[] } | { authenticated: true };
const anyOf = (...p: Permission[]): Needs => ({ any: p });
const authenticated: Needs = { authenticated: true };
const open: Needs = { public: true };

/** "METHOD /path" → what opens it. A route missing here fails the test. */
const needs: Record<string, Needs> = {
  "POST /access-requests": anyOf("request:create"),
  "GET /access-requests/[id]": authenticated, // the requester's own, or request:read_all
  "POST /access-requests/[id]/cancel": authenticated, // the requester's own
  "POST /access-requests/[id]/approve": anyOf("request:approve"),
  "POST /access-requests/[id]/deny": anyOf("request:approve"),
  "GET /audit": anyOf("audit:read"),
  "GET /audit/verify": anyOf("audit:read"),
  "GET /audit/checkpoints": anyOf("audit:read"),
  "POST /audit/checkpoints": anyOf("audit:read"),
  "POST /delegations": authenticated, // an admin or the principal's owner: decided on the identities named
  "POST /delegations/withdraw": authenticated,
  "GET /entitlements": anyOf("admin:entitlements", "request:create", "request:read_all"),
  "POST /entitlements": anyOf("admin:entitlements"),
  "GET /exceptions": anyOf("exception:read"),
  "POST /exceptions": anyOf("exception:propose"),
  "POST /exceptions/[id]/accept": anyOf("exception:review"),
  "POST /exceptions/[id]/renew": anyOf("exception:propose"),
  "POST /exceptions/[id]/revoke": anyOf("exception:review", "exception:propose"),
  "GET /grants": anyOf("grant:read_all", "request:create"),
  "GET /grants/[id]": authenticated, // its holder's, or grant:read_all
  "POST /grants/[id]/revoke": authenticated,
  "POST /grants/[id]/extend": anyOf("request:create"),
  "POST /grants/[id]/usage": authenticated,
  "GET /health": open,
  "GET /identities": anyOf("identity:read"),
  "POST /identities": anyOf("identity:write"),
  "GET /identities/[id]": anyOf("identity:read"),
  "PATCH /identities/[id]": anyOf("identity:write"),
  "POST /identities/import": anyOf("identity:write"),
  "GET /issuers": anyOf("admin:issuers"),
  "POST /issuers": anyOf("admin:issuers"),
  "GET /issuers/[id]/drills": anyOf("admin:issuers"),
  "POST /issuers/[id]/drills": anyOf("admin:issuers"),
  "PATCH /issuers/[id]/drills": anyOf("admin:issuers"),
  "GET /metrics/privilege": anyOf("metrics:read"),
  "GET /metrics/prometheus": anyOf("metrics:read"),
  "GET /openapi.json": open,
  "GET /policies": anyOf("admin:policies"),
  "POST /policies": anyOf("admin:policies"),
  "GET /tokens/revoked": open,
  "POST /tokens": authenticated, // a user's own token, or admin:tokens for an identity's
  "GET /workload-issuers": anyOf("admin:issuers"),
  "POST /workload-issuers": anyOf("admin:issuers"),
  "PATCH /workload-issuers/[id]": anyOf("admin:issuers"),
};

type Principal = { name: string; token: string | null; held: ReadonlySet<Permission> | "none" };
let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let routes: ApiRoute[] = [];
const principals: Principal[] = [];

beforeAll(async () => {
  database = await useFreshDatabase();
  setProcessEnv({ HOURGLASS_ADMIN_TOKEN: ADMIN });
  routes = await loadApiRoutes();

  principals.push({ name: "no token", token: null, held: "none" });
  principals.push({ name: "a wrong token", token: "hgt_not-a-token-at-all-0123456789", held: "none" });
  const identity = await createIdentity();
  const identityToken = (await createApiToken({ actor: systemActor("test"), identity: identity.id, scopes: [...machinePermissions] })).token;
  principals.push({ name: "an identity's token", token: identityToken, held: new Set(machinePermissions) });
  // A token stored before identity tokens were cut to machine scopes, holding every permission:
  // it still gets machine scopes only.
  const legacy = `hgt_legacy-${randomBytes(16).toString("hex")}`;
  await getDb().apiToken.create({ data: { name: "legacy", prefix: legacy.slice(0, 12), tokenHash: sha256Hex(legacy), identityId: identity.id, scopes: [...permissions] } });
  principals.push({ name: "an identity's token stored with every scope", token: legacy, held: new Set(machinePermissions) });
  for (const role of roles) {
    const user = await createUser([role as RoleName]);
    const all = [...rolePermissions[role]];
    const token = (await createApiToken({ actor: user, user: user.email, scopes: all })).token;
    principals.push({ name: `${role}'s token`, token, held: permissionsOf(user) });
  }
});
beforeEach(() => resetRateLimits());
afterAll(async () => {
  setProcessEnv({ HOURGLASS_ADMIN_TOKEN: undefined });
  await closeAllDrivers();
  await database.drop();
});

function expected(n: Needs, p: Principal): "allowed" | "refused" {
  if ("public" in n) return "allowed";
  if (p.held === "none") return "refused";
  if ("authenticated" in n) return "allowed";
  return n.any.some((x) => (p.held as ReadonlySet<Permission>).has(x)) ? "allowed" : "refused";
}

async function call(route: ApiRoute, token: string | null) {
  const url = `http://hourglass.test/api/v1${route.key.split(" ")[1].replaceAll("[id]", NOBODY)}`;
  const hasBody = route.method !== "GET";
  const res = await route.handler(
    new Request(url, { method: route.method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(hasBody ? { "content-type": "application/json" } : {}) }, body: hasBody ? "{}" : undefined }),
    { params: Promise.resolve({ id: NOBODY }) },
  );
  return res.status;
}

describe("authorization matrix of the machine API", () => {
  it("lists every route", () => {
    expect(routes.map((r) => r.key).filter((k) => !(k in needs))).toEqual([]);
    expect(Object.keys(needs).filter((k) => !routes.some((r) => r.key === k))).toEqual([]);
  });

  it("gives each principal exactly what the role table allows, and never a 500", async () => {
    const wrong: string[] = [];
    let cells = 0;
    for (const route of routes) {
      for (const p of principals) {
        const status = await call(route, p.token);
        cells++;
        const want = expected(needs[route.key], p);
        const ok = status < 500 && (want === "allowed" ? status !== 401 && status !== 403 : status >= 400 && status !== 429);
        if (!ok) wrong.push(`${route.key} as ${p.name}: ${status} (expected ${want})`);
      }
    }
    console.info(`authorization matrix: ${routes.length} routes × ${principals.length} principals = ${cells} cells`);
    expect(wrong).toEqual([]);
    expect(cells).toBe(routes.length * principals.length);
  });
});
