// `npm run bench:metrics`: the metrics page, the audit page and the audit chain at volume.
// Generates 1,000,000 grants (with their requests, over about a year) and 5,000,000 audit events
// with a valid hash chain, then times, each beside a floor measured in the same run:
// - the privilege metrics for 90-day ranges and breakdowns, through getPrivilegeMetrics (what the
//   API and the page call; server time), beside a bare database round trip;
// - the audit page's filtered find, through findAuditEvents, beside the same round trip;
// - full chain verification (events/s), through verifyAuditChain, beside sha256 alone over the
//   very bytes the chain hashes;
// - what an audit append adds to a write: the same write with and without appendAudit, beside the
//   same write with one plain INSERT instead (one more round trip);
// - where verification's time goes: reading, serialising the data, sha256.
//
// Options: --grants N --events N --runs N (metrics and audit finds) --writes N --verify-runs N
// --metrics-only (no audit events; stops after the metrics table, for work on the metrics alone)
import { randomUUID, hash } from "node:crypto";
import pg from "pg";
import { setProcessEnv } from "../../lib/env";
import { systemActor, type UserActor } from "../../lib/authz";
import { arg, migrate, startServer, stats, table, timeIt } from "./support";

const GRANTS = arg("grants", 1_000_000);
const EVENTS = arg("events", 5_000_000);
const RUNS = arg("runs", 20);
const WRITES = arg("writes", 400);
const VERIFY_RUNS = arg("verify-runs", 3);
const METRICS_ONLY = process.argv.includes("--metrics-only");
const DAY = 86400_000;
const log = (m: string) => console.log(`[bench] ${new Date().toISOString().slice(11, 19)} ${m}`);

/** Drops a table's secondary indexes (kept: its primary key) and returns how to recreate them, so bulk loads do not maintain them row by row. */
async function dropIndexes(c: pg.Client, tableName: string): Promise<string[]> {
  const { rows } = await c.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1 AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')`,
    [tableName],
  );
  for (const r of rows) await c.query(`DROP INDEX "${r.indexname}"`);
  return rows.map((r) => r.indexdef);
}

async function generateGrants(c: pg.Client, now: Date) {
  const NOW = `('${now.toISOString()}'::timestamptz AT TIME ZONE 'UTC')`;
  // Foreign keys are right by construction; skip their per-row checks during the load.
  await c.query("SET session_replication_role = replica");
  await c.query(`
    INSERT INTO "User" (id, email, name, roles, "updatedAt")
      SELECT md5('user' || g)::uuid, 'user' || g || '@bench.local', 'User ' || g, ARRAY['approver']::"Role"[], now() FROM generate_series(1, 300) g;
    INSERT INTO "Team" (id, name) SELECT md5('team' || g)::uuid, 'team-' || g FROM generate_series(1, 24) g;
    INSERT INTO "Issuer" (id, name, type, "updatedAt")
      SELECT md5('issuer' || g)::uuid, (ARRAY['pg-prod','pg-staging','tokens','ssh-ca','ldap','redis','mysql-hook','vendor-hook'])[g],
             (ARRAY['postgres','postgres','token','ssh','ldap','redis','webhook','webhook'])[g]::"IssuerType", now() FROM generate_series(1, 8) g;
    INSERT INTO "Entitlement" (id, name, "issuerId", target, environment, "riskTier", "maxDurationSec", "defaultDurationSec", "updatedAt")
      SELECT md5('ent' || g)::uuid, 'ent-' || g, md5('issuer' || (1 + g % 8))::uuid, '{}', (ARRAY['dev','staging','prod'])[1 + g % 3]::"Environment",
             (ARRAY['low','medium','high','critical'])[1 + g % 4]::"RiskTier", 86400, 900, now() FROM generate_series(1, 80) g;
    INSERT INTO "Identity" (id, name, kind, environment, system, "ownerTeamId", "lastAttestedAt", "updatedAt")
      SELECT md5('idn' || g)::uuid, 'svc-' || g, (ARRAY['service_account','api_key','workload','ci_job','ai_agent','bot'])[1 + g % 6]::"IdentityKind",
             (ARRAY['dev','staging','prod'])[1 + g % 3]::"Environment", 'sys-' || (g % 40),
             CASE WHEN g % 10 = 0 THEN NULL ELSE md5('team' || (1 + g % 24))::uuid END,
             CASE WHEN g % 3 = 0 THEN NULL ELSE now() - (g % 120) * interval '1 day' END, now()
      FROM generate_series(1, 5000) g;`);
  // Grant g: issued over the last 365 days (denser lately), for 5 min to 24 h; most ended by
  // expiry a little after their window, some early; the newest still active; a few failing;
  // 1 % drills, 1 in 2,000 standing (through an exception).
  await c.query(`
    CREATE TEMP TABLE gg AS
    SELECT g,
           md5('grant' || g)::uuid AS id, md5('req' || g)::uuid AS rid,
           CASE WHEN g % 2000 = 7 THEN md5('exc' || g)::uuid END AS xid,
           md5('idn' || (1 + (g * 7919) % 5000))::uuid AS identity_id,
           (1 + (g * 7919) % 5000)::int AS idn,
           (1 + (g * 104729) % 80)::int AS ent,
           (ARRAY[300, 900, 900, 1800, 3600, 3600, 7200, 14400, 28800, 86400])[(1 + (g * 31) % 10)::int] AS dur,
           ${NOW} - (365 * 86400 * power((g - 0.5) / ${GRANTS}::float8, 1.3)) * interval '1 second' AS issued,
           ((g * 2654435761) % 1000)::int AS r
    FROM generate_series(1, ${GRANTS}::bigint) g`);
  await c.query(`
    INSERT INTO "AccessRequest" (id, "identityId", "entitlementId", "durationSec", justification, status, environment, "riskTier", "identityKind", "createdAt", "decidedAt", "expiresAt", "approvalsRequired")
      SELECT gg.rid, gg.identity_id, md5('ent' || gg.ent)::uuid, gg.dur, 'bench ' || gg.g, 'approved', (ARRAY['dev','staging','prod'])[1 + gg.ent % 3]::"Environment",
             (ARRAY['low','medium','high','critical'])[1 + gg.ent % 4]::"RiskTier", (ARRAY['service_account','api_key','workload','ci_job','ai_agent','bot'])[1 + gg.idn % 6]::"IdentityKind",
             gg.issued - (CASE WHEN gg.r < 600 THEN 2 ELSE 30 + gg.r * 7 END) * interval '1 second', gg.issued - interval '1 second', gg.issued + interval '1 day', 1
      FROM gg WHERE gg.xid IS NULL;
    INSERT INTO "Approval" (id, "requestId", "approverId", decision, "createdAt")
      SELECT md5('apr' || gg.g)::uuid, gg.rid, md5('user' || (1 + gg.g % 300))::uuid, 'approve', gg.issued - interval '1 second'
      FROM gg WHERE gg.xid IS NULL AND gg.r >= 600;
    INSERT INTO "Exception" (id, "identityId", "entitlementId", justification, "riskRating", status, "proposedById", "acceptedById", "requestedEndAt", "acceptedAt", "expiresAt", "updatedAt")
      SELECT gg.xid, gg.identity_id, md5('ent' || gg.ent)::uuid, 'standing ' || gg.g, 'high', 'accepted', md5('user1')::uuid, md5('user2')::uuid,
             gg.issued + interval '180 days', gg.issued, gg.issued + interval '180 days', now()
      FROM gg WHERE gg.xid IS NOT NULL;
    CREATE TEMP TABLE gx AS
      SELECT gg.*, CASE WHEN gg.xid IS NOT NULL THEN gg.issued + interval '180 days' ELSE gg.issued + gg.dur * interval '1 second' END AS expires,
             CASE WHEN gg.r % 50 = 1 THEN 'early' ELSE 'expired' END AS how
      FROM gg;
    INSERT INTO "Grant" (id, "requestId", "exceptionId", "identityId", "entitlementId", "issuerId", status, "breakGlass", drill, "issuedAt", "expiresAt", "revokedAt", "revokeReason",
                         extensions, "useCount", "firstUsedAt", "lastUsedAt", "createdAt", "updatedAt")
      SELECT gx.id, CASE WHEN gx.xid IS NULL THEN gx.rid END, gx.xid, gx.identity_id, md5('ent' || gx.ent)::uuid, md5('issuer' || (1 + gx.ent % 8))::uuid,
             (CASE WHEN gx.g % 5000 = 11 THEN 'revoke_failed' WHEN gx.g % 20000 = 13 THEN 'irrevocable'
                   WHEN gx.expires > ${NOW} AND gx.how = 'expired' THEN 'active' ELSE 'revoked' END)::"GrantStatus",
             gx.r = 999, gx.g % 100 = 3, gx.issued, gx.expires,
             CASE WHEN gx.g % 5000 = 11 OR gx.g % 20000 = 13 THEN NULL
                  WHEN gx.how = 'early' THEN gx.issued + (gx.expires - gx.issued) * (gx.r / 1000.0)
                  WHEN gx.expires > ${NOW} THEN NULL
                  ELSE gx.expires + (200 + gx.r * 3) * interval '1 millisecond' END,
             (CASE WHEN gx.g % 5000 = 11 OR gx.g % 20000 = 13 OR (gx.expires > ${NOW} AND gx.how = 'expired') THEN NULL ELSE gx.how END)::"RevokeReason",
             CASE WHEN gx.r % 20 = 0 THEN 1 + gx.r % 3 ELSE 0 END, CASE WHEN gx.r % 10 < 7 THEN 1 + gx.r % 40 ELSE 0 END,
             CASE WHEN gx.r % 10 < 7 THEN gx.issued + interval '10 seconds' END, CASE WHEN gx.r % 10 < 7 THEN gx.issued + interval '60 seconds' END,
             gx.issued, ${NOW}
      FROM gx;
    -- Decided requests that issued nothing (denied).
    INSERT INTO "AccessRequest" (id, "identityId", "entitlementId", "durationSec", justification, status, environment, "riskTier", "identityKind", "createdAt", "decidedAt", "expiresAt")
      SELECT md5('den' || gg.g)::uuid, gg.identity_id, md5('ent' || gg.ent)::uuid, gg.dur, 'bench denied ' || gg.g, 'denied', 'prod', 'high', 'ai_agent',
             gg.issued - interval '20 minutes', gg.issued, gg.issued + interval '1 day'
      FROM gg WHERE gg.g % 20 = 0;
    DROP TABLE gx; DROP TABLE gg;`);
  await c.query("SET session_replication_role = DEFAULT");
}

const ACTIONS: [string, string][] = [
  ["request.created", "request"],
  ["request.approved", "request"],
  ["grant.issued", "grant"],
  ["grant.used", "grant"],
  ["grant.revoke_requested", "grant"],
  ["grant.revoked", "grant"],
  ["grant.extended", "grant"],
  ["identity.updated", "identity"],
  ["exception.accepted", "exception"],
  ["token.created", "api_token"],
];

/**
 * Streams EVENTS audit events, chained in order (hash = sha256('["' || prev || '",' || tail), the
 * tail from lib/audit.ts's own hashedTail), into the table in batches, from the genesis hash.
 */
async function generateAudit(c: pg.Client, now: Date, identities: { id: string; name: string }[], users: { id: string; email: string }[]) {
  const { GENESIS_HASH, hashedTail } = await import("../../lib/audit");
  const start = now.getTime() - 365 * DAY;
  const step = (365 * DAY) / EVENTS;
  let prev = GENESIS_HASH;
  const BATCH = 20_000;
  let rnd = 0x9e3779b9;
  const next = () => {
    rnd ^= rnd << 13;
    rnd ^= rnd >>> 17;
    rnd ^= rnd << 5;
    return (rnd >>> 0) / 4294967296;
  };
  let pending: Promise<unknown> = Promise.resolve();
  for (let base = 0; base < EVENTS; base += BATCH) {
    const n = Math.min(BATCH, EVENTS - base);
    const cols: unknown[][] = Array.from({ length: 12 }, () => new Array(n));
    for (let k = 0; k < n; k++) {
      const seq = base + k + 1;
      const [action, subjectType] = ACTIONS[Math.floor(next() * ACTIONS.length)];
      const who = next();
      const identity = identities[Math.floor(next() * identities.length)];
      const user = users[Math.floor(next() * users.length)];
      const actor =
        who < 0.5
          ? { actorType: "system", actorId: null, actorLabel: "system:worker" }
          : who < 0.8
            ? { actorType: "user", actorId: user.id, actorLabel: user.email }
            : { actorType: "identity", actorId: identity.id, actorLabel: `identity:${identity.name}` };
      const subjectId = subjectType === "identity" ? identity.id : randomUUID();
      const data = subjectType === "identity" ? { changed: ["description"] } : { identityId: identity.id, durationSec: 900 * (1 + (seq % 8)), entitlement: `ent-${1 + (seq % 80)}` };
      const fields = { id: randomUUID(), at: new Date(Math.floor(start + seq * step)), ...actor, action, subjectType, subjectId, data };
      const h = hash("sha256", `["${prev}",${hashedTail(fields)}`);
      const row = [seq, fields.id, fields.at.toISOString(), fields.actorType, fields.actorId, fields.actorLabel, action, subjectType, subjectId, JSON.stringify(data), prev, h];
      for (let j = 0; j < 12; j++) cols[j][k] = row[j];
      prev = h;
    }
    await pending; // one batch in flight while the next is built
    pending = c.query(
      `INSERT INTO "AuditEvent" (seq, id, at, "actorType", "actorId", "actorLabel", action, "subjectType", "subjectId", data, "prevHash", hash)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[], $11::text[], $12::text[])`,
      cols,
    );
  }
  await pending;
  await c.query(`SELECT setval(pg_get_serial_sequence('"AuditEvent"', 'seq'), $1)`, [EVENTS]);
}

async function main() {
  // The database as the product runs it (its default settings), not tuned for the benchmark.
  const app = await startServer("metrics", ["hourglass"]);
  try {
    await run(app.url("hourglass"));
  } finally {
    await app.stop();
  }
}

async function run(url: string) {
  setProcessEnv({ DATABASE_URL: url, HOURGLASS_SECRET_KEY: "bench-seal-key-0123456789abcdef0123456789", TZ: "UTC" });
  migrate(url);
  const { getDb, disconnectDb } = await import("../../lib/db");
  const { getPrivilegeMetrics } = await import("../../lib/metrics/get-privilege-metrics");
  const { findAuditEvents } = await import("../../lib/audit-log/find-audit-events");
  const { appendAudit, verifyAuditChain, hashedTail } = await import("../../lib/audit");
  const db = getDb();
  const now = new Date();
  const bulk = new pg.Client({ connectionString: url });
  await bulk.connect();
  // Timestamps are stored as UTC (as Prisma writes them).
  await bulk.query("SET TIME ZONE 'UTC'");

  log(`scale: ${GRANTS.toLocaleString("en")} grants, ${METRICS_ONLY ? "no" : EVENTS.toLocaleString("en")} audit events`);
  let t = performance.now();
  const grantIndexes = [...(await dropIndexes(bulk, "Grant")), ...(await dropIndexes(bulk, "AccessRequest")), ...(await dropIndexes(bulk, "Approval"))];
  await generateGrants(bulk, now);
  for (const def of grantIndexes) await bulk.query(def);
  log(`grants generated in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  t = performance.now();
  const identities = (await bulk.query<{ id: string; name: string }>(`SELECT id::text, name FROM "Identity" ORDER BY name`)).rows;
  const users = (await bulk.query<{ id: string; email: string }>(`SELECT id::text, email FROM "User" ORDER BY email`)).rows;
  if (!METRICS_ONLY) {
    const auditIndexes = await dropIndexes(bulk, "AuditEvent");
    await generateAudit(bulk, now, identities, users);
    for (const def of auditIndexes) await bulk.query(def);
  }
  await bulk.query("ANALYZE");
  log(METRICS_ONLY ? `analysed in ${((performance.now() - t) / 1000).toFixed(0)} s` : `audit events generated (chain included) in ${((performance.now() - t) / 1000).toFixed(0)} s`);

  const actor = systemActor("test");
  const auditor: UserActor = { type: "user", id: users[0].id, email: users[0].email, name: "auditor", roles: ["auditor"] };
  const rtt = async () => {
    const out: number[] = [];
    for (let i = 0; i < 100; i++) out.push((await timeIt(() => db.$queryRaw`SELECT 1`))[0]);
    return stats(out);
  };

  // --- metrics ---------------------------------------------------------------------------------
  const iso = (ms: number) => new Date(ms).toISOString();
  const ranges: [string, Record<string, string>][] = [
    ["last 90 d, no breakdown", { from: iso(now.getTime() - 90 * DAY), to: now.toISOString() }],
    ["last 90 d by team", { from: iso(now.getTime() - 90 * DAY), to: now.toISOString(), by: "team" }],
    ["last 90 d by environment", { from: iso(now.getTime() - 90 * DAY), to: now.toISOString(), by: "environment" }],
    ["90 d ending 120 d ago by issuer", { from: iso(now.getTime() - 210 * DAY), to: iso(now.getTime() - 120 * DAY), by: "issuer" }],
    ["90 d ending 270 d ago by identity kind", { from: iso(now.getTime() - 360 * DAY), to: iso(now.getTime() - 270 * DAY), by: "identityKind" }],
    ["90 d ending 30 d ago by risk tier", { from: iso(now.getTime() - 120 * DAY), to: iso(now.getTime() - 30 * DAY), by: "riskTier" }],
  ];
  for (const [, q] of ranges) await getPrivilegeMetrics({ actor, query: q, now }); // warm
  const metricRows: (string | number)[][] = [["metrics, 90-day range (ms)", "n", "p50", "p95", "max", "issued"]];
  let metricsWorst = 0;
  for (const [name, query] of ranges) {
    const times: number[] = [];
    let issued = 0;
    for (let i = 0; i < RUNS; i++) {
      const [ms, m] = await timeIt(() => getPrivilegeMetrics({ actor, query, now }));
      times.push(ms);
      issued = m.grantsIssued;
    }
    const s = stats(times);
    metricsWorst = Math.max(metricsWorst, s.p95);
    metricRows.push([name, s.n, s.p50, s.p95, s.max, issued]);
  }
  const floor1 = await rtt();
  metricRows.push(["floor: database round trip", floor1.n, floor1.p50, floor1.p95, floor1.max, "-"]);
  // Each table as soon as it is measured: on a loaded machine the whole run can take long.
  console.log(`\n${table(metricRows)}\n`);
  if (METRICS_ONLY) {
    console.log(`Scale: ${GRANTS.toLocaleString("en")} grants over 365 days. Load average at the end: ${(await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    console.log(`target: metrics, any 90-day range p95 ≤ 300 ms: worst ${metricsWorst.toFixed(1)} ms → ${metricsWorst <= 300 ? "MET" : "NOT MET"}`);
    await bulk.end();
    await disconnectDb();
    return;
  }

  // --- audit page ------------------------------------------------------------------------------
  const someUser = users[17];
  const someIdentity = identities[123];
  const mid = now.getTime() - 180 * DAY;
  const finds: [string, Parameters<typeof findAuditEvents>[0]["filters"]][] = [
    ["actor by label (a user)", { actor: someUser.email }],
    ["actor by id (an identity)", { actor: someIdentity.id }],
    ["identity (subject or data)", { identityId: someIdentity.id }],
    ["action grant.revoked", { action: "grant.revoked" }],
    ["time range (one week, 6 months ago)", { from: new Date(mid), to: new Date(mid + 7 * DAY) }],
    ["action + actor + time range", { action: "grant.", actor: someUser.email, from: new Date(mid), to: new Date(mid + 30 * DAY) }],
    ["identity + time range", { identityId: someIdentity.id, from: new Date(mid), to: new Date(mid + 30 * DAY) }],
  ];
  for (const [, filters] of finds) await findAuditEvents({ actor: auditor, filters });
  const findRows: (string | number)[][] = [["audit page, filtered (ms)", "n", "p50", "p95", "max", "rows"]];
  let findWorst = 0;
  for (const [name, filters] of finds) {
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS * 2; i++) {
      const [ms, page] = await timeIt(() => findAuditEvents({ actor: auditor, filters }));
      times.push(ms);
      rows = page.rows.length;
    }
    const s = stats(times);
    findWorst = Math.max(findWorst, s.p95);
    findRows.push([name, s.n, s.p50, s.p95, s.max, rows]);
  }
  const floor2 = await rtt();
  findRows.push(["floor: database round trip", floor2.n, floor2.p50, floor2.p95, floor2.max, "-"]);
  console.log(`${table(findRows)}\n`);

  // --- chain verification ----------------------------------------------------------------------
  // sha256 alone over the same bytes: every event's '["' || prev || '",' || tail, read in order.
  let shaMs = 0;
  let shaEvents = 0;
  let shaBytes = 0;
  for (let after = 0; ; ) {
    const { rows } = await bulk.query(
      `SELECT seq, id::text, at AT TIME ZONE 'UTC' AS at, "actorType", "actorId", "actorLabel", action, "subjectType", "subjectId", data, "prevHash" FROM "AuditEvent" WHERE seq > $1 ORDER BY seq LIMIT 20000`,
      [after],
    );
    if (rows.length === 0) break;
    const inputs = rows.map((r) => `["${r.prevHash}",${hashedTail(r)}`);
    const t0 = performance.now();
    for (const s of inputs) hash("sha256", s);
    shaMs += performance.now() - t0;
    shaEvents += inputs.length;
    for (const s of inputs) shaBytes += Buffer.byteLength(s);
    after = Number(rows[rows.length - 1].seq);
  }
  const verifyRates: number[] = [];
  let verified = 0;
  for (let i = 0; i < VERIFY_RUNS; i++) {
    const [ms, v] = await timeIt(() => verifyAuditChain({ actor: auditor, full: true }));
    if (!v.ok) throw new Error(`the generated chain does not verify: ${JSON.stringify(v.firstBroken)}`);
    verified = v.events;
    verifyRates.push(v.events / (ms / 1000));
  }
  const vr = stats(verifyRates);
  const shaRate = shaEvents / (shaMs / 1000);
  // Where verification's time goes: reading the rows as it reads them (PostgreSQL building the
  // fixed fields' canonical JSON), serialising their data in JavaScript, and sha256 over the result.
  const { openChainRows } = await import("../../lib/audit-log/chain-rows");
  const { canonicalJsonbText } = await import("../../lib/audit-log/canonical");
  const breakdown = { read: 0, serialise: 0, hash: 0 };
  {
    let t0 = performance.now();
    const reader = await openChainRows(BigInt(0), 50_000);
    for await (const rows of reader.batches) {
      breakdown.read += performance.now() - t0;
      t0 = performance.now();
      const inputs = rows.map((r) => `["${r[3]}",${r[1]}${canonicalJsonbText(r[2])}]`);
      breakdown.serialise += performance.now() - t0;
      t0 = performance.now();
      for (const s of inputs) hash("sha256", s);
      breakdown.hash += performance.now() - t0;
      t0 = performance.now();
    }
    await reader.close();
  }

  // --- what an audit append adds to a write ----------------------------------------------------
  const grantIds = (await bulk.query<{ id: string }>(`SELECT id::text FROM "Grant" WHERE status = 'active' LIMIT 200`)).rows.map((r) => r.id);
  const write = (id: string, audited: boolean) =>
    db.$transaction(async (tx) => {
      await tx.$executeRaw`UPDATE "Grant" SET "useCount" = "useCount" + 1, "lastUsedAt" = now() WHERE id = ${id}::uuid`;
      if (audited) await appendAudit(tx, actor, { action: "grant.used", subjectType: "grant", subjectId: id, data: { identityId: someIdentity.id } });
    });
  // The floor for what an append can cost: the same write plus one plain INSERT (one more round
  // trip, one more row, no index), into a scratch table.
  await bulk.query(`CREATE TABLE bench_scratch (id uuid, at timestamptz, data jsonb)`);
  const writePlusInsert = (id: string) =>
    db.$transaction(async (tx) => {
      await tx.$executeRaw`UPDATE "Grant" SET "useCount" = "useCount" + 1, "lastUsedAt" = now() WHERE id = ${id}::uuid`;
      await tx.$executeRaw`INSERT INTO bench_scratch VALUES (${randomUUID()}::uuid, now(), ${JSON.stringify({ identityId: someIdentity.id })}::jsonb)`;
    });
  for (let i = 0; i < 20; i++) await (i % 3 === 2 ? writePlusInsert(grantIds[i % grantIds.length]) : write(grantIds[i % grantIds.length], i % 3 === 0));
  const plain: number[] = [];
  const audited: number[] = [];
  const inserted: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    // Interleaved, so all see the same load.
    plain.push((await timeIt(() => write(grantIds[i % grantIds.length], false)))[0]);
    audited.push((await timeIt(() => write(grantIds[(i + 7) % grantIds.length], true)))[0]);
    inserted.push((await timeIt(() => writePlusInsert(grantIds[(i + 13) % grantIds.length])))[0]);
  }
  const sp = stats(plain);
  const sa = stats(audited);
  const si = stats(inserted);
  // The statement alone, on a raw connection (no ORM): the append's one round trip beside one plain INSERT's.
  const { auditEventsJson } = await import("../../lib/audit");
  const appendStmt: number[] = [];
  const insertStmt: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    const id = grantIds[(i + 3) % grantIds.length];
    for (const audit of [true, false]) {
      await bulk.query("BEGIN");
      await bulk.query(`UPDATE "Grant" SET "useCount" = "useCount" + 1, "lastUsedAt" = now() WHERE id = $1::uuid`, [id]);
      const events = auditEventsJson(actor, [{ action: "grant.used", subjectType: "grant", subjectId: id, data: { identityId: someIdentity.id } }]);
      const [ms] = await timeIt(() =>
        audit
          ? bulk.query(`SELECT event_id::text, event_hash FROM hourglass_append_audit($1::jsonb)`, [events])
          : bulk.query(`INSERT INTO bench_scratch VALUES ($1::uuid, now(), $2::jsonb)`, [randomUUID(), JSON.stringify({ identityId: someIdentity.id })]),
      );
      await bulk.query("COMMIT");
      (audit ? appendStmt : insertStmt).push(ms);
    }
  }
  const sas = stats(appendStmt);
  const sis = stats(insertStmt);
  const after = await verifyAuditChain({ actor: auditor });
  if (!after.ok) throw new Error("the chain broke under the write benchmark");

  console.log(`\nScale: ${GRANTS.toLocaleString("en")} grants over 365 days, ${EVENTS.toLocaleString("en")} audit events. Load average at the end: ${(await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(" ")}\n`);
  console.log(table(metricRows));
  console.log();
  console.log(table(findRows));
  console.log();
  console.log(
    table([
      ["chain verification (events/s)", "n", "p50", "worst", "events"],
      ["verifyAuditChain full", vr.n, Math.round(vr.p50), Math.round(Math.min(...verifyRates)), verified],
      [`floor: sha256 alone, same bytes (${(shaBytes / shaEvents).toFixed(0)} B/event)`, 1, Math.round(shaRate), Math.round(shaRate), shaEvents],
    ]),
  );
  const perS = (ms: number) => Math.round(shaEvents / (ms / 1000));
  console.log();
  console.log(
    table([
      ["verification, where the time goes (one pass)", "ms", "events/s"],
      ["reading rows (fixed fields' JSON built by PostgreSQL)", breakdown.read, perS(breakdown.read)],
      ["serialising data (canonical JSON from jsonb text)", breakdown.serialise, perS(breakdown.serialise)],
      ["sha256", breakdown.hash, perS(breakdown.hash)],
    ]),
  );
  console.log();
  console.log(
    table([
      ["write, one UPDATE in a transaction (ms)", "n", "p50", "p95", "max"],
      ["with appendAudit", sa.n, sa.p50, sa.p95, sa.max],
      ["without appendAudit", sp.n, sp.p50, sp.p95, sp.max],
      ["floor: with one plain INSERT instead", si.n, si.p50, si.p95, si.max],
      ["added by the append", "-", sa.p50 - sp.p50, sa.p95 - sp.p95, "-"],
      ["floor: added by one INSERT round trip", "-", si.p50 - sp.p50, si.p95 - sp.p95, "-"],
    ]),
  );
  console.log();
  console.log(
    table([
      ["the statement alone, raw connection, in a write's transaction (ms)", "n", "p50", "p95", "max"],
      ["hourglass_append_audit (one event)", sas.n, sas.p50, sas.p95, sas.max],
      ["floor: one plain INSERT", sis.n, sis.p50, sis.p95, sis.max],
    ]),
  );
  const appendCost = sa.p95 - sp.p95;
  const met = (ok: boolean) => (ok ? "MET" : "NOT MET");
  console.log(`\ntargets:`);
  console.log(`  metrics, any 90-day range p95 ≤ 300 ms: worst ${metricsWorst.toFixed(1)} ms → ${met(metricsWorst <= 300)}`);
  console.log(`  audit page filtered p95 ≤ 200 ms: worst ${findWorst.toFixed(1)} ms → ${met(findWorst <= 200)}`);
  console.log(`  chain verification ≥ 500,000 events/s: worst ${Math.round(Math.min(...verifyRates)).toLocaleString("en")} (sha256 alone ${Math.round(shaRate).toLocaleString("en")}) → ${met(Math.min(...verifyRates) >= 500_000)}`);
  console.log(`  audit append adds ≤ 1 ms p95 to a write: ${appendCost.toFixed(2)} ms (one INSERT round trip adds ${(si.p95 - sp.p95).toFixed(2)} ms) → ${met(appendCost <= 1)}`);
  await bulk.end();
  await disconnectDb();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
