import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "../db";
import { setProcessEnv } from "../env";
import { createIdentity } from "../testing/factories";
import { migrate, startServer, type ThrowawayServer } from "../testing/pg-server";
import { startTcpProxy, type TcpProxy } from "../testing/tcp-proxy";
import { createPgIssuer, createPgTarget, type PgTarget } from "../testing/pg-target";
import { countByStatus, endWindowsIn, seedGrants, spawnWorker, verdict, waitFor, type WorkerProcess } from "../testing/fault-harness";
import { closeAllDrivers } from "../issuers/registry";
import { forgetDatabaseNow } from "../grants/lease";

// Outages of the servers themselves: Hourglass's own database stopped and restarted under the
// workers mid-batch, the issuer's PostgreSQL stopped and started again, and an issuer slower than
// the workers' lease. Each server here is its own (not the shared test server), so stopping it
// disturbs no other test. After recovery every grant has ended at the target, once, with no role,
// no session and no orphan left, and the audit chain verifies.

const LEASE_MS = 1500;
let app: ThrowawayServer, targetServer: ThrowawayServer;
let appUrl = "";
let target: PgTarget;
let proxy: TcpProxy;
let issuerId: string, entitlementId: string, identityId: string;
const workers: WorkerProcess[] = [];
let lastCounts: Record<string, number> = {};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function worker() {
  // Notifications on (to a port nobody listens on): what the alert would say is recorded, and kept for retry.
  const w = spawnWorker({ databaseUrl: appUrl, leaseMs: LEASE_MS, env: { HOURGLASS_NOTIFY_URL: "http://127.0.0.1:9/hourglass" } });
  workers.push(w);
  return w;
}
const seed = (n: number) => seedGrants({ n, identityId, entitlementId, issuerId, windowMs: 600_000 });
/** Whether every grant of `ids` is in `status`; false (not an error) while the database is away. */
const all = (ids: string[], status: string) => async () => {
  lastCounts = await countByStatus(ids).catch(() => lastCounts);
  return lastCounts[status] === ids.length;
};

async function expectClean(ids: string[]) {
  const v = await verdict(ids, target);
  expect(v).toMatchObject({ grants: ids.length, notEnded: 0, duplicates: 0, orphans: 0, sessions: 0, auditOk: true });
  return v;
}

beforeAll(async () => {
  [app, targetServer] = await Promise.all([startServer("faults-app", ["hourglass"]), startServer("faults-target", [])]);
  appUrl = app.url("hourglass");
  migrate(appUrl);
  await disconnectDb();
  forgetDatabaseNow();
  setProcessEnv({ DATABASE_URL: appUrl });
  target = await createPgTarget(targetServer.url("postgres"));
  proxy = await startTcpProxy(targetServer.port);
  const pg = await createPgIssuer(target, proxy.port);
  issuerId = pg.issuer.id;
  entitlementId = pg.entitlement.id;
  identityId = (await createIdentity()).id;
}, 120_000);
afterEach((ctx) => {
  if (ctx.task.result?.state === "fail") console.log(`[faults] last counts ${JSON.stringify(lastCounts)}\n${workers.map((w) => w.output().slice(-1500)).join("\n---\n")}`);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill9()));
  await closeAllDrivers();
  await proxy?.close();
  await disconnectDb();
  await Promise.all([app?.stop(), targetServer?.stop()]);
});

describe("server outages", { timeout: 120_000 }, () => {
  it("Hourglass's database stopped and restarted mid-batch: every revoke lands, once", async () => {
    const ws = [worker(), worker()];
    await Promise.all(ws.map((w) => w.ready));
    const ids = await seed(100);
    await waitFor("grants active", all(ids, "active"), 60_000, 250);
    await endWindowsIn(ids, 300);
    // Mid-batch: some grants are revoked, the rest claimed or due, when the database goes away.
    await waitFor("the batch under way", async () => ((await countByStatus(ids)).revoked ?? 0) > 0, 20_000, 20);
    await app.halt();
    await sleep(1500);
    await app.restart();
    await waitFor("grants revoked after the restart", all(ids, "revoked"), 60_000, 250);
    await expectClean(ids);
    await Promise.all(ws.map((w) => w.stop()));
  });

  it("the issuer's PostgreSQL stopped while grants end: revokes fail loudly, then land once it is back", async () => {
    const w = worker();
    await w.ready;
    const ids = await seed(30);
    await waitFor("grants active", all(ids, "active"), 30_000, 250);
    await targetServer.halt();
    await endWindowsIn(ids, 200);
    await waitFor("revokes failing", async () => ((await countByStatus(ids)).revoke_failed ?? 0) > 0, 20_000);
    expect(await getDb().auditEvent.count({ where: { subjectId: { in: ids }, action: "grant.revoke_failed" } })).toBeGreaterThan(0);
    expect(await getDb().notificationDelivery.count({ where: { event: "grant.revoke_failed" } })).toBeGreaterThan(0);
    expect((await getDb().issuer.findUniqueOrThrow({ where: { id: issuerId } })).lastHealthOk).toBe(false);
    await targetServer.restart();
    const back = Date.now();
    await waitFor("grants revoked once the issuer is back", all(ids, "revoked"), 30_000, 100);
    const recoveredInMs = Date.now() - back;
    await expectClean(ids);
    await waitFor("the issuer marked healthy again", async () => (await getDb().issuer.findUniqueOrThrow({ where: { id: issuerId } })).lastHealthOk === true, 10_000);
    // The probe notices the server within about a second and makes every failed revoke due at once.
    expect(recoveredInMs).toBeLessThan(15_000);
    await w.stop();
  });

  it("an issuer slower than the lease: two workers, each grant revoked once, no attempt wasted", async () => {
    const ws = [worker(), worker()];
    await Promise.all(ws.map((w) => w.ready));
    const ids = await seed(6);
    await waitFor("grants active", all(ids, "active"), 30_000, 250);
    // Every round trip to the target now takes a lease (each way half of one), so each revoke, a
    // handful of round trips, takes several leases: the holder renews, the other worker waits.
    proxy.delayMs = LEASE_MS / 2;
    const slowFrom = Date.now();
    await endWindowsIn(ids, 200);
    await waitFor("grants revoked through the slow issuer", all(ids, "revoked"), 90_000, 250);
    proxy.delayMs = 0;
    // Slower than a lease indeed, or the test proves nothing.
    expect(Date.now() - slowFrom).toBeGreaterThan(LEASE_MS * 2);
    await expectClean(ids);
    const grants = await getDb().grant.findMany({ where: { id: { in: ids } }, select: { attempts: true } });
    expect(grants.every((g) => g.attempts === 1)).toBe(true);
    expect(await getDb().auditEvent.count({ where: { subjectId: { in: ids }, action: "grant.revoke_failed" } })).toBe(0);
    await Promise.all(ws.map((w) => w.stop()));
  });
});
