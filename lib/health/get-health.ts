import { getDb } from "../db";
import { lastDrills } from "../drills/find-drills";

const WORKER_STALE_MS = 30_000;

export type Health = {
  status: "ok" | "degraded" | "down";
  database: { ok: boolean; latencyMs?: number; error?: string };
  /** `leader`: the worker process that runs the once-per-cluster lanes (lib/worker/leadership.ts). */
  worker: { ok: boolean; processes: number; lastBeatAt: string | null; leader: { id: string; since: string } | null };
  issuers: { name: string; type: string; ok: boolean | null; checkedAt: string | null; error: string | null; drill: { ok: boolean; at: string; timeToRevokeMs: number | null; error: string | null } | null }[];
};

/** Database reachability, the newest worker heartbeat, and each issuer's last known health. */
export async function getHealth(): Promise<Health> {
  const db = getDb();
  const t = performance.now();
  try {
    await db.$queryRaw`SELECT 1`;
  } catch (e) {
    return { status: "down", database: { ok: false, error: (e as Error).message.slice(0, 200) }, worker: { ok: false, processes: 0, lastBeatAt: null, leader: null }, issuers: [] };
  }
  const latencyMs = Math.round((performance.now() - t) * 10) / 10;
  const [beats, issuers, drills] = await Promise.all([
    db.workerHeartbeat.findMany({ where: { beatAt: { gte: new Date(Date.now() - WORKER_STALE_MS) } }, orderBy: { beatAt: "desc" } }),
    db.issuer.findMany({ where: { enabled: true }, orderBy: { name: "asc" } }),
    lastDrills(db),
  ]);
  const drillOf = new Map(drills.map((d) => [d.issuer.id, d]));
  // A leader killed with -9 leaves its row until it is stale: the newest live claim is the leader.
  const leader = beats.filter((b) => b.leaderSince).sort((a, b) => b.leaderSince!.getTime() - a.leaderSince!.getTime())[0];
  const worker = { ok: beats.length > 0, processes: beats.length, lastBeatAt: beats[0]?.beatAt.toISOString() ?? null, leader: leader ? { id: leader.id, since: leader.leaderSince!.toISOString() } : null };
  const list = issuers.map((i) => ({ name: i.name, type: i.type, ok: i.lastHealthOk, checkedAt: i.lastHealthAt?.toISOString() ?? null, error: i.lastHealthOk === false ? i.lastHealthError : null, drill: drillView(drillOf.get(i.id)) }));
  // A failed drill keeps the status degraded until a later drill of that issuer passes.
  const degraded = !worker.ok || list.some((i) => i.ok === false || i.drill?.ok === false);
  return { status: degraded ? "degraded" : "ok", database: { ok: true, latencyMs }, worker, issuers: list };
}

function drillView(d: Awaited<ReturnType<typeof lastDrills>>[number] | undefined) {
  return d ? { ok: d.ok === true, at: d.finishedAt!, timeToRevokeMs: d.timeToRevokeMs, error: d.ok ? null : d.error } : null;
}

/** What anyone who can reach the server may know: up, degraded or down. */
export function publicHealth(h: Health): { status: Health["status"] } {
  return { status: h.status };
}
