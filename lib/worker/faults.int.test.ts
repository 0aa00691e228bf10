import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { useFreshDatabase } from "../testing/database";
import { createIdentity } from "../testing/factories";
import { startTcpProxy, type TcpProxy } from "../testing/tcp-proxy";
import { createPgIssuer, createPgTarget, type PgTarget } from "../testing/pg-target";
import { countByStatus, endWindowsIn, seedGrants, spawnWorker, verdict, waitFor, type WorkerProcess } from "../testing/fault-harness";
import { closeAllDrivers } from "../issuers/registry";

// The fault-injection suite: real worker processes on a real database, a real PostgreSQL target
// behind a proxy that stalls or cuts the network, workers killed with -9, a worker whose clock is
// off. After each fault and its recovery, every grant that should have ended has ended at the
// target (no role, no session), once, with nothing orphaned, and the audit chain verifies.

const LEASE_MS = 1500;
let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let target: PgTarget;
let proxy: TcpProxy;
let issuerId: string, entitlementId: string, identityId: string;
const workers: WorkerProcess[] = [];

function worker(opts: { clockOffsetMs?: number } = {}) {
  const w = spawnWorker({ databaseUrl: database.url, leaseMs: LEASE_MS, ...opts });
  workers.push(w);
  return w;
}

const seed = (n: number, windowMs: number) => seedGrants({ n, identityId, entitlementId, issuerId, windowMs });
let lastCounts = {};
const allActive = (ids: string[]) => async () => {
  lastCounts = await countByStatus(ids);
  return (lastCounts as Record<string, number>).active === ids.length;
};
const allRevoked = (ids: string[]) => async () => {
  lastCounts = await countByStatus(ids);
  return (lastCounts as Record<string, number>).revoked === ids.length;
};

async function expectClean(ids: string[], opts: { maxLagMs?: number } = {}) {
  const v = await verdict(ids, target);
  expect(v).toMatchObject({ grants: ids.length, notEnded: 0, duplicates: 0, orphans: 0, sessions: 0, auditOk: true });
  if (opts.maxLagMs !== undefined) expect(v.worstLagMs).toBeLessThan(opts.maxLagMs);
  return v;
}

beforeAll(async () => {
  database = await useFreshDatabase();
  target = await createPgTarget();
  proxy = await startTcpProxy(Number(process.env.HOURGLASS_TEST_PG_PORT));
  const pg = await createPgIssuer(target, proxy.port);
  issuerId = pg.issuer.id;
  entitlementId = pg.entitlement.id;
  identityId = (await createIdentity()).id;
});
afterEach((ctx) => {
  if (ctx.task.result?.state === "fail") console.log(`[faults] last counts ${JSON.stringify(lastCounts)}\n${workers.map((w) => w.output().slice(-1500)).join("\n---\n")}`);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill9()));
  await closeAllDrivers();
  await proxy.close();
  await target.drop();
  await database.drop();
});

describe("fault injection", { timeout: 150_000 }, () => {
  it("three workers on one database revoke each of 200 grants ending at once exactly once", async () => {
    const ws = [worker(), worker(), worker()];
    await Promise.all(ws.map((w) => w.ready));
    const ids = await seed(200, 600_000);
    await waitFor("200 grants active", allActive(ids), 60_000, 250);
    await endWindowsIn(ids, 1000);
    await waitFor("200 grants revoked", allRevoked(ids), 60_000, 250);
    const v = await expectClean(ids, { maxLagMs: 15_000 });
    await Promise.all(ws.map((w) => w.stop()));
    console.log(`[faults] 3 workers, 200 grants: worst lag ${v.worstLagMs} ms`);
  });

  it("a worker whose clock is two minutes behind still revokes on time, on the database's clock", async () => {
    const w = worker({ clockOffsetMs: -120_000 });
    await w.ready;
    const ids = await seed(5, 600_000);
    await waitFor("grants active", allActive(ids), 20_000);
    await endWindowsIn(ids, 2000);
    await waitFor("grants revoked by the slow-clock worker", allRevoked(ids), 20_000);
    await expectClean(ids, { maxLagMs: 1500 });
    await w.stop();
  });

  it("a worker killed with -9 mid-issue and another mid-revoke: the next worker finishes both, once", async () => {
    const first = worker();
    await first.ready;
    proxy.hold();
    const ids = await seed(20, 600_000);
    await waitFor("issues in flight", async () => (await getDb().grant.count({ where: { id: { in: ids }, attempts: { gt: 0 } } })) > 0, 10_000);
    await first.kill9();
    proxy.release();
    const second = worker();
    await second.ready;
    await waitFor("grants active", allActive(ids), 20_000);
    // Now the revokes: stall them at the target, kill the worker holding them, and recover.
    proxy.hold();
    await endWindowsIn(ids, 500);
    await waitFor("revokes in flight", async () => ((await countByStatus(ids)).revoking ?? 0) > 0, 15_000);
    await second.kill9();
    proxy.release();
    const third = worker();
    await waitFor("grants revoked after the kills", allRevoked(ids), 20_000);
    await expectClean(ids);
    await third.stop();
  });

  it("the network to the issuer cut while grants end: revokes fail loudly, then land once it heals", async () => {
    const w = worker();
    await w.ready;
    const ids = await seed(20, 600_000);
    await waitFor("grants active", allActive(ids), 20_000);
    proxy.cut();
    await endWindowsIn(ids, 500);
    await waitFor("revokes failing", async () => ((await countByStatus(ids)).revoke_failed ?? 0) > 0, 15_000);
    const failed = await getDb().auditEvent.count({ where: { subjectId: { in: ids }, action: "grant.revoke_failed" } });
    expect(failed).toBeGreaterThan(0);
    proxy.heal();
    await waitFor("grants revoked after the cut", allRevoked(ids), 30_000);
    await expectClean(ids);
    await w.stop();
  });
});
