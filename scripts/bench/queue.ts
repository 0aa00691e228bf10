// `npm run bench:queue`: the approval queue at volume. Generates 100,000 pending requests (plus
// 200,000 decided ones) and 1,000,000 grants with SQL, then times the queue's own query function
// (what the Approvals page runs on the server): page 1 and page 40 for every sort it offers, and
// filtered pages. Each is printed beside the floor measured in turns with it: a bare round trip.
//
// Options: --pending N --decided N --grants N --runs N, --explain (the plans of slow queries, untimed)
import { readFileSync, statSync } from "node:fs";
import { setProcessEnv } from "../../lib/env";
import { systemActor } from "../../lib/authz";
import { arg, migrate, startServer, stats, table, timeIt } from "./support";

const PENDING = arg("pending", 100_000);
const DECIDED = arg("decided", 200_000);
const GRANTS = arg("grants", 1_000_000);
const RUNS = arg("runs", 200);
/** Print the plan of each query over 20 ms (auto_explain), once, instead of timing. */
const EXPLAIN = process.argv.includes("--explain");
const log = (m: string) => console.log(`[bench] ${m}`);

async function main() {
  // The database as the product runs it (its default settings), not tuned for the benchmark.
  const app = await startServer("queue", ["hourglass"], EXPLAIN ? ["-c", "shared_preload_libraries=auto_explain", "-c", "auto_explain.log_analyze=on"] : []);
  setProcessEnv({ DATABASE_URL: app.url("hourglass"), HOURGLASS_SECRET_KEY: "bench-seal-key-0123456789abcdef0123456789" });
  migrate(app.url("hourglass"));
  const { getDb, disconnectDb } = await import("../../lib/db");
  const { findRequests, requestSortable } = await import("../../lib/requests/find-requests");
  const db = getDb();

  const t0 = performance.now();
  await db.$executeRawUnsafe(`
    INSERT INTO "User" (id, email, name, roles, "updatedAt")
      SELECT gen_random_uuid(), 'user' || g || '@bench.local', 'User ' || g, ARRAY['requester']::"Role"[], now() FROM generate_series(1, 200) g;
    INSERT INTO "Issuer" (id, name, type, "updatedAt") VALUES (gen_random_uuid(), 'bench', 'token', now());
    INSERT INTO "Entitlement" (id, name, "issuerId", target, environment, "riskTier", "maxDurationSec", "defaultDurationSec", "updatedAt")
      SELECT gen_random_uuid(), 'ent-' || g, (SELECT id FROM "Issuer" LIMIT 1), '{}', (ARRAY['dev','staging','prod'])[1 + g % 3]::"Environment",
             (ARRAY['low','medium','high','critical'])[1 + g % 4]::"RiskTier", 3600, 900, now() FROM generate_series(1, 30) g;
    INSERT INTO "Identity" (id, name, kind, environment, system, "updatedAt")
      SELECT gen_random_uuid(), 'svc-' || g, (ARRAY['service_account','api_key','workload','ci_job','ai_agent','bot'])[1 + g % 6]::"IdentityKind",
             (ARRAY['dev','staging','prod'])[1 + g % 3]::"Environment", 'sys-' || (g % 40), now() FROM generate_series(1, 5000) g;`);
  await db.$executeRawUnsafe(`
    CREATE TEMP TABLE u AS SELECT row_number() OVER () AS n, id FROM "User";
    CREATE TEMP TABLE e AS SELECT row_number() OVER () AS n, id, environment, "riskTier", "issuerId" FROM "Entitlement";
    CREATE TEMP TABLE i AS SELECT row_number() OVER () AS n, id, kind FROM "Identity";
    INSERT INTO "AccessRequest" (id, "identityId", "entitlementId", "requesterUserId", "durationSec", justification, status, environment, "riskTier", "identityKind", "createdAt", "expiresAt", "approvalsRequired")
      SELECT gen_random_uuid(), i.id, e.id, u.id, 300 * (1 + g % 12), 'generated request ' || g,
             CASE WHEN g <= ${PENDING} THEN 'pending' ELSE (ARRAY['approved','denied','cancelled','expired'])[1 + g % 4] END::"RequestStatus",
             e.environment, e."riskTier", i.kind, now() - (g % 172800) * interval '1 second', now() + interval '1 day', 1 + g % 2
      FROM generate_series(1, ${PENDING + DECIDED}) g
      JOIN i ON i.n = 1 + g % 5000 JOIN e ON e.n = 1 + g % 30 JOIN u ON u.n = 1 + g % 200;
    INSERT INTO "Grant" (id, "identityId", "entitlementId", "issuerId", status, "issuedAt", "expiresAt", "revokedAt", "revokeReason", "createdAt", "updatedAt")
      SELECT gen_random_uuid(), i.id, e.id, e."issuerId",
             CASE WHEN g % 1000 = 0 THEN 'active' ELSE 'revoked' END::"GrantStatus",
             now() - (g % 2592000) * interval '1 second', now() - (g % 2592000) * interval '1 second' + interval '15 minutes',
             CASE WHEN g % 1000 = 0 THEN NULL ELSE now() - (g % 2592000) * interval '1 second' + interval '15 minutes 20 milliseconds' END,
             CASE WHEN g % 1000 = 0 THEN NULL ELSE 'expired' END::"RevokeReason", now() - (g % 2592000) * interval '1 second', now()
      FROM generate_series(1, ${GRANTS}) g JOIN i ON i.n = 1 + g % 5000 JOIN e ON e.n = 1 + g % 30;
`);
  log(`generated ${PENDING} pending + ${DECIDED} decided requests and ${GRANTS} grants in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  // Explicitly vacuumed and analysed, so the planner knows the data and autovacuum does not start
  // on these tables in the middle of the measurements (a loaded machine makes it run for long).
  await db.$executeRawUnsafe(`VACUUM (ANALYZE) "AccessRequest", "Grant", "Identity", "Entitlement", "User"`);
  log(`vacuumed in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  const actor = systemActor("test");
  const entitlement = await db.entitlement.findFirstOrThrow({ where: { environment: "prod", riskTier: "high" } });
  const pending = { scope: "all", status: "pending" } as const;
  type Input = Parameters<typeof findRequests>[0];
  const cases: [string, Input][] = [
    ["filter env=prod risk=high, newest first", { actor, params: { page: 1, size: 50, sort: "createdAt", dir: "desc" }, filters: { ...pending, environment: "prod", riskTier: "high" } }],
    ["filter kind=ai_agent, sort by duration", { actor, params: { page: 1, size: 50, sort: "durationSec", dir: "desc" }, filters: { ...pending, identityKind: "ai_agent" } }],
    ["filter entitlement + waiting ≥ 1 h, sort by risk", { actor, params: { page: 1, size: 25, sort: "riskTier", dir: "desc" }, filters: { ...pending, entitlementId: entitlement.id, createdBefore: new Date(Date.now() - 3600_000) } }],
  ];
  // Every sort the queue offers, both ways: its first page (25 rows, the default) and page 40 of 100 rows.
  const sorted: [string, Input][] = requestSortable.flatMap((sort) =>
    (["asc", "desc"] as const).flatMap((dir): [string, Input][] => [
      [`${sort} ${dir}, page 1 of 25 rows`, { actor, params: { page: 1, size: 25, sort, dir }, filters: pending }],
      [`${sort} ${dir}, page 40 of 100 rows`, { actor, params: { page: 40, size: 100, sort, dir }, filters: pending }],
    ]),
  );
  const all = [...sorted, ...cases];
  // Warm the caches the way a running server is warm.
  for (const [, input] of all) for (let i = 0; i < 3; i++) await findRequests(input);

  if (EXPLAIN) {
    await db.$executeRawUnsafe(`ALTER SYSTEM SET auto_explain.log_min_duration = '20ms'`);
    await db.$queryRaw`SELECT pg_reload_conf()`;
    await new Promise((r) => setTimeout(r, 500));
    const logFile = `${app.dataDir}.log`;
    for (const [name, input] of all) {
      const from = statSync(logFile).size;
      await findRequests(input);
      await new Promise((r) => setTimeout(r, 200));
      console.log(`\n=== ${name}\n${readFileSync(logFile, "utf8").slice(from)}`);
    }
    await disconnectDb();
    await app.stop();
    return;
  }

  // The floor is measured beside each query, in turns with it, so a machine busy with something
  // else for a while slows both and the comparison holds.
  const rows: (string | number)[][] = [["query (ms)", "n", "p50", "p95", "p99", "max", "floor p50", "floor p95", "rows"]];
  const results: { name: string; p95: number; floor: number }[] = [];
  for (const [name, input] of all) {
    const times: number[] = [];
    const rt: number[] = [];
    let total = 0;
    for (let i = 0; i < RUNS; i++) {
      rt.push((await timeIt(() => db.$queryRaw`SELECT 1`))[0]);
      const [ms, page] = await timeIt(() => findRequests(input));
      times.push(ms);
      total = page.total;
    }
    const s = stats(times);
    const f = stats(rt);
    results.push({ name, p95: s.p95, floor: f.p95 });
    rows.push([name, s.n, s.p50, s.p95, s.p99, s.max, f.p50, f.p95, total]);
  }
  console.log(`\nApproval queue with ${PENDING.toLocaleString("en")} pending requests and ${GRANTS.toLocaleString("en")} grants (server-side query time, count + page; floor: a bare database round trip in turns with it)\n`);
  console.log(table(rows));
  const firstPages = results.filter((r) => r.name.endsWith("page 1 of 25 rows"));
  const first = Math.max(...firstPages.map((r) => r.p95));
  const rest = Math.max(...results.filter((r) => !firstPages.includes(r)).map((r) => r.p95));
  console.log(
    `\ntargets: first page p95 ≤ 150 ms (worst ${first.toFixed(1)}), deep, filtered and sorted pages p95 ≤ 300 ms (worst ${rest.toFixed(1)}) → ${first <= 150 && rest <= 300 ? "MET" : "NOT MET"}`,
  );
  await disconnectDb();
  await app.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
