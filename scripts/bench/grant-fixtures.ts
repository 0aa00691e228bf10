// Grants for the revocation benchmarks: login roles made the way the PostgreSQL issuer makes them,
// active grants pointing at them, and windows moved on the database's clock once everything exists,
// so a slow setup never makes grants overdue before the timing starts.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { roleNameFor } from "../../lib/issuers/postgres";
import type { GrantRef } from "../../lib/issuers/types";
import { mapWithConcurrency } from "../../lib/concurrency";
import { wakeWorkers } from "../../lib/worker/wake";
import type { Db } from "../../lib/db";

const far = () => new Date(Date.now() + 3600_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One SCRAM verifier for every role of a setup (the server would otherwise hash each password). */
export async function sharedVerifier(admin: pg.Client | pg.Pool): Promise<string> {
  await admin.query("SET password_encryption = 'scram-sha-256'");
  await admin.query("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bench_verifier') THEN CREATE ROLE bench_verifier LOGIN PASSWORD 'not-used-for-login'; END IF; END $$");
  return (await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'bench_verifier'")).rows[0].rolpassword;
}

/** `n` login roles as the issuer's grant makes them (LOGIN, VALID UNTIL, in `group`), 200 per commit. */
export async function createRoles(pool: pg.Pool, opts: { n: number; verifier: string; group: string; database: string }): Promise<GrantRef[]> {
  const ids = Array.from({ length: opts.n }, () => randomUUID());
  const validUntil = far().toISOString();
  const chunks = Array.from({ length: Math.ceil(opts.n / 200) }, (_, i) => ids.slice(i * 200, i * 200 + 200));
  await mapWithConcurrency(chunks, 4, async (chunk) => {
    const c = await pool.connect();
    try {
      await c.query(
        chunk.map((id) => `CREATE ROLE ${roleNameFor(id)} LOGIN INHERIT CONNECTION LIMIT 10 PASSWORD ${pg.escapeLiteral(opts.verifier)} VALID UNTIL '${validUntil}' IN ROLE ${opts.group}`).join("; "),
      );
    } finally {
      c.release();
    }
  });
  const oids = new Map((await pool.query<{ rolname: string; oid: number }>("SELECT rolname, oid FROM pg_roles WHERE rolname = ANY($1::text[])", [ids.map(roleNameFor)])).rows.map((r) => [r.rolname, r.oid]));
  return ids.map((grantId) => ({ grantId, reference: roleNameFor(grantId), meta: { oid: oids.get(roleNameFor(grantId)), group: opts.group, database: opts.database }, expiresAt: far() }));
}

/** Active grants for `refs`, with a window far away (set the real end with `scheduleEnds`). */
export async function insertGrants(db: Db, refs: GrantRef[], of: { identityId: string; entitlementId: string; issuerId: string }): Promise<string[]> {
  const rows = refs.map((r) => ({ id: r.grantId, ...of, status: "active" as const, issuedAt: new Date(), expiresAt: far(), issuerRef: r.reference, issuerMeta: r.meta as object }));
  for (let i = 0; i < rows.length; i += 1000) await db.grant.createMany({ data: rows.slice(i, i + 1000) });
  return rows.map((r) => r.id);
}

/** Windows end `leadMs` from the database's now, spread evenly over `spreadMs`, in one statement; the workers are woken. */
export async function scheduleEnds(db: Db, ids: string[], leadMs: number, spreadMs: number): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE "Grant" g SET "expiresAt" = (now() AT TIME ZONE 'UTC') + make_interval(secs => (${leadMs}::float8 + ${spreadMs}::float8 * o.i / ${ids.length}::float8) / 1000)
      FROM (SELECT id, row_number() OVER (ORDER BY random()) - 1 AS i FROM "Grant" WHERE id = ANY(${ids}::uuid[])) o
      WHERE g.id = o.id`;
    await wakeWorkers(tx, "grant.active");
  });
}

export async function waitAllRevoked(db: Db, ids: string[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await db.grant.count({ where: { id: { in: ids }, status: { not: "revoked" } } })) === 0) return;
    await sleep(200);
  }
}

/** Window end → verified revoke per revoked grant (database clock), and the worst. */
export async function lagsOf(db: Db, ids: string[]): Promise<{ lags: number[]; lastMs: number }> {
  const rows = await db.$queryRaw<{ ms: number }[]>`SELECT (extract(epoch FROM ("revokedAt" - "expiresAt")) * 1000)::float8 AS ms FROM "Grant" WHERE id = ANY(${ids}::uuid[]) AND status = 'revoked'`;
  const lags = rows.map((r) => r.ms);
  return { lags, lastMs: lags.length ? Math.max(...lags) : NaN };
}

/** The worst lag (ms) of the grants whose window ended in each second of the run: whether a tail is spread out or a few stalls. */
export async function worstLagBySecond(db: Db, ids: string[]): Promise<{ second: number; n: number; worst: number }[]> {
  const rows = await db.$queryRaw<{ second: number; n: number; worst: number }[]>`
    WITH l AS (SELECT "expiresAt", extract(epoch FROM ("revokedAt" - "expiresAt")) * 1000 AS ms FROM "Grant" WHERE id = ANY(${ids}::uuid[]) AND status = 'revoked')
    SELECT floor(extract(epoch FROM ("expiresAt" - (SELECT min("expiresAt") FROM l))))::int AS second, count(*)::int AS n, max(ms)::float8 AS worst
    FROM l GROUP BY 1 ORDER BY 1`;
  return rows;
}

/** How many of `ids` have their revoke recorded exactly once, and how many more than once (`grant.revoked` events). */
export async function revokeCounts(db: Db, ids: string[]): Promise<{ once: number; twice: number }> {
  const [row] = await db.$queryRaw<{ once: bigint; twice: bigint }[]>`
    SELECT count(*) FILTER (WHERE n = 1) AS once, count(*) FILTER (WHERE n > 1) AS twice
    FROM (SELECT count(*) AS n FROM "AuditEvent" WHERE "subjectId" = ANY(${ids}::text[]) AND action = 'grant.revoked' GROUP BY "subjectId") d`;
  return { once: Number(row.once), twice: Number(row.twice) };
}

/** Login roles the issuer made (hg_…) still present at a target. */
export async function rolesLeft(pool: pg.Pool): Promise<number> {
  return Number((await pool.query(`SELECT count(*) FROM pg_roles WHERE rolname LIKE 'hg\\_%'`)).rows[0].count);
}
