import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { setProcessEnv } from "../env";
import type { UserActor } from "../authz";
import { useFreshDatabase } from "../testing/database";
import { createIdentity, createUser } from "../testing/factories";
import { createRequest } from "../requests/create-request";
import { findRequestOptions } from "../identities/find-requestable";
import { findEntitlements } from "../entitlements/find-entitlements";
import { createPgIssuer, createPgTarget, type PgTarget } from "../testing/pg-target";
import { startTcpProxy, type TcpProxy } from "../testing/tcp-proxy";
import { closeAllDrivers } from "../issuers/registry";
import { revokeDueGrants } from "../grants/revoke-due-grants";
import { getHealth } from "../health/get-health";
import { getOverview } from "../overview/get-overview";
import { runDrill } from "./run-drill";
import { runDueDrills, nextDrillDue } from "./schedule";
import { findDrills } from "./find-drills";
import { setDrillSchedule } from "./set-drill-schedule";
import { CANARY_GROUP } from "../issuers/postgres";
import { createApiToken } from "../api-tokens/create-api-token";
import { rolePermissions } from "../authz";
import { resetRateLimits } from "../web/rate-limit";
import { sealJson } from "../crypto/seal";
import { startOpsEndpoint, type OpsCall } from "../demo/ops-endpoint";

// Drills against a real PostgreSQL target (reached through a TCP proxy, to take it away mid-drill)
// and the built-in token issuer, on a fresh Hourglass database.

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let admin: UserActor;
let target: PgTarget;
let proxy: TcpProxy;
let issuerId = "";

beforeAll(async () => {
  database = await useFreshDatabase();
  // Notifications on (to a port nobody listens on): the alert is recorded for delivery.
  setProcessEnv({ HOURGLASS_NOTIFY_URL: "http://127.0.0.1:9/hourglass" });
  admin = await createUser(["admin"]);
  target = await createPgTarget();
  proxy = await startTcpProxy(Number(process.env.HOURGLASS_TEST_PG_PORT));
  issuerId = (await createPgIssuer(target, proxy.port)).issuer.id;
}, 60_000);

afterAll(async () => {
  setProcessEnv({ HOURGLASS_NOTIFY_URL: undefined });
  await closeAllDrivers();
  await proxy.close();
  await target.drop();
  await database.drop();
});

async function canaryRoleExists(role: string): Promise<boolean> {
  const u = new URL(process.env.HOURGLASS_TEST_PG_URL!);
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    return (await c.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).rowCount === 1;
  } finally {
    await c.end();
  }
}

describe("revocation drill against a real PostgreSQL", () => {
  it("issues a canary, logs in with it, revokes it, and proves the session is gone and a new login refused", async () => {
    const out = await runDrill(admin, { issuer: issuerId });
    expect(out.error).toBeNull();
    expect(out.ok).toBe(true);
    expect(out.steps.map((s) => [s.name, s.ok])).toEqual([
      ["issue", true],
      ["prove", true],
      ["revoke", true],
      ["verify", true],
    ]);
    expect(out.steps.every((s) => s.durationMs >= 0)).toBe(true);
    expect(out.timeToRevokeMs).toBeGreaterThanOrEqual(0);

    const db = getDb();
    const run = await db.drillRun.findUniqueOrThrow({ where: { id: out.id } });
    expect(run).toMatchObject({ ok: true, trigger: "manual", requestedById: admin.id });
    expect(run.finishedAt).not.toBeNull();
    const grant = await db.grant.findUniqueOrThrow({ where: { id: run.grantId! }, include: { identity: true, entitlement: true } });
    expect(grant).toMatchObject({ drill: true, status: "revoked", requestId: null });
    expect(grant.identity.name).toBe("hourglass-drill-canary");
    expect(grant.entitlement.target).toEqual({ role: CANARY_GROUP });
    // Nothing of the canary is left at the target.
    expect(await canaryRoleExists(grant.issuerRef!)).toBe(false);
    expect(await target.liveSessions()).toBe(0);
    // Audited: requested, issued, revoked, passed.
    const actions = (await db.auditEvent.findMany({ where: { OR: [{ subjectId: issuerId }, { subjectId: grant.id }] }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["drill.requested", "grant.issued", "grant.revoke_requested", "grant.revoked", "drill.passed"]);

    const listed = await findDrills(admin, { issuer: issuerId });
    expect(listed.drills[0]).toMatchObject({ id: out.id, ok: true });
    expect(listed.schedule.intervalSec).toBe(3600);
  });

  it("fails and alerts when the target goes away mid-drill; the canary is left to the revoke worker; red until a drill passes", async () => {
    const db = getDb();
    const out = await runDrill(admin, { issuer: issuerId }, { afterStep: async (name) => void (name === "prove" && proxy.cut()) });
    expect(out.ok).toBe(false);
    expect(out.steps.map((s) => [s.name, s.ok])).toEqual([
      ["issue", true],
      ["prove", true],
      ["revoke", false],
    ]);
    expect(out.steps[2].error).toBeTruthy();
    expect(out.error).toMatch(/^revoke: /);

    const alert = await db.notificationDelivery.findFirst({ where: { event: "drill.failed" } });
    expect(JSON.stringify(alert?.payload)).toContain("Revocation drill failed");
    const run = await db.drillRun.findUniqueOrThrow({ where: { id: out.id } });
    const grant = await db.grant.findUniqueOrThrow({ where: { id: run.grantId! } });
    expect(grant).toMatchObject({ drill: true, status: "revoke_failed" });
    expect(await canaryRoleExists(grant.issuerRef!)).toBe(true);

    await db.workerHeartbeat.upsert({ where: { id: "drills-test" }, create: { id: "drills-test", host: "test", pid: 1 }, update: { beatAt: new Date() } });
    await db.issuer.update({ where: { id: issuerId }, data: { lastHealthOk: true, lastHealthError: null } });
    const health = await getHealth();
    expect(health.status).toBe("degraded");
    expect(health.issuers.find((i) => i.name.startsWith("pg-"))?.drill).toMatchObject({ ok: false });
    const overview = await getOverview({ actor: admin });
    expect(overview.drills?.find((d) => d.issuer.id === issuerId)).toMatchObject({ ok: false });

    // The target is back: the worker revokes the canary like any grant, and the next drill passes.
    proxy.heal();
    await revokeDueGrants({ db });
    expect(await db.grant.findUniqueOrThrow({ where: { id: grant.id } })).toMatchObject({ status: "revoked" });
    expect(await canaryRoleExists(grant.issuerRef!)).toBe(false);
    await db.issuer.update({ where: { id: issuerId }, data: { lastHealthOk: true, lastHealthError: null } });
    expect((await runDrill(admin, { issuer: issuerId })).ok).toBe(true);
    expect((await getOverview({ actor: admin })).drills?.find((d) => d.issuer.id === issuerId)).toMatchObject({ ok: true });
    await db.workerHeartbeat.update({ where: { id: "drills-test" }, data: { beatAt: new Date() } });
    const healed = await getHealth();
    expect(healed.issuers.find((i) => i.name.startsWith("pg-"))?.drill).toMatchObject({ ok: true });
    expect(healed.status).toBe("ok");
  }, 60_000);

  it("fails when the canary's login is back after the revoke, and the worker then ends it", async () => {
    // Between revoke and verify, the canary's role re-created and a session opened with it (what
    // a second writer or a restored backup would do): the verify step must see it.
    const db = getDb();
    let survivor: pg.Client | undefined;
    const out = await runDrill(admin, { issuer: issuerId }, {
      afterStep: async (name) => {
        if (name !== "revoke") return;
        const run = await db.drillRun.findFirstOrThrow({ where: { issuerId }, orderBy: { startedAt: "desc" } });
        const grant = await db.grant.findUniqueOrThrow({ where: { id: run.grantId! } });
        const su = new pg.Client({ connectionString: process.env.HOURGLASS_TEST_PG_URL });
        await su.connect();
        await su.query(`CREATE ROLE ${grant.issuerRef} LOGIN PASSWORD 'survivor-pw'`);
        await su.end();
        const u = new URL(process.env.HOURGLASS_TEST_PG_URL!);
        u.username = grant.issuerRef!;
        u.password = "survivor-pw";
        u.pathname = `/${target.db}`;
        survivor = new pg.Client({ connectionString: u.toString() });
        await survivor.connect();
      },
    });
    expect(out.ok).toBe(false);
    expect(out.steps.at(-1)).toMatchObject({ name: "verify", ok: false });
    await survivor?.end().catch(() => undefined);
    // Left to the revoke worker, which ends it.
    await revokeDueGrants({ db });
    const run = await db.drillRun.findUniqueOrThrow({ where: { id: out.id } });
    expect(await db.grant.findUniqueOrThrow({ where: { id: run.grantId! } })).toMatchObject({ status: "revoked" });
    await db.issuer.update({ where: { id: issuerId }, data: { lastHealthOk: true, lastHealthError: null } });
  }, 60_000);

  it("refuses a drill to a role without admin rights, and a second drill of an issuer while one runs", async () => {
    for (const role of ["security", "approver", "auditor", "owner", "requester"] as const) {
      const user = await createUser([role]);
      await expect(runDrill(user, { issuer: issuerId })).rejects.toMatchObject({ code: "forbidden" });
      await expect(findDrills(user, { issuer: issuerId })).rejects.toMatchObject({ code: "forbidden" });
      await expect(setDrillSchedule(user, { issuer: issuerId, intervalMinutes: 10 })).rejects.toMatchObject({ code: "forbidden" });
    }
    await expect(runDrill(admin, { issuer: issuerId, actor: admin } as never)).rejects.toMatchObject({ code: "validation_failed" });
    await expect(runDrill(admin, { issuer: "no-such-issuer" })).rejects.toMatchObject({ code: "not_found" });
    const db = getDb();
    await db.issuer.update({ where: { id: issuerId }, data: { drillLeaseUntil: new Date(Date.now() + 60_000) } });
    await expect(runDrill(admin, { issuer: issuerId })).rejects.toMatchObject({ code: "conflict" });
    await db.issuer.update({ where: { id: issuerId }, data: { drillLeaseUntil: null } });
  });
});

describe("drill schedule", () => {
  it("runs a due drill once with two workers racing, and schedules the next one interval later", async () => {
    const db = getDb();
    await setDrillSchedule(admin, { issuer: issuerId, intervalMinutes: 30 });
    // Other issuers in this database are not due.
    await db.issuer.updateMany({ where: { id: { not: issuerId } }, data: { drillNextAt: new Date(Date.now() + 3600_000) } });
    await db.issuer.update({ where: { id: issuerId }, data: { drillNextAt: new Date(Date.now() - 1000) } });
    const before = await db.drillRun.count({ where: { issuerId } });
    expect((await nextDrillDue(db))!.getTime()).toBeLessThanOrEqual(Date.now());

    const [a, b] = await Promise.all([runDueDrills({ db }), runDueDrills({ db })]);
    expect(a + b).toBe(1);
    const runs = await db.drillRun.findMany({ where: { issuerId }, orderBy: { startedAt: "desc" } });
    expect(runs.length - before).toBe(1);
    expect(runs[0]).toMatchObject({ trigger: "schedule", ok: true });
    const issuer = await db.issuer.findUniqueOrThrow({ where: { id: issuerId } });
    expect(issuer.drillLeaseUntil).toBeNull();
    expect(issuer.drillNextAt!.getTime() - runs[0].startedAt.getTime()).toBeGreaterThan(29 * 60_000);
    // Nothing due now.
    expect(await runDueDrills({ db })).toBe(0);
  }, 60_000);

  it("drills the built-in token issuer: the token verifies, then is refused once revoked", async () => {
    const db = getDb();
    const token = await db.issuer.create({ data: { name: "tokens-drill", type: "token", config: { audience: "https://api.test.local" } } });
    const out = await runDrill(admin, { issuer: token.name });
    expect(out.error).toBeNull();
    expect(out.steps.map((s) => s.ok)).toEqual([true, true, true, true]);
    const run = await db.drillRun.findUniqueOrThrow({ where: { id: out.id } });
    expect(await db.revokedToken.count({ where: { grantId: run.grantId! } })).toBe(1);
  });
});

describe("a drill's canary entitlement", () => {
  it("is never offered to requesters nor requestable, and admins see it after everything requestable", async () => {
    const db = getDb();
    const canary = await db.entitlement.findFirstOrThrow({ where: { canary: true, issuerId } });
    const owner = await createUser(["owner", "requester"]);
    const identity = await createIdentity({ ownerUserId: owner.id });
    expect((await findRequestOptions({ actor: owner })).entitlements.map((e) => e.id)).not.toContain(canary.id);
    expect((await findEntitlements({ actor: owner })).map((e) => e.id)).not.toContain(canary.id);
    await expect(createRequest({ actor: owner, identityId: identity.id, entitlementId: canary.id, durationSec: 300, justification: "asking for the canary" })).rejects.toMatchObject({
      code: "invalid_state",
      message: expect.stringContaining("revocation drill's canary"),
    });
    expect(await db.accessRequest.count({ where: { entitlementId: canary.id } })).toBe(0);
    const forAdmin = await findEntitlements({ actor: admin });
    expect(forAdmin.map((e) => e.id)).toContain(canary.id);
    const firstCanary = forAdmin.findIndex((e) => e.name.startsWith("drill-canary-"));
    expect(forAdmin.slice(firstCanary).every((e) => e.name.startsWith("drill-canary-"))).toBe(true);
  });
});

describe("drill of a signed-webhook issuer", () => {
  const SECRET = "drill-ops-secret-0123456789abcdef";
  const webhookIssuer = async (name: string, url: string) =>
    getDb().issuer.create({ data: { name, type: "webhook", config: { url, timeoutMs: 2000 }, secretSealed: sealJson({ hmacSecret: SECRET }) } });

  it("grants through the endpoint, sees the grant live in its verify, revokes it, and sees it gone", async () => {
    const calls: OpsCall[] = [];
    const live = new Set<string>();
    const endpoint = await startOpsEndpoint({ secret: SECRET, live, intercept: (c) => void calls.push(c) });
    try {
      const issuer = await webhookIssuer("ops-drill", endpoint.url);
      const out = await runDrill(admin, { issuer: issuer.name });
      expect(out.error).toBeNull();
      expect(out.steps.map((s) => [s.name, s.ok])).toEqual([["issue", true], ["prove", true], ["revoke", true], ["verify", true]]);
      expect(out.timeToRevokeMs).toBeGreaterThanOrEqual(0);
      // The endpoint saw the whole drill, for one canary grant, and holds nothing afterwards.
      const run = await getDb().drillRun.findUniqueOrThrow({ where: { id: out.id } });
      expect(new Set(calls.map((c) => c.grantId))).toEqual(new Set([run.grantId]));
      expect(calls.map((c) => c.event)).toEqual(expect.arrayContaining(["grant", "verify", "revoke"]));
      expect(calls.findIndex((c) => c.event === "revoke")).toBeLessThan(calls.map((c) => c.event).lastIndexOf("verify"));
      expect(live.size).toBe(0);
      expect(run.ok).toBe(true);
    } finally {
      await endpoint.close();
    }
  });

  it("fails, and says so, when the endpoint acknowledges the revoke but still shows the grant live", async () => {
    const live = new Set<string>();
    // The endpoint's revoke does not stick: the grant is live again when the drill verifies.
    let revoked = false;
    const endpoint = await startOpsEndpoint({
      secret: SECRET,
      live,
      intercept: (c) => {
        if (c.event === "revoke") revoked = true;
        else if (c.event === "verify" && revoked) live.add(c.grantId);
        return undefined;
      },
    });
    try {
      const issuer = await webhookIssuer("ops-drill-lying", endpoint.url);
      const out = await runDrill(admin, { issuer: issuer.name });
      expect(out.ok).toBe(false);
      expect(out.steps.map((s) => [s.name, s.ok])).toEqual([["issue", true], ["prove", true], ["revoke", true], ["verify", false]]);
      expect(out.error).toMatch(/still shows the canary's privilege/);
      expect(live.size).toBe(1);
      const { drills } = await findDrills(admin, { issuer: issuer.name });
      expect(drills.map((d) => d.ok)).toEqual([false]);
    } finally {
      await endpoint.close();
    }
  });
});

describe("drills over the machine API", () => {
  async function call(method: "GET" | "POST" | "PATCH", id: string, token: string, body?: string) {
    await resetRateLimits();
    const mod = await import("../../app/api/v1/issuers/[id]/drills/route");
    const req = new Request(`http://hourglass.test/api/v1/issuers/${encodeURIComponent(id)}/drills`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body,
    });
    const res = await mod[method](req, { params: Promise.resolve({ id }) });
    return { status: res.status, body: await res.json() };
  }

  it("runs and lists drills for an admin's token; refuses other roles, extra fields and NUL bytes with a 4xx", async () => {
    const adminToken = (await createApiToken({ actor: admin, user: admin.email, scopes: ["admin:issuers"] })).token;
    const ran = await call("POST", "tokens-drill", adminToken, "{}");
    expect(ran.status).toBe(201);
    expect(ran.body).toMatchObject({ ok: true, error: null });
    const listed = await call("GET", "tokens-drill", adminToken);
    expect(listed.status).toBe(200);
    expect(listed.body.drills[0]).toMatchObject({ id: ran.body.id, ok: true, trigger: "manual" });
    expect(listed.body.drills[0].steps).toHaveLength(4);
    const patched = await call("PATCH", "tokens-drill", adminToken, JSON.stringify({ intervalMinutes: 15 }));
    expect(patched).toMatchObject({ status: 200, body: { intervalSec: 900 } });

    for (const [body, code] of [
      [JSON.stringify({ issuer: issuerId }), "validation_failed"],
      [JSON.stringify({ actor: "someone" }), "validation_failed"],
      ["[]", "validation_failed"],
    ] as const) {
      const r = await call("POST", "tokens-drill", adminToken, body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe(code);
    }
    expect((await call("PATCH", "tokens-drill", adminToken, JSON.stringify({ intervalMinutes: 2 }))).status).toBe(400);
    const nul = await call("GET", "tokens\u0000drill", adminToken);
    expect(nul.status).toBe(400);
    expect(nul.body.error.code).toBe("validation_failed");
    expect((await call("POST", "tokens\u0000drill", adminToken, "{}")).status).toBe(400);

    for (const role of ["security", "approver", "auditor"] as const) {
      const user = await createUser([role]);
      const token = (await createApiToken({ actor: user, user: user.email, scopes: [...rolePermissions[role]] })).token;
      const before = await getDb().drillRun.count();
      const r = await call("POST", "tokens-drill", token, "{}");
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe("forbidden");
      expect((await call("GET", "tokens-drill", token)).status).toBe(403);
      expect(await getDb().drillRun.count()).toBe(before);
    }
  });
});
