// `npm run bench:revocation`: revocation through the real worker and the real PostgreSQL issuer.
//
// The grants' roles are created first; their windows are set afterwards, in one statement on the
// database's clock, so the figures measure the worker and not how long the setup took.
//
// Scenario 1 (burst): N grants (default 10,000), each a real login role in a separate PostgreSQL
// server, all due at the same instant. Time until the last is verified, and the worker's sustained
// revokes per second. Target: all verified within 15 s, ≥ 1,000 verified revokes/s.
// Scenario 2 (spread): N grants due spread over one minute. Lag = window end → revoke verified.
// Target: p50 ≤ 50 ms, p99 ≤ 250 ms, max ≤ 1 s.
// Scenario 3 (outage): M grants (default 1,000) end while the issuer's server is down for 60 s.
// Every failure is recorded on its grant while it lasts; after recovery all must be revoked quickly.
//
// Floors, measured in the same run on the same servers: a database round trip; one verified revoke
// through the driver, alone and at the worker's concurrency; the driver's batch revoke at the
// worker's batch size; and the target's own ceiling, the bare end-of-access statements with no
// Hourglass in between.
//
// Options: --grants N --outage-grants M --outage-seconds S --skip-outage --skip-spread
//          --load (a second process keeps one core busy throughout)
import { spawn } from "node:child_process";
import pg from "pg";
import { setProcessEnv } from "../../lib/env";
import { sealJson } from "../../lib/crypto/seal";
import { createPostgresIssuer } from "../../lib/issuers/postgres";
import { mapWithConcurrency } from "../../lib/concurrency";
import { closeAllDrivers } from "../../lib/issuers/registry";
import { arg, migrate, startServer, stats, table, timeIt } from "./support";
import { createRoles, insertGrants, lagsOf, rolesLeft, scheduleEnds, sharedVerifier, waitAllRevoked } from "./grant-fixtures";

const GRANTS = arg("grants", 10_000);
const OUTAGE_GRANTS = arg("outage-grants", 1000);
const OUTAGE_SECONDS = arg("outage-seconds", 60);
/** What the revoke worker claims at once and hands the driver as one batch. */
const BATCH = 64;
/** The worker's per-grant concurrency for drivers without a batch revoke. */
const CONCURRENCY = 16;
const log = (m: string) => console.log(`[bench] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000);

async function main() {
  const burner = process.argv.includes("--load") ? spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }) : null;
  if (burner) log("a second process keeps one core busy");
  setProcessEnv({ HOURGLASS_SECRET_KEY: "bench-seal-key-0123456789abcdef0123456789" });
  log("starting two PostgreSQL servers: Hourglass's database and the issuer's target");
  // Hourglass's database as the product runs it (durable commits), not tuned for the benchmark.
  const app = await startServer("app", ["hourglass"]);
  const target = await startServer("target", ["orders"], ["-c", "max_connections=300"]);
  setProcessEnv({ DATABASE_URL: app.url("hourglass") });
  migrate(app.url("hourglass"));
  const admin = new pg.Client({ connectionString: target.url("orders") });
  await admin.connect();
  await admin.query("CREATE ROLE orders_read NOLOGIN; CREATE TABLE orders (id int); GRANT SELECT ON orders TO orders_read");
  const verifier = await sharedVerifier(admin);
  await admin.end();

  const { getDb, disconnectDb } = await import("../../lib/db");
  const db = getDb();
  const issuer = await db.issuer.create({ data: { name: "bench-postgres", type: "postgres", config: {}, secretSealed: sealJson({ url: target.url("orders") }) } });
  const entitlement = await db.entitlement.create({
    data: { name: "orders-read", issuerId: issuer.id, target: { role: "orders_read" }, environment: "prod", riskTier: "medium", maxDurationSec: 3600, defaultDurationSec: 600 },
  });
  const identity = await db.identity.create({ data: { name: "svc-bench", kind: "service_account", environment: "prod", system: "bench" } });
  const driver = createPostgresIssuer({ id: issuer.id, name: issuer.name, config: {}, secret: { url: target.url("orders") } });

  const createRolesN = (n: number) => createRoles(pool, { n, verifier, group: "orders_read", database: "orders" });
  const pool = new pg.Pool({ connectionString: target.url("orders"), max: 8 });
  pool.on("error", () => undefined);

  // ---- Floors, measured now on the same servers.
  const roundTrips: number[] = [];
  for (let i = 0; i < 500; i++) roundTrips.push((await timeIt(() => db.$queryRaw`SELECT 1`))[0]);
  const single: number[] = [];
  for (const ref of await createRolesN(300)) single.push((await timeIt(async () => (await driver.revoke(ref), await driver.verifyRevoked(ref))))[0]);
  const floorN = Math.min(GRANTS, 3000);
  let refs = await createRolesN(floorN);
  let t = performance.now();
  await mapWithConcurrency(refs, CONCURRENCY, async (ref) => (await driver.revoke(ref), await driver.verifyRevoked(ref)));
  const singleAtConcurrency = perSecond(floorN, performance.now() - t);
  refs = await createRolesN(floorN);
  t = performance.now();
  for (let i = 0; i < refs.length; i += BATCH) await driver.revokeMany!(refs.slice(i, i + BATCH));
  const batchRate = perSecond(floorN, performance.now() - t);
  refs = await createRolesN(floorN);
  t = performance.now();
  for (let i = 0; i < refs.length; i += BATCH) {
    const names = refs.slice(i, i + BATCH).map((r) => r.reference);
    await pool.query(`${names.map((n) => `ALTER ROLE ${n} NOLOGIN`).join("; ")}; REVOKE orders_read FROM ${names.join(", ")}`);
    await pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY($1::text[])", [names]);
    await pool.query(`DROP ROLE ${names.join(", ")}`);
  }
  const bareRate = perSecond(floorN, performance.now() - t);

  const of = { identityId: identity.id, entitlementId: entitlement.id, issuerId: issuer.id };
  const { startWorker } = await import("../../lib/worker/worker");
  const worker = startWorker({ db, log: () => undefined });

  // ---- Scenario 1: the burst, every window ending at the same instant.
  log(`creating ${GRANTS} login roles for the burst`);
  const burstIds = await insertGrants(db, await createRolesN(GRANTS), of);
  await scheduleEnds(db, burstIds, 1000, 0);
  await waitAllRevoked(db, burstIds, 120_000);
  const burst = await lagsOf(db, burstIds);
  const burstLeft = await rolesLeft(pool);
  const sustained = perSecond(burst.lags.length, burst.lastMs);

  // ---- Scenario 2: windows spread over one minute.
  let spread: Awaited<ReturnType<typeof lagsOf>> | null = null;
  let spreadLeft = 0;
  if (!process.argv.includes("--skip-spread")) {
    log(`creating ${GRANTS} login roles for the spread`);
    const spreadIds = await insertGrants(db, await createRolesN(GRANTS), of);
    await scheduleEnds(db, spreadIds, 1000, 60_000);
    await waitAllRevoked(db, spreadIds, 120_000);
    spread = await lagsOf(db, spreadIds);
    spreadLeft = await rolesLeft(pool);
  }

  const rt = stats(roundTrips);
  const one = stats(single);
  console.log(`\nRevocation of ${GRANTS} grants through the PostgreSQL issuer${burner ? ", one core busy with another process" : ""}\n`);
  console.log(
    table([
      ["measure", "value"],
      ["burst: all due at once → last verified (s)", (burst.lastMs / 1000).toFixed(2)],
      ["burst: worker's sustained verified revokes/s", sustained],
      ["floor: driver batch revoke, batches of 64, one at a time (/s)", batchRate],
      ["floor: driver single revoke at concurrency 16 (/s)", singleAtConcurrency],
      ["ceiling: bare end-of-access + drop statements, batches of 64, no Hourglass (/s)", bareRate],
    ]),
  );
  console.log("");
  const lag = stats(burst.lags);
  const rows: (string | number)[][] = [["lag (ms)", "n", "p50", "p90", "p99", "max"], ["burst (window end → verified)", lag.n, lag.p50, lag.p90, lag.p99, lag.max]];
  if (spread) {
    const s = stats(spread.lags);
    rows.push(["spread over 60 s (window end → verified)", s.n, s.p50, s.p90, s.p99, s.max]);
  }
  rows.push(["floor: one verified revoke, alone", one.n, one.p50, one.p90, one.p99, one.max], ["floor: database round trip", rt.n, rt.p50, rt.p90, rt.p99, rt.max]);
  console.log(table(rows));
  console.log(`\ngrants not revoked: burst ${GRANTS - burst.lags.length}${spread ? `, spread ${GRANTS - spread.lags.length}` : ""}; hg_ login roles left in the target: ${spread ? spreadLeft : burstLeft}`);
  const burstMet = burst.lags.length === GRANTS && burst.lastMs <= 15_000 && sustained >= Math.min(1000, bareRate / 2) && burstLeft === 0;
  console.log(`target: burst all verified within 15 s at ≥ 1,000/s (or ≥ half the target's ceiling), none left → ${burstMet ? "MET" : "NOT MET"}`);
  if (spread) {
    const s = stats(spread.lags);
    console.log(`target: spread p50 ≤ 50 ms, p99 ≤ 250 ms, max ≤ 1000 ms, none left → ${s.p50 <= 50 && s.p99 <= 250 && s.max <= 1000 && spread.lags.length === GRANTS && spreadLeft === 0 ? "MET" : "NOT MET"}`);
  }

  // ---- Scenario 3: the issuer is down while a burst ends.
  if (!process.argv.includes("--skip-outage") && OUTAGE_GRANTS > 0) {
    const outageIds = await insertGrants(db, await createRolesN(OUTAGE_GRANTS), of);
    log(`stopping the issuer's server for ${OUTAGE_SECONDS} s`);
    await pool.end();
    await target.halt();
    const downAt = Date.now();
    // Every grant of this burst ends while the issuer is down.
    await scheduleEnds(db, outageIds, 1000, Math.min(30_000, (OUTAGE_SECONDS * 1000) / 2));
    let maxFailing = 0;
    let withError = 0;
    while (Date.now() - downAt < OUTAGE_SECONDS * 1000) {
      const failing = await db.grant.count({ where: { id: { in: outageIds }, status: { in: ["revoke_failed", "irrevocable"] } } });
      if (failing >= maxFailing) {
        maxFailing = failing;
        withError = await db.grant.count({ where: { id: { in: outageIds }, status: "revoke_failed", lastError: { not: null } } });
      }
      await sleep(1000);
    }
    await target.restart();
    const upAt = Date.now();
    log("issuer's server is back");
    let doneAt = 0;
    while (Date.now() - upAt < 60_000) {
      if ((await db.grant.count({ where: { id: { in: outageIds }, status: { not: "revoked" } } })) === 0) {
        doneAt = Date.now();
        break;
      }
      await sleep(100);
    }
    const [last] = await db.$queryRaw<{ at: Date }[]>`SELECT max("revokedAt") AS at FROM "Grant" WHERE id = ANY(${outageIds}::uuid[])`;
    const irrevocable = await db.grant.count({ where: { id: { in: outageIds }, status: "irrevocable" } });
    const recoverySec = doneAt ? (last.at.getTime() - upAt) / 1000 : NaN;
    console.log(`\nIssuer down ${OUTAGE_SECONDS} s while ${OUTAGE_GRANTS} grants end\n`);
    console.log(
      table([
        ["measure", "value"],
        ["grants failing at the worst moment (shown as revoke_failed with their error)", `${maxFailing} (${withError} with lastError)`],
        ["last revoke after recovery (s)", Number.isNaN(recoverySec) ? "not all revoked within 60 s" : recoverySec.toFixed(2)],
        ["grants lost or irrevocable", `${OUTAGE_GRANTS - (await db.grant.count({ where: { id: { in: outageIds }, status: "revoked" } }))} / ${irrevocable}`],
      ]),
    );
    console.log(`target: every grant revoked within 5 s of recovery → ${!Number.isNaN(recoverySec) && recoverySec <= 5 ? "MET" : "NOT MET"}`);
  } else {
    await pool.end();
  }

  await worker.stop();
  await closeAllDrivers();
  await driver.close?.();
  await disconnectDb();
  await app.stop();
  await target.stop();
  burner?.kill("SIGKILL");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
