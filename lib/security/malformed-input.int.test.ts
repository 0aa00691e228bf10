import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setProcessEnv } from "../env";
import { useFreshDatabase } from "../testing/database";
import { createIdentity } from "../testing/factories";
import { closeAllDrivers } from "../issuers/registry";
import { resetRateLimits } from "../web/rate-limit";
import { loadApiRoutes, type ApiRoute } from "../testing/api-routes";

// Every route of the machine API, called by an admin with input built to break it: NUL bytes,
// numbers past any column, repeated query parameters, prototype keys, wrong types. Each answer is
// a clear 4xx `{error: {code, message}}` (or a success that ignored nothing it should not), never
// a 500.

const ADMIN = "malformed-bootstrap-admin-token-0123456789abcdef";
const NOBODY = "00000000-0000-4000-8000-000000000000";
const QUERY_PARAMS = ["cursor", "before", "from", "to", "range", "by", "action", "actor", "identity", "subjectType", "subjectId", "status", "environment", "q", "limit", "page", "full", "kind", "owner"];
const BAD_VALUES = ["\u0000", "a\u0000b", "99999999999999999999", "9999999999999999999", "-1", "1e400", "NaN", "__proto__", "x".repeat(5000)];
const BODY_FIELDS = ["identity", "entitlement", "duration", "justification", "ticket", "reason", "comment", "name", "type", "config", "issuer", "audience", "scopes", "boundTo", "user", "expiresIn", "onBehalfOf", "agent", "principal", "entitlements", "endsAt", "policies", "source", "status", "owner"];
const BAD_FIELD_VALUES: unknown[] = ["\u0000", "svc\u0000orders", 1e308, -1, true, [], {}, ["\u0000"], { __proto__: { admin: true } }, "x".repeat(100_000)];

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let routes: ApiRoute[] = [];
let identityName = "";

beforeAll(async () => {
  database = await useFreshDatabase();
  setProcessEnv({ HOURGLASS_ADMIN_TOKEN: ADMIN });
  routes = await loadApiRoutes();
  identityName = (await createIdentity()).name;
});
afterAll(async () => {
  setProcessEnv({ HOURGLASS_ADMIN_TOKEN: undefined });
  await closeAllDrivers();
  await database.drop();
});

async function send(route: ApiRoute, opts: { query?: string; raw?: string }): Promise<{ status: number; text: string }> {
  await resetRateLimits();
  const url = `http://hourglass.test/api/v1${route.key.split(" ")[1].replaceAll("[id]", NOBODY)}${opts.query ?? ""}`;
  const hasBody = route.method !== "GET";
  const res = await route.handler(
    new Request(url, { method: route.method, headers: { authorization: `Bearer ${ADMIN}`, ...(hasBody ? { "content-type": "application/json" } : {}) }, body: hasBody ? (opts.raw ?? "{}") : undefined }),
    { params: Promise.resolve({ id: NOBODY }) },
  );
  return { status: res.status, text: await res.text() };
}

function judge(where: string, r: { status: number; text: string }, wrong: string[]) {
  if (r.status >= 500) wrong.push(`${where}: ${r.status}`);
  else if (r.status >= 400) {
    let body: { error?: { code?: unknown; message?: unknown } } = {};
    try {
      body = JSON.parse(r.text);
    } catch {
      /* not JSON */
    }
    if (typeof body.error?.code !== "string" || typeof body.error?.message !== "string") wrong.push(`${where}: ${r.status} without {error: {code, message}}`);
  }
}

describe("malformed input at every route of the machine API", () => {
  it("query parameters: NUL bytes, huge numbers, repeats and prototype names are a 4xx, never a 500", async () => {
    const wrong: string[] = [];
    let calls = 0;
    for (const route of routes.filter((r) => r.method === "GET")) {
      for (const p of QUERY_PARAMS) {
        for (const v of BAD_VALUES) {
          judge(`${route.key}?${p}=${JSON.stringify(v.slice(0, 24))}`, await send(route, { query: `?${p}=${encodeURIComponent(v)}` }), wrong);
          calls++;
        }
        judge(`${route.key}?${p}=a&${p}=b`, await send(route, { query: `?${p}=a&${p}=b` }), wrong);
        calls++;
      }
    }
    console.info(`malformed query parameters: ${calls} calls`);
    expect(wrong).toEqual([]);
  }, 300_000);

  it("bodies: NUL bytes, huge numbers, wrong types and prototype keys in every field are a 4xx, never a 500", async () => {
    const wrong: string[] = [];
    let calls = 0;
    const bodies: string[] = ["{nope", "[]", '"text"', "1e400", "null", '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', `{"identity":"${identityName}\\u0000"}`];
    // One field at a time beside otherwise plausible values, so the bad one reaches past the schema where it can.
    const plausible = { identity: identityName, entitlement: "orders-read", duration: "PT10M", justification: "nightly export of orders", reason: "done early" };
    for (const f of BODY_FIELDS) for (const v of BAD_FIELD_VALUES) bodies.push(JSON.stringify({ ...plausible, [f]: v }));
    for (const route of routes.filter((r) => r.method !== "GET")) {
      for (const raw of bodies) {
        judge(`${route.key} ${raw.slice(0, 60)}`, await send(route, { raw }), wrong);
        calls++;
      }
    }
    console.info(`malformed bodies: ${calls} calls`);
    expect(wrong).toEqual([]);
  }, 300_000);
});
