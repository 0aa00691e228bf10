import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { getDb } from "../db";
import { childEnv } from "../env";
import { systemActor } from "../authz";
import { verifyAuditChain } from "../audit";
import { roleNameFor } from "../issuers/postgres";
import type { PgTarget } from "./pg-target";

// Drives fault scenarios against real processes: worker processes started and killed with -9,
// grants seeded in bulk on the database's clock, and the verdict after recovery.

const ROOT = path.resolve(import.meta.dirname, "..", "..");

export type WorkerProcess = { child: ChildProcess; ready: Promise<void>; kill9: () => Promise<void>; stop: () => Promise<void>; output: () => string };

export function spawnWorker(opts: { databaseUrl: string; leaseMs: number; clockOffsetMs?: number; env?: Record<string, string> }): WorkerProcess {
  const args = ["--import", path.join(ROOT, "lib/testing/clock-offset.mjs"), path.join(ROOT, "scripts/worker.ts")];
  const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), args, {
    cwd: ROOT,
    env: childEnv({ DATABASE_URL: opts.databaseUrl, DATABASE_POOL_SIZE: "20", HOURGLASS_LEASE_MS: String(opts.leaseMs), HOURGLASS_TEST_CLOCK_OFFSET_MS: String(opts.clockOffsetMs ?? 0), ...opts.env }),
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: tsx runs the worker in a child node process, and -9 must reach that
    // process too (killing only tsx leaves the worker running, orphaned, holding its connections).
    detached: true,
  });
  let out = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes("[worker] started")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before it started:\n${out}`)));
  });
  ready.catch(() => undefined);
  return {
    child,
    ready,
    output: () => out,
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Inserts `n` approved grants (status issuing) whose window ends `windowMs` after the database's now. */
export async function seedGrants(opts: { n: number; identityId: string; entitlementId: string; issuerId: string; windowMs: number }): Promise<string[]> {
  const rows = await getDb().$queryRaw<{ id: string }[]>`
    INSERT INTO "Grant" (id, "identityId", "entitlementId", "issuerId", status, "expiresAt", "updatedAt")
    SELECT gen_random_uuid(), ${opts.identityId}::uuid, ${opts.entitlementId}::uuid, ${opts.issuerId}::uuid, 'issuing',
           (now() AT TIME ZONE 'UTC') + make_interval(secs => ${opts.windowMs / 1000}::float8), now()
    FROM generate_series(1, ${opts.n})
    RETURNING id::text`;
  await getDb().$executeRaw`SELECT pg_notify('hourglass_wake', 'grant.issuing')`;
  return rows.map((r) => r.id);
}

/** Moves the end of every window in `ids` to `ms` after the database's now: many grants ending at once. */
export async function endWindowsIn(ids: string[], ms: number): Promise<void> {
  await getDb().$executeRaw`
    UPDATE "Grant" SET "expiresAt" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${ms / 1000}::float8)
    WHERE id = ANY(${ids}::uuid[]) AND status = 'active'`;
  await getDb().$executeRaw`SELECT pg_notify('hourglass_wake', 'grant.active')`;
}

export async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function countByStatus(ids: string[]): Promise<Record<string, number>> {
  const rows = await getDb().grant.groupBy({ by: ["status"], where: { id: { in: ids } }, _count: true });
  return Object.fromEntries(rows.map((r) => [r.status, r._count]));
}

export type Verdict = {
  grants: number;
  /** Grants not ended (revoked) at the end of the scenario. */
  notEnded: number;
  /** Revoked more than 1 s after their window ended, and the worst lag (ms), on the database's clock. */
  outlived: number;
  worstLagMs: number;
  /** Grants issued or revoked more than once (two successful outcomes recorded). */
  duplicates: number;
  /** Roles at the target that no live grant accounts for, and sessions left open. */
  orphans: number;
  sessions: number;
  auditOk: boolean;
};

/** What happened to `ids`: each should have ended at the target, once, with nothing left over. */
export async function verdict(ids: string[], target: PgTarget): Promise<Verdict> {
  const db = getDb();
  const grants = await db.grant.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, expiresAt: true, revokedAt: true } });
  const lags = grants.filter((g) => g.revokedAt).map((g) => g.revokedAt!.getTime() - g.expiresAt.getTime());
  const dup = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM (
      SELECT "subjectId", action FROM "AuditEvent"
      WHERE "subjectId" = ANY(${ids}::text[]) AND action IN ('grant.issued', 'grant.revoked')
      GROUP BY "subjectId", action HAVING count(*) > 1) d`;
  const live = new Set(grants.filter((g) => g.status === "active").map((g) => roleNameFor(g.id)));
  // Only this scenario's roles: other grants may share the target.
  const mine = new Set(ids.map(roleNameFor));
  const roles = (await target.liveRoles()).filter((r) => mine.has(r));
  return {
    grants: grants.length,
    notEnded: grants.filter((g) => g.status !== "revoked").length,
    outlived: lags.filter((l) => l > 1000).length,
    worstLagMs: lags.length ? Math.max(...lags) : 0,
    duplicates: Number(dup[0].n),
    orphans: roles.filter((r) => !live.has(r)).length,
    sessions: await target.liveSessions(),
    auditOk: (await verifyAuditChain({ db, actor: systemActor("worker") })).ok,
  };
}
