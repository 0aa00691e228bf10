// `npm run bench:faults`: the fault-injection scenarios at full size, through real worker processes,
// a real Hourglass database and a real PostgreSQL issuer target (each its own server), with the
// network to the target through a loopback proxy. Per scenario it prints how many grants outlived
// their window by more than 1 s and the worst lag (database clock), duplicates (issued or revoked
// twice), orphans (roles left at the target) and open sessions, beside the floor: the same burst
// with no fault, measured in the same run.
//
// Options: --grants N (the burst, default 5000) --fault-grants M (the fault scenarios, default 1000)
import { setProcessEnv } from "../../lib/env";
import { disconnectDb } from "../../lib/db";
import { closeAllDrivers } from "../../lib/issuers/registry";
import { createPgIssuer, createPgTarget } from "../../lib/testing/pg-target";
import { startTcpProxy } from "../../lib/testing/tcp-proxy";
import { countByStatus, endWindowsIn, seedGrants, spawnWorker, verdict, waitFor, type Verdict, type WorkerProcess } from "../../lib/testing/fault-harness";
import { createIdentity } from "../../lib/testing/factories";
import { arg, migrate, startServer, table } from "./support";

const GRANTS = arg("grants", 5000);
const FAULT_GRANTS = arg("fault-grants", 1000);
const LEASE_MS = 3000;
const log = (m: string) => console.log(`[bench] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  setProcessEnv({ HOURGLASS_SECRET_KEY: "bench-seal-key-0123456789abcdef0123456789", AUTH_SECRET: "bench-auth-secret-0123456789abcdef0123456789" });
  log("starting two PostgreSQL servers: Hourglass's database and the issuer's target");
  const app = await startServer("app", ["hourglass"]);
  const targetServer = await startServer("target", [], ["-c", "max_connections=300"]);
  const dbUrl = app.url("hourglass");
  setProcessEnv({ DATABASE_URL: dbUrl, HOURGLASS_TEST_PG_URL: targetServer.url("postgres") });
  migrate(dbUrl);
  const target = await createPgTarget();
  const proxy = await startTcpProxy(targetServer.port);
  const { issuer, entitlement } = await createPgIssuer(target, proxy.port);
  const identity = await createIdentity();
  const workers: WorkerProcess[] = [];
  const start = async (n: number, clockOffsetMs = 0) => {
    const ws = Array.from({ length: n }, () => spawnWorker({ databaseUrl: dbUrl, leaseMs: LEASE_MS, clockOffsetMs }));
    workers.push(...ws);
    await Promise.all(ws.map((w) => w.ready));
    return ws;
  };
  const stopAll = async () => void (await Promise.all(workers.splice(0).map((w) => w.stop())));
  const results: { name: string; v: Verdict; seconds: number }[] = [];

  /** Issues `n` grants, ends their windows at one instant, applies `fault` meanwhile, and judges. */
  async function scenario(name: string, n: number, workerCount: number, fault: (ws: WorkerProcess[]) => Promise<void> = async () => undefined, clockOffsetMs = 0) {
    log(`${name}: issuing ${n} grants`);
    const ws = await start(workerCount, clockOffsetMs);
    const ids = await seedGrants({ n, identityId: identity.id, entitlementId: entitlement.id, issuerId: issuer.id, windowMs: 3600_000 });
    await waitFor(`${name}: ${n} grants active`, async () => (await countByStatus(ids)).active === n, 600_000, 500);
    const t0 = Date.now();
    await endWindowsIn(ids, 2000);
    await fault(ws);
    await waitFor(`${name}: grants ended`, async () => {
      const c = await countByStatus(ids).catch(() => ({}) as Record<string, number>);
      return (c.revoked ?? 0) + (c.issue_failed ?? 0) === n;
    }, 600_000, 500);
    const v = await verdict(ids, target);
    results.push({ name, v, seconds: (Date.now() - t0) / 1000 });
    log(`${name}: ${JSON.stringify(v)}`);
    await stopAll();
  }

  try {
    await scenario(`floor: 3 workers, ${GRANTS} grants, no fault`, GRANTS, 3);
    await scenario(`2 workers, ${GRANTS} grants`, GRANTS, 2);
    await scenario("kill -9 of a worker mid-revoke", FAULT_GRANTS, 2, async (ws) => {
      await sleep(2300);
      await ws[0].kill9();
    });
    await scenario("Hourglass database restarted mid-batch", FAULT_GRANTS, 2, async () => {
      await sleep(2300);
      await app.halt();
      await sleep(2000);
      await app.restart();
    });
    await scenario("issuer's PostgreSQL down 5 s, then back", FAULT_GRANTS, 2, async () => {
      await sleep(1000);
      await targetServer.halt();
      await sleep(5000);
      await targetServer.restart();
    });
    await scenario("network to the issuer cut 5 s", FAULT_GRANTS, 2, async () => {
      await sleep(1000);
      proxy.cut();
      await sleep(5000);
      proxy.heal();
    });
    await scenario("issuer slower than the lease", 200, 2, async () => {
      proxy.delayMs = LEASE_MS * 1.5;
      await sleep(LEASE_MS * 4);
      proxy.delayMs = 0;
    });
    await scenario("workers' clocks 2 minutes behind", FAULT_GRANTS, 2, undefined, -120_000);
  } finally {
    await Promise.all(workers.map((w) => w.kill9()));
    const floor = results[0]?.v.worstLagMs ?? 0;
    console.log(
      "\n" +
        table([
          ["scenario", "grants", "not ended", "outlived >1 s", "worst lag ms", "floor lag ms", "duplicates", "orphans", "sessions", "audit ok", "s"],
          ...results.map((r) => [r.name, r.v.grants, r.v.notEnded, r.v.outlived, r.v.worstLagMs, floor, r.v.duplicates, r.v.orphans, r.v.sessions, r.v.auditOk ? "yes" : "NO", r.seconds]),
        ]),
    );
    await closeAllDrivers();
    await proxy.close();
    await disconnectDb();
    await app.stop();
    await targetServer.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
