// `npm run bench:scale`: revocation by worker replicas on one Hourglass database, against two
// PostgreSQL targets (each its own server), through real worker processes (`scripts/worker.ts`).
//
// 1. The curve: a burst of N grants (default 10,000, half per target) due at one instant, revoked
//    by 1, then 2, then 3 worker processes; sustained verified revokes/s for each, in the same run,
//    so the figure for a bigger machine is read off a measured curve.
// 2. Spread: 3 workers, M grants (default 30,000) over both targets ending within 60 s; lag from
//    window end to verified revoke (database clock). Target p50 ≤ 50 ms, p99 ≤ 250 ms. Each grant
//    revoked exactly once (one `grant.revoked` event), none of its roles left at the targets.
// 3. Leadership: kill -9 the worker leading the cluster's housekeeping, and time until another
//    holds the lock.
//
// Floors in the same run: a database round trip, and the targets' own ceiling (the bare
// end-of-access and drop statements in batches of 64 on both targets at once, no Hourglass).
//
// 2b. Beside the spread, APPS `next start` replicas (default 3, worker off, as `npm start` with
//    HOURGLASS_WORKER=off) serve workloads asking over the API for an auto-approved token grant at
//    --api-rate requests/s, round-robin: the cluster's shape, and the API's latency while it revokes.
//
// Options: --apps N --api-rate R --curve-grants N --grants M --spread-seconds S --warm W (grants the spread's workers revoke first; 0: cold) --load (another process keeps a core busy)
import { spawn } from "node:child_process";
import pg from "pg";
import { setProcessEnv } from "../../lib/env";
import { closeAllDrivers } from "../../lib/issuers/registry";
import { LEADER_LOCK } from "../../lib/worker/leadership";
import { createPgIssuer, createPgTarget } from "../../lib/testing/pg-target";
import { spawnWorker, type WorkerProcess } from "../../lib/testing/fault-harness";
import { createIdentity } from "../../lib/testing/factories";
import { arg, migrate, startServer, stats, table, timeIt } from "./support";
import { buildApp, openLoop, request, startAppServers, stopAppServers, type AppServer } from "./app-servers";
import { systemActor } from "../../lib/authz";
import { createRoles, insertGrants, lagsOf, revokeCounts, rolesLeft, scheduleEnds, sharedVerifier, waitAllRevoked, worstLagBySecond } from "./grant-fixtures";

const CURVE_GRANTS = arg("curve-grants", 10_000);
const SPREAD_GRANTS = arg("grants", 30_000);
const SPREAD_SECONDS = arg("spread-seconds", 60);
const WARM = arg("warm", 600);
const APPS = arg("apps", 3);
const API_RATE = arg("api-rate", 20);
const LEASE_MS = 30_000;
const log = (m: string) => console.log(`[bench] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000);

async function main() {
  const burner = process.argv.includes("--load") ? spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }) : null;
  if (burner) log("a second process keeps one core busy");
  setProcessEnv({ HOURGLASS_SECRET_KEY: "bench-seal-key-0123456789abcdef0123456789", AUTH_SECRET: "bench-auth-secret-0123456789abcdef0123456789" });
  log("starting three PostgreSQL servers: Hourglass's database and two issuer targets");
  const [app, ...servers] = await Promise.all([
    startServer("app", ["hourglass"], ["-c", "max_connections=300"]),
    startServer("target-a", [], ["-c", "max_connections=300"]),
    startServer("target-b", [], ["-c", "max_connections=300"]),
  ]);
  const dbUrl = app.url("hourglass");
  setProcessEnv({ DATABASE_URL: dbUrl });
  migrate(dbUrl);
  const { getDb, disconnectDb } = await import("../../lib/db");
  const db = getDb();
  const identity = await createIdentity();

  /** Per target: its database and group, the issuer and entitlement in Hourglass, a pool for setup. */
  const targets = await Promise.all(
    servers.map(async (server) => {
      const target = await createPgTarget(server.url("postgres"));
      const { issuer, entitlement } = await createPgIssuer(target, server.port);
      const pool = new pg.Pool({ connectionString: server.url(target.db), max: 8 });
      pool.on("error", () => undefined);
      const verifier = await sharedVerifier(pool);
      return { server, target, pool, verifier, of: { identityId: identity.id, entitlementId: entitlement.id, issuerId: issuer.id } };
    }),
  );

  /** `n` active grants, half on each target, windows far away until `scheduleEnds`. */
  async function seed(n: number): Promise<string[]> {
    const parts = await Promise.all(
      targets.map(async (t, i) => {
        const refs = await createRoles(t.pool, { n: Math.floor(n / targets.length) + (i < n % targets.length ? 1 : 0), verifier: t.verifier, group: t.target.group, database: t.target.db });
        return insertGrants(db, refs, t.of);
      }),
    );
    return parts.flat();
  }
  const left = async () => (await Promise.all(targets.map((t) => rolesLeft(t.pool)))).reduce((a, b) => a + b, 0);

  const workers: WorkerProcess[] = [];
  async function startWorkers(k: number) {
    const ws = Array.from({ length: k }, () => spawnWorker({ databaseUrl: dbUrl, leaseMs: LEASE_MS }));
    workers.push(...ws);
    await Promise.all(ws.map((w) => w.ready));
    return ws;
  }
  const stopWorkers = async () => void (await Promise.all(workers.splice(0).map((w) => w.stop())));

  // The app replicas' workloads: identities with API tokens asking for an auto-approved token grant.
  const appEnv = { ...process.env, DATABASE_URL: dbUrl, HOURGLASS_WORKER: "off", NEXT_TELEMETRY_DISABLED: "1" };
  let apps: AppServer[] = [];
  const workloads: { identity: string; token: string }[] = [];
  if (APPS > 0) {
    log(`building the app for ${APPS} next start replicas`);
    await buildApp(appEnv);
    const { createApiToken } = await import("../../lib/api-tokens/create-api-token");
    const owner = await db.user.create({ data: { email: "owner@scale.bench", name: "Owner", roles: ["owner"] } });
    const tokenIssuer = await db.issuer.create({ data: { name: "tokens", type: "token", config: { audience: "https://api.bench" } } });
    await db.entitlement.create({ data: { name: "orders-api-read", issuerId: tokenIssuer.id, target: { scope: "orders:read" }, environment: "dev", riskTier: "low", maxDurationSec: 3600, defaultDurationSec: 600, approvalsRequired: 0 } });
    for (let i = 0; i < 16; i++) {
      const name = `svc-scale-${i}`;
      await db.identity.create({ data: { name, kind: "service_account", environment: "dev", system: "bench", ownerUserId: owner.id } });
      workloads.push({ identity: name, token: (await createApiToken({ actor: systemActor("test"), identity: name, scopes: ["request:create"] })).token });
    }
  }
  const apiCall = (i: number) => {
    const w = workloads[i % workloads.length];
    return request(apps[i % apps.length].port, "POST", "/api/v1/access-requests", { token: w.token, body: { identity: w.identity, entitlement: "orders-api-read", duration: "PT10M", justification: "benchmark: read orders" } });
  };
  const issued = (r: { status: number; body: string }) => r.status === 201 && r.body.includes('"credential"');

  try {
    // ---- Floors.
    const roundTrips: number[] = [];
    for (let i = 0; i < 500; i++) roundTrips.push((await timeIt(() => db.$queryRaw`SELECT 1`))[0]);
    const ceilingN = Math.min(CURVE_GRANTS, 4000);
    const bare = await Promise.all(targets.map(async (t) => createRoles(t.pool, { n: ceilingN / 2, verifier: t.verifier, group: t.target.group, database: t.target.db })));
    let t0 = performance.now();
    await Promise.all(
      targets.map(async (t, i) => {
        const refs = bare[i];
        for (let j = 0; j < refs.length; j += 64) {
          const names = refs.slice(j, j + 64).map((r) => r.reference);
          await t.pool.query(`${names.map((n) => `ALTER ROLE ${n} NOLOGIN`).join("; ")}; REVOKE ${t.target.group} FROM ${names.join(", ")}`);
          await t.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY($1::text[])", [names]);
          await t.pool.query(`DROP ROLE ${names.join(", ")}`);
        }
      }),
    );
    const ceiling = perSecond(ceilingN, performance.now() - t0);

    // ---- 1. The curve.
    const curve: { k: number; n: number; seconds: number; rate: number; once: number; twice: number }[] = [];
    const { startWorker } = await import("../../lib/worker/worker");
    for (const k of [0, 1, 2, 3]) {
      log(`curve: ${CURVE_GRANTS} grants for ${k || "the bench's own"} worker(s)`);
      const ids = await seed(CURVE_GRANTS);
      const inProcess = k === 0 ? startWorker({ db, log: () => undefined }) : null;
      if (k > 0) await startWorkers(k);
      await scheduleEnds(db, ids, 1000, 0);
      await waitAllRevoked(db, ids, 300_000);
      const { lags, lastMs } = await lagsOf(db, ids);
      const counts = await revokeCounts(db, ids);
      curve.push({ k, n: lags.length, seconds: lastMs / 1000, rate: perSecond(lags.length, lastMs), ...counts });
      await inProcess?.stop();
      await stopWorkers();
      log(`curve: ${k} worker(s): ${perSecond(lags.length, lastMs)}/s`);
    }

    // ---- 2. Spread over both targets, three workers.
    log(`spread: ${SPREAD_GRANTS} grants over ${SPREAD_SECONDS} s, 3 workers`);
    const spreadIds = await seed(SPREAD_GRANTS);
    const ws = await startWorkers(3);
    if (APPS > 0) {
      apps = await startAppServers(APPS, appEnv);
      for (let i = 0; i < 100; i++) await apiCall(i); // warm-up: code paths compiled
      await openLoop(API_RATE, 3, apiCall, issued); // and every replica's pool open at the load's rate
    }
    if (WARM > 0) {
      // Replicas that have revoked before (connections to both targets open, code paths warm), as in
      // a running cluster; --warm 0 measures workers that start cold into the spread.
      const warm = await seed(WARM);
      await scheduleEnds(db, warm, 200, 1000);
      await waitAllRevoked(db, warm, 60_000);
    }
    await scheduleEnds(db, spreadIds, 2000, SPREAD_SECONDS * 1000);
    const apiLoad = APPS > 0 ? openLoop(API_RATE, SPREAD_SECONDS + 2, apiCall, issued) : null;
    await waitAllRevoked(db, spreadIds, SPREAD_SECONDS * 1000 + 180_000);
    const api = await apiLoad;
    const appsDied = apps.filter((a) => a.died()).length;
    await stopAppServers(apps);
    const spread = await lagsOf(db, spreadIds);
    const spreadCounts = await revokeCounts(db, spreadIds);
    const bySecond = await worstLagBySecond(db, spreadIds);
    const rolesAfter = await left();

    // ---- 3. Leadership hand-over after kill -9 of the leader.
    const leaderPid = async () =>
      (await db.$queryRaw<{ pid: number }[]>`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = ${LEADER_LOCK}::oid AND objsubid = 1`)[0]?.pid ?? null;
    let handOverMs = NaN;
    const leader = ws.find((w) => w.output().includes("leading the cluster lanes"));
    const before = await leaderPid();
    if (leader && before !== null) {
      await leader.kill9();
      t0 = performance.now();
      while (performance.now() - t0 < 30_000) {
        const now = await leaderPid();
        if (now !== null && now !== before) {
          handOverMs = performance.now() - t0;
          break;
        }
        await sleep(20);
      }
    }

    // ---- Report.
    const rt = stats(roundTrips);
    console.log(`\nRevocation by worker replicas, two PostgreSQL targets${burner ? ", one core busy with another process" : ""}\n`);
    console.log(
      table([
        ["workers", "grants revoked", "last verified (s)", "sustained revokes/s", "revoked once", "twice"],
        ...curve.map((c) => [c.k === 0 ? "floor: one, in this process" : String(c.k), c.n, c.seconds.toFixed(2), c.rate, c.once, c.twice]),
      ]),
    );
    console.log(`\nceiling: bare end-of-access + drop statements on both targets at once, batches of 64, no Hourglass: ${ceiling}/s`);
    const s = stats(spread.lags);
    console.log("");
    console.log(
      table([
        ["lag (ms)", "n", "p50", "p90", "p99", "max"],
        [`spread: ${SPREAD_GRANTS} grants over ${SPREAD_SECONDS} s, 3 workers`, s.n, s.p50, s.p90, s.p99, s.max],
        ["floor: database round trip", rt.n, rt.p50, rt.p90, rt.p99, rt.max],
      ]),
    );
    if (api) {
      const a = stats(api.latencies);
      const errors = [...api.errors.values()].reduce((x, y) => x + y, 0);
      console.log("");
      console.log(
        table([
          ["API during the spread (ms)", "n", "p50", "p90", "p99", "max"],
          [`POST /api/v1/access-requests → 201 with credential, ${API_RATE}/s over ${APPS} app replicas`, a.n, a.p50, a.p90, a.p99, a.max],
        ]),
      );
      console.log(`API: ${api.total} requests, achieved ${(api.total / api.seconds).toFixed(0)}/s, errors ${errors}${api.errors.size ? ` (${[...api.errors].map(([k, v]) => `${k}: ${v}`).join(", ")})` : ""}${appsDied ? `; ${appsDied} APP REPLICA(S) DIED` : ""}`);
    }
    const slow = bySecond.filter((b) => b.worst > 250);
    console.log(`\nspread: seconds (of window ends) with a lag over 250 ms: ${slow.length} of ${bySecond.length}${slow.length ? ` (${slow.slice(0, 20).map((b) => `${b.second} s: ${Math.round(b.worst)} ms`).join(", ")}${slow.length > 20 ? ", …" : ""})` : ""}`);
    console.log(`spread: revoked exactly once ${spreadCounts.once} of ${SPREAD_GRANTS}, twice ${spreadCounts.twice}, not revoked ${SPREAD_GRANTS - s.n}; hg_ roles left at the targets: ${rolesAfter}`);
    console.log(`leadership: kill -9 of the leader → another worker holds the lock after ${Number.isNaN(handOverMs) ? "no hand-over within 30 s" : `${Math.round(handOverMs)} ms`} (standbys try every 2 s)`);
    const met = s.p50 <= 50 && s.p99 <= 250 && s.n === SPREAD_GRANTS && spreadCounts.once === SPREAD_GRANTS && rolesAfter === 0;
    console.log(`target: spread p50 ≤ 50 ms, p99 ≤ 250 ms, each grant revoked exactly once, none left → ${met ? "MET" : "NOT MET"}`);
  } finally {
    await stopAppServers(apps);
    await stopWorkers();
    await Promise.all(targets.map((t) => t.pool.end()));
    await closeAllDrivers();
    await disconnectDb();
    await Promise.all([app, ...servers].map((s) => s.stop()));
    burner?.kill("SIGKILL");
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
