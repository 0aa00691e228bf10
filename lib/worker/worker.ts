import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { getDb, type Db } from "../db";
import { requireDatabaseUrl } from "../env";
import { expireRequests, nextRequestExpiry } from "../requests/expire-requests";
import { WAKE_CHANNEL } from "./wake";

// The durable worker: all its state lives in PostgreSQL, so any number of processes can run it.
// It sleeps until the next due instant (or a NOTIFY from a change), never on a coarse poll.

export type Job = {
  name: string;
  /** Does what is due now; returns how many items it handled (a full batch means "run again"). */
  run: (db: Db, now: Date) => Promise<number>;
  /** The next instant this job has work, or null when nothing is scheduled. */
  next: (db: Db) => Promise<Date | null>;
};

export const jobs: Job[] = [
  { name: "expire-requests", run: (db, now) => expireRequests({ db, now }), next: nextRequestExpiry },
];

const HEARTBEAT_MS = 10_000;
/** Upper bound on a sleep, so a missed notification (dropped connection) costs at most this long. */
const MAX_SLEEP_MS = 30_000;

export type WorkerHandle = { id: string; stop: () => Promise<void>; wake: () => void };

export function startWorker(opts: { db?: Db; log?: (msg: string) => void } = {}): WorkerHandle {
  const db = opts.db ?? getDb();
  const log = opts.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wakeUp: (() => void) | undefined;
  let listener: pg.Client | undefined;
  let loopDone: Promise<void> = Promise.resolve();

  const wake = () => {
    if (timer) clearTimeout(timer);
    wakeUp?.();
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wakeUp = resolve;
      timer = setTimeout(resolve, Math.max(0, ms));
    });

  async function listen() {
    try {
      listener = new pg.Client({ connectionString: requireDatabaseUrl() });
      listener.on("notification", wake);
      listener.on("error", (e) => {
        log(`notification connection lost (${e.message}); relying on timers until it is back`);
        listener = undefined;
        if (!stopped) setTimeout(listen, 1000);
      });
      await listener.connect();
      await listener.query(`LISTEN ${WAKE_CHANNEL}`);
    } catch (e) {
      log(`cannot LISTEN (${(e as Error).message}); retrying`);
      listener = undefined;
      if (!stopped) setTimeout(listen, 2000);
    }
  }

  async function beat() {
    await db.workerHeartbeat.upsert({
      where: { id },
      create: { id, host: hostname(), pid: process.pid },
      update: { beatAt: new Date() },
    });
  }

  async function loop() {
    let lastBeat = 0;
    while (!stopped) {
      let busy = false;
      try {
        if (Date.now() - lastBeat >= HEARTBEAT_MS) {
          await beat();
          lastBeat = Date.now();
        }
        for (const job of jobs) {
          const handled = await job.run(db, new Date());
          if (handled > 0) busy = true;
        }
        if (busy) continue;
        const nexts = await Promise.all(jobs.map((j) => j.next(db)));
        const due = nexts.filter((d): d is Date => d !== null).map((d) => d.getTime());
        const until = Math.min(Date.now() + MAX_SLEEP_MS, lastBeat + HEARTBEAT_MS, ...due);
        await sleep(until - Date.now());
      } catch (e) {
        if (stopped) break;
        log(`cycle failed: ${(e as Error).message}`);
        await sleep(1000);
      }
    }
  }

  void listen();
  loopDone = loop();
  log(`started ${id}`);

  return {
    id,
    wake,
    stop: async () => {
      stopped = true;
      wake();
      await loopDone;
      await listener?.end().catch(() => undefined);
      await db.workerHeartbeat.delete({ where: { id } }).catch(() => undefined);
    },
  };
}
