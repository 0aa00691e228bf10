import { Prisma } from "../generated/prisma/client";
import type { Db } from "../db";
import { env } from "../env";

// Leases on claimed grants. A worker claims a batch and works through it a few grants at a time;
// each grant's lease is renewed (every third of the lease, in one statement for the whole batch)
// until its issuer call has returned, so a slow call keeps its grant and a dead worker's grants
// are taken over one lease after its last renewal. Every instant is the database's: a worker
// whose own clock is off neither steals leases nor revokes late.

/** How long a claim holds without renewal. */
export function leaseMs(): number {
  return env.HOURGLASS_LEASE_MS;
}

/** Hard bound on one issuer call; past it the call counts as a transient failure. */
export const CALL_DEADLINE_MS = 120_000;

/** "Now" for a claim: the database's clock, or an instant a test simulates. */
export function nowSql(now?: Date): Prisma.Sql {
  return now ? Prisma.sql`(${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')` : Prisma.sql`(now() AT TIME ZONE 'UTC')`;
}

/** `now` plus `ms`, in SQL. */
export function laterSql(ms: number, now?: Date): Prisma.Sql {
  return Prisma.sql`(${nowSql(now)} + make_interval(secs => ${ms / 1000}::float8))`;
}

/** The database clock as this process sees it: one round trip, halved. */
export async function databaseClockOffsetMs(db: Db): Promise<number> {
  const t0 = Date.now();
  const [row] = await db.$queryRaw<{ at: Date }[]>`SELECT now() AS at`;
  const t1 = Date.now();
  return row.at.getTime() - (t0 + t1) / 2;
}

/** A clock that reads the database's time, anchored once and advanced by this process's monotonic clock. */
export type DbClock = () => Date;

export function dbClockFrom(dbNow: Date): DbClock {
  const anchor = performance.now();
  return () => new Date(dbNow.getTime() + (performance.now() - anchor));
}

type Held = { id: string; attempts: number };

export type LeaseKeeper = {
  /** Whether this worker still holds the grant (its renewals have not been refused). */
  holds: (id: string) => boolean;
  /** The grant's call is over: stop renewing it. */
  release: (id: string) => void;
  stop: () => void;
};

/**
 * Renews the leases of `held` until each is released. For `issuing` grants it also moves
 * issueLeaseUntil, also after a revoke was requested meanwhile: the call is still in flight, and
 * the revoke must not be confirmed before it has landed or died.
 */
export function keepLeases(db: Db, lane: "issue" | "revoke", held: Held[], ms = leaseMs()): LeaseKeeper {
  const open = new Map(held.map((h) => [h.id, h.attempts]));
  const lost = new Set<string>();
  let running = false;
  const renew = async () => {
    if (running || open.size === 0) return;
    running = true;
    const rows = JSON.stringify([...open].map(([id, attempts]) => ({ id, attempts })));
    try {
      const kept =
        lane === "revoke"
          ? await db.$queryRaw<{ id: string }[]>`
              UPDATE "Grant" g SET "nextAttemptAt" = ${laterSql(ms)}
              FROM jsonb_to_recordset(${rows}::jsonb) AS v(id uuid, attempts int)
              WHERE g.id = v.id AND g.attempts = v.attempts AND g.status = 'revoking'
              RETURNING g.id::text`
          : await db.$queryRaw<{ id: string }[]>`
              UPDATE "Grant" g SET
                "issueLeaseUntil" = greatest(g."issueLeaseUntil", ${laterSql(ms)}),
                "nextAttemptAt" = CASE WHEN g.status = 'issuing' THEN ${laterSql(ms)} ELSE g."nextAttemptAt" END
              FROM jsonb_to_recordset(${rows}::jsonb) AS v(id uuid, attempts int)
              WHERE g.id = v.id AND ((g.status = 'issuing' AND g.attempts = v.attempts) OR g.status IN ('revoking', 'revoke_failed'))
              RETURNING g.id::text`;
      const mine = new Set(kept.map((k) => k.id));
      for (const id of open.keys()) if (!mine.has(id)) lost.add(id);
    } catch {
      // The database is unreachable: the lease runs on; the outcome is fenced when recorded.
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void renew(), Math.max(100, Math.floor(ms / 3)));
  timer.unref();
  return {
    holds: (id) => !lost.has(id),
    release: (id) => void open.delete(id),
    stop: () => clearInterval(timer),
  };
}

const REANCHOR_MS = 60_000;
let anchored: { dbMs: number; perf: number } | null = null;

/**
 * The database's "now" for windows and leases written by request handlers (a grant's end, an
 * inline issue's lease), so every process puts them on the clock the worker revokes by. Read
 * once a minute (half a round trip off at most), advanced meanwhile by the monotonic clock, so a
 * step of this host's wall clock moves nothing and a request costs no extra round trip.
 */
export async function databaseNow(db: Pick<Db, "$queryRaw">): Promise<Date> {
  if (!anchored || performance.now() - anchored.perf > REANCHOR_MS) {
    const t0 = performance.now();
    const [row] = await db.$queryRaw<{ at: Date }[]>`SELECT clock_timestamp() AS at`;
    const t1 = performance.now();
    anchored = { dbMs: row.at.getTime(), perf: (t0 + t1) / 2 };
  }
  return new Date(anchored.dbMs + (performance.now() - anchored.perf));
}

/** Forgets the anchor (tests that point the process at another database server). */
export function forgetDatabaseNow(): void {
  anchored = null;
}
