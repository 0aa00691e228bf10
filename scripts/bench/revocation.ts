// `npm run bench:revocation`: revocation lag through the real worker and the real PostgreSQL issuer.
//
// Scenario 1 (burst): N grants (default 10,000), each a real login role in a separate PostgreSQL
// server, expire spread over one minute. The worker revokes each at its instant and verifies it.
// Lag = expiresAt → revoke verified. Printed beside the floor measured in the same run: a bare
// verified revoke on the same server, and a bare database round trip.
//
// Scenario 2 (outage): M grants (default 1,000) expire while the issuer's server is down for 60 s.
// Every failure is recorded on its grant while it lasts; after recovery all must be revoked quickly.
//
// Options: --grants N --outage-grants M --outage-seconds S --skip-outage
import { randomUUID } from "node:crypto";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../lib/generated/prisma/client";
import { setProcessEnv } from "../../lib/env";
import { sealJson } from "../../lib/crypto/seal";
import { createPostgresIssuer } from "../../lib/issuers/postgres";
import { mapWithConcurrency } from "../../lib/concurrency";
import { closeAllDrivers } from "../../lib/issuers/registry";
import { wakeWorkers } from "../../lib/worker/wake";
import { migrate, startServer, stats, table, timeIt } from "./support";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const GRANTS = arg("grants", 10_000);
const OUTAGE_GRANTS = arg("outage-grants", 1000);
const OUTAGE_SECONDS = arg("outage-seconds", 60);
const log = (m: string) => console.log(`[bench] ${m}`);

async function main() {
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
  await admin.end();

  const { getDb, disconnectDb } = await import("../../lib/db");
  const db = getDb();
  const issuer = await db.issuer.create({ data: { name: "bench-postgres", type: "postgres", config: {}, secretSealed: sealJson({ url: target.url("orders") }) } });
  const entitlement = await db.entitlement.create({
    data: { name: "orders-read", issuerId: issuer.id, target: { role: "orders_read" }, environment: "prod", riskTier: "medium", maxDurationSec: 3600, defaultDurationSec: 600 },
  });
  const identity = await db.identity.create({ data: { name: "svc-bench", kind: "service_account", environment: "prod", system: "bench" } });
  const driver = createPostgresIssuer({ id: issuer.id, name: issuer.name, config: {}, secret: { url: target.url("orders") } });

  // Floors, measured now on the same servers.
  const roundTrips: number[] = [];
  for (let i = 0; i < 500; i++) roundTrips.push((await timeIt(() => db.$queryRaw`SELECT 1`))[0]);
  const bare: number[] = [];
  for (let i = 0; i < 300; i++) {
    const grantId = randomUUID();
    const r = await driver.grant({ grantId, identity: { id: identity.id, name: identity.name, kind: "service_account", environment: "prod" }, entitlement: { id: entitlement.id, name: entitlement.name, target: { role: "orders_read" } }, expiresAt: new Date(Date.now() + 600_000) });
    const ref = { grantId, reference: r.reference, meta: r.meta ?? {}, expiresAt: r.expiresAt };
    bare.push((await timeIt(async () => (await driver.revoke(ref), await driver.verifyRevoked(ref))))[0]);
  }

  async function makeGrants(n: number, startInMs: number, spreadMs: number) {
    const t = performance.now();
    const base = Date.now() + startInMs;
    const rows = await mapWithConcurrency(Array.from({ length: n }, (_, i) => i), 8, async (i) => {
      const id = randomUUID();
      const expiresAt = new Date(base + Math.floor((i / n) * spreadMs));
      const r = await driver.grant({ grantId: id, identity: { id: identity.id, name: identity.name, kind: "service_account", environment: "prod" }, entitlement: { id: entitlement.id, name: entitlement.name, target: { role: "orders_read" } }, expiresAt: new Date(expiresAt.getTime() + 3600_000) });
      return { id, identityId: identity.id, entitlementId: entitlement.id, issuerId: issuer.id, status: "active" as const, issuedAt: new Date(), expiresAt, issuerRef: r.reference, issuerMeta: (r.meta ?? {}) as object };
    });
    for (let i = 0; i < rows.length; i += 1000) await db.grant.createMany({ data: rows.slice(i, i + 1000) });
    // As the issue step does when a grant becomes active: wake the workers so they re-plan.
    await db.$transaction((tx) => wakeWorkers(tx, "grant.active"));
    log(`issued ${n} real login roles in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return rows.map((r) => r.id);
  }

  const { startWorker } = await import("../../lib/worker/worker");

  // Scenario 1: the burst.
  const lead = Math.max(20_000, GRANTS * 3); // time to create the roles before the first expiry
  const ids = await makeGrants(GRANTS, lead, 60_000);
  const worker = startWorker({ db, log: () => undefined });
  const deadline = Date.now() + 60_000 + 60_000;
  let left = GRANTS;
  while (Date.now() < deadline) {
    left = await db.grant.count({ where: { id: { in: ids }, status: { not: "revoked" } } });
    if (left === 0 && (await db.grant.count({ where: { id: { in: ids } } })) === GRANTS) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const lags = (await db.$queryRaw<{ ms: number }[]>`SELECT (extract(epoch FROM ("revokedAt" - "expiresAt")) * 1000)::float8 AS ms FROM "Grant" WHERE id = ANY(${ids}::uuid[]) AND status = 'revoked'`).map((r) => r.ms);
  const check = new pg.Client({ connectionString: target.url("orders") });
  await check.connect();
  const rolesLeft = Number((await check.query(`SELECT count(*) FROM pg_roles WHERE rolname LIKE 'hg\\_%'`)).rows[0].count);
  await check.end();

  const lag = stats(lags);
  const floor = stats(bare);
  const rt = stats(roundTrips);
  console.log(`\nRevocation lag, ${GRANTS} grants through the PostgreSQL issuer expiring within one minute (ms)\n`);
  console.log(
    table([
      ["measure", "n", "p50", "p90", "p99", "max"],
      ["revocation lag (expiresAt → verified)", lag.n, lag.p50, lag.p90, lag.p99, lag.max],
      ["floor: bare verified revoke", floor.n, floor.p50, floor.p90, floor.p99, floor.max],
      ["floor: database round trip", rt.n, rt.p50, rt.p90, rt.p99, rt.max],
    ]),
  );
  console.log(`\ngrants not revoked: ${GRANTS - lags.length}; hg_ login roles left in the target: ${rolesLeft}`);
  console.log(`targets: p50 ≤ 50 ms, p99 ≤ 250 ms, max ≤ 1000 ms, none left → ${lag.p50 <= 50 && lag.p99 <= 250 && lag.max <= 1000 && lags.length === GRANTS && rolesLeft === 0 ? "MET" : "NOT MET"}`);

  // Scenario 2: the issuer is down for a while during a burst.
  if (!process.argv.includes("--skip-outage") && OUTAGE_GRANTS > 0) {
    // Every grant of this burst expires while the issuer is down.
    const expiryWindow = Math.min(30_000, (OUTAGE_SECONDS * 1000) / 2);
    const outageIds = await makeGrants(OUTAGE_GRANTS, OUTAGE_GRANTS * 4 + 2_000, expiryWindow);
    log(`stopping the issuer's server for ${OUTAGE_SECONDS} s`);
    await target.halt();
    const downAt = Date.now();
    let maxFailing = 0;
    let withError = 0;
    while (Date.now() - downAt < OUTAGE_SECONDS * 1000) {
      const failing = await db.grant.count({ where: { id: { in: outageIds }, status: { in: ["revoke_failed", "irrevocable"] } } });
      if (failing >= maxFailing) {
        maxFailing = failing;
        withError = await db.grant.count({ where: { id: { in: outageIds }, status: "revoke_failed", lastError: { not: null } } });
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    await target.restart();
    const upAt = Date.now();
    log("issuer's server is back");
    let doneAt = 0;
    while (Date.now() - upAt < 60_000) {
      const remaining = await db.grant.count({ where: { id: { in: outageIds }, status: { not: "revoked" } } });
      if (remaining === 0) {
        doneAt = Date.now();
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const [last] = await db.$queryRaw<{ at: Date }[]>`SELECT max("revokedAt") AS at FROM "Grant" WHERE id = ANY(${outageIds}::uuid[])`;
    const irrevocable = await db.grant.count({ where: { id: { in: outageIds }, status: "irrevocable" } });
    const recoverySec = doneAt ? (last.at.getTime() - upAt) / 1000 : NaN;
    console.log(`\nIssuer down ${OUTAGE_SECONDS} s during a burst of ${OUTAGE_GRANTS} expiring grants\n`);
    console.log(
      table([
        ["measure", "value"],
        ["grants failing at the worst moment (shown as revoke_failed with their error)", `${maxFailing} (${withError} with lastError)`],
        ["last revoke after recovery (s)", Number.isNaN(recoverySec) ? "not all revoked within 60 s" : recoverySec.toFixed(2)],
        ["grants lost or irrevocable", `${OUTAGE_GRANTS - (await db.grant.count({ where: { id: { in: outageIds }, status: "revoked" } }))} / ${irrevocable}`],
      ]),
    );
    console.log(`target: every grant revoked within 5 s of recovery → ${!Number.isNaN(recoverySec) && recoverySec <= 5 ? "MET" : "NOT MET"}`);
  }

  await worker.stop();
  await closeAllDrivers();
  await driver.close?.();
  await disconnectDb();
  await app.stop();
  await target.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
