import type { Db } from "../db";
import { appendAudit } from "../audit";
import { systemActor } from "../authz";
import { Prisma } from "../generated/prisma/client";
import { nowSql } from "../grants/lease";
import { performDrill, type AfterStep } from "./perform-drill";

/** How long a drill holds its issuer's claim: longer than its four bounded steps together. */
export const DRILL_LEASE_MS = 5 * 60_000;
export const DEFAULT_DRILL_INTERVAL_SEC = 3600;

/** When an issuer's next scheduled drill is due: its recorded instant, or one interval after it was created. */
const dueSql = Prisma.sql`coalesce("drillNextAt", "createdAt" + make_interval(secs => "drillIntervalSec"))`;

/**
 * Runs the scheduled drills that are due, once per cluster: each issuer is claimed with FOR UPDATE
 * SKIP LOCKED and a lease on its row (so a second worker neither waits nor runs it too), and its
 * next drill is scheduled in the same statement.
 */
export async function runDueDrills({ db, now, limit = 4, afterStep }: { db: Db; now?: Date; limit?: number; afterStep?: AfterStep }): Promise<number> {
  const claimed = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Issuer" i SET
      "drillLeaseUntil" = ${nowSql(now)} + make_interval(secs => ${DRILL_LEASE_MS / 1000}::float8),
      "drillNextAt" = ${nowSql(now)} + make_interval(secs => i."drillIntervalSec")
    WHERE i.id IN (
      SELECT id FROM "Issuer"
      WHERE enabled AND "drillIntervalSec" > 0 AND ${dueSql} <= ${nowSql(now)}
        AND ("drillLeaseUntil" IS NULL OR "drillLeaseUntil" <= ${nowSql(now)})
      ORDER BY ${dueSql} LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING i.id::text`;
  for (const { id } of claimed) {
    const issuer = await db.issuer.findUniqueOrThrow({ where: { id } });
    const run = await db.$transaction(async (tx) => {
      const r = await tx.drillRun.create({ data: { issuerId: id, trigger: "schedule" } });
      await appendAudit(tx, systemActor("worker"), { action: "drill.started", subjectType: "issuer", subjectId: id, data: { drill: r.id, issuer: issuer.name } });
      return r;
    });
    await performDrill(db, { runId: run.id, issuer, actor: systemActor("worker"), afterStep });
  }
  return claimed.length;
}

/** The next instant a scheduled drill is due (or a drill's claim ends), on the database's clock. */
export async function nextDrillDue(db: Db): Promise<Date | null> {
  const [row] = await db.$queryRaw<{ at: Date | null }[]>`
    SELECT min(greatest(${dueSql}, coalesce("drillLeaseUntil", ${dueSql}))) AS at
    FROM "Issuer" WHERE enabled AND "drillIntervalSec" > 0`;
  return row?.at ?? null;
}
