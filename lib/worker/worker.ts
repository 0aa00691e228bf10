import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { getDb, type Db } from "../db";
import { requireDatabaseUrl } from "../env";
import { expireRequests, nextRequestExpiry } from "../requests/expire-requests";
import { nextReminderDue, remindRequests } from "../requests/remind-requests";
import { nextRevokeDue, revokeDueGrants } from "../grants/revoke-due-grants";
import { issueDueGrants, nextIssueDue } from "../grants/issue-due-grants";
import { syncExtensions } from "../grants/sync-extensions";
import { deliverNotifications, nextNotificationDue } from "../notifications/deliver-notifications";
import { anyUnhealthyIssuer, checkAllIssuers, probeUnhealthyIssuers } from "../issuers/issuer-health";
import { escalateCampaigns, nextCampaignEscalation } from "../attestations/escalate-campaigns";
import { closeEndedExceptions, nextExceptionCloseDue } from "../exceptions/close-ended-exceptions";
import { nextExceptionReminderDue, remindExpiringExceptions } from "../exceptions/remind-expiring-exceptions";
import { nextReevaluation, reevaluateGrants } from "../policy/reevaluate-grants";
import { nextRevokedTokenPrune, pruneRevokedTokens } from "../issuers/token";
import { WAKE_CHANNEL, parseWake } from "./wake";
import { checkpointAuditOnSchedule, nextAuditCheckpointDue } from "../audit-log/checkpoints";
import { exportCheckpointsToUrl, nextCheckpointExportDue } from "../audit-log/export-checkpoints";
import { databaseClockOffsetMs } from "../grants/lease";
import { nextDrillDue, runDueDrills } from "../drills/schedule";
import { startLeadership, type Leadership } from "./leadership";

// The durable worker: all its state lives in PostgreSQL, so any number of processes can run it.
// Each lane sleeps until its next due instant (or a NOTIFY from a change), never on a coarse poll,
// and lanes run side by side so a slow notification never delays a revocation.
// Per-row work (issue, revoke, expiry, notifications) is claimed row by row and runs on every
// worker in parallel; housekeeping that is for the whole cluster runs on the leader only
// (lib/worker/leadership.ts), so N replicas do not re-check policy or probe issuers N times.

export type Lane = {
  name: string;
  /** Does what is due now; returns how many items it handled (more than 0 means "look again"). */
  run: (db: Db, now: Date) => Promise<number>;
  /** The next instant this lane has work (on the database's clock), or null when nothing is scheduled. */
  next: (db: Db, now: Date) => Promise<Date | null>;
  /** Once per cluster: only the worker holding the leadership lock runs it. */
  cluster?: boolean;
};

const earliest = (...dates: (Date | null)[]) => dates.reduce<Date | null>((a, b) => (b && (!a || b < a) ? b : a), null);

let lastFullHealthCheck = 0;
const FULL_HEALTH_MS = 60_000;

export const lanes: Lane[] = [
  // Grants are claimed, leased and revoked on the database's clock (now() in SQL).
  { name: "revoke", run: (db) => revokeDueGrants({ db }), next: nextRevokeDue },
  { name: "policy-drift", run: (db, now) => reevaluateGrants({ db, now }), next: async () => nextReevaluation(), cluster: true },
  {
    name: "issue",
    run: async (db) => (await issueDueGrants({ db })) + (await syncExtensions({ db })),
    next: nextIssueDue,
  },
  { name: "requests", run: (db, now) => expireRequests({ db, now }), next: nextRequestExpiry },
  { name: "notify", run: (db, now) => deliverNotifications({ db, now }), next: nextNotificationDue },
  { name: "exceptions", run: (db, now) => closeEndedExceptions({ db, now }), next: nextExceptionCloseDue },
  // Reminders and escalations of requests and exceptions (each row is still claimed, so a brief
  // overlap of two leaders during a hand-over sends nothing twice).
  {
    name: "reminders",
    run: async (db, now) => (await remindRequests({ db, now })) + (await remindExpiringExceptions({ db, now })),
    next: async (db) => earliest(await nextReminderDue(db), await nextExceptionReminderDue(db)),
    cluster: true,
  },
  { name: "attestations", run: (db, now) => escalateCampaigns({ db, now }), next: nextCampaignEscalation, cluster: true },
  { name: "deny-list", run: (db) => pruneRevokedTokens(db), next: nextRevokedTokenPrune, cluster: true },
  // Revocation drills: each issuer's canary, once per cluster per interval (on the leader; the
  // issuer's lease in its row still guards a hand-over).
  { name: "drills", run: (db) => runDueDrills({ db }), next: nextDrillDue, cluster: true },
  { name: "audit-checkpoint", run: (db) => checkpointAuditOnSchedule({ db }), next: nextAuditCheckpointDue, cluster: true },
  { name: "audit-checkpoint-export", run: (db) => exportCheckpointsToUrl({ db }), next: nextCheckpointExportDue, cluster: true },
  {
    name: "issuer-health",
    cluster: true,
    run: async (db) => {
      if (Date.now() - lastFullHealthCheck >= FULL_HEALTH_MS) {
        lastFullHealthCheck = Date.now();
        await checkAllIssuers({ db });
        return 0;
      }
      // Recovered issuers make their failed revokes due; report them as work so lanes wake.
      return probeUnhealthyIssuers({ db });
    },
    next: async (db, now) => new Date(now.getTime() + Math.min(lastFullHealthCheck + FULL_HEALTH_MS - Date.now(), (await anyUnhealthyIssuer(db)) ? 1000 : Infinity)),
  },
];

const HEARTBEAT_MS = 10_000;
/** Upper bound on a sleep, so a missed notification (dropped connection) costs at most this long. */
const MAX_SLEEP_MS = 30_000;

export type WorkerHandle = { id: string; stop: () => Promise<void>; wake: () => void; /** Whether this process runs the cluster lanes now. */ leading: () => boolean };

export function startWorker(opts: { db?: Db; log?: (msg: string) => void; lanes?: Lane[] } = {}): WorkerHandle {
  const db = opts.db ?? getDb();
  const log = opts.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let stopped = false;
  // The database's clock minus this process's: every due instant is the database's, so a process
  // whose clock is off still wakes on time.
  let clockOffsetMs = 0;
  const dbNow = () => Date.now() + clockOffsetMs;
  let listener: pg.Client | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let heartbeatStop: (() => void) | undefined;
  const selected = opts.lanes ?? lanes;
  // Since when this process leads (the database's clock), written to its heartbeat at each change.
  let leaderSince: Date | null = null;
  const beat = () => db.workerHeartbeat.upsert({ where: { id }, create: { id, host: hostname(), pid: process.pid, leaderSince }, update: { beatAt: new Date(dbNow()), leaderSince } });
  const leadership: Leadership | undefined = selected.some((l) => l.cluster)
    ? startLeadership({
        name: id,
        log,
        onChange: (leading) => {
          leaderSince = leading ? new Date(dbNow()) : null;
          beat().catch((e) => log(`heartbeat: ${(e as Error).message}`));
          // The cluster lanes waiting for leadership look now.
          if (leading) wake();
        },
      })
    : undefined;

  // Per lane: when its current sleep ends, how to end it early, and the earliest instant announced
  // since it last looked at the database (a wake that arrives while it is busy is not lost).
  type LaneState = { until: number; interrupt: (() => void) | null; announced: number };
  const states: LaneState[] = [];

  /** Something became due at `at` (ms; 0 = now): lanes sleeping past it wake, busy lanes remember it. */
  const wakeAt = (at: number) => {
    for (const st of states) {
      st.announced = Math.min(st.announced, at);
      if (st.interrupt && at < st.until) st.interrupt();
    }
  };
  const wake = () => wakeAt(0);

  const sleep = (st: LaneState, until: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        st.interrupt = null;
        resolve();
      };
      st.until = until;
      st.interrupt = done;
      const timer = setTimeout(done, Math.max(0, until - dbNow()));
    });

  async function listen() {
    if (stopped) return;
    const client = new pg.Client({ connectionString: requireDatabaseUrl() });
    client.on("notification", (msg) => wakeAt(parseWake(msg.payload).at));
    client.on("error", (e) => {
      if (stopped) return;
      log(`notification connection lost (${e.message}); timers still run, reconnecting`);
      listener = undefined;
      setTimeout(() => void listen(), 1000);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${WAKE_CHANNEL}`);
      listener = client;
      if (stopped) await client.end();
    } catch (e) {
      log(`cannot LISTEN (${(e as Error).message}); retrying`);
      await client.end().catch(() => undefined);
      if (!stopped) setTimeout(() => void listen(), 2000);
    }
  }

  async function runLane(lane: Lane) {
    const st: LaneState = { until: 0, interrupt: null, announced: Infinity };
    states.push(st);
    await clockKnown;
    while (!stopped) {
      if (lane.cluster && !leadership?.leading()) {
        // A standby's cluster lane waits; gaining leadership wakes it.
        await sleep(st, dbNow() + MAX_SLEEP_MS);
        continue;
      }
      try {
        st.announced = Infinity;
        const handled = await lane.run(db, new Date(dbNow()));
        if (handled > 0) {
          if (lane.name === "issuer-health") wake();
          continue;
        }
        const next = await lane.next(db, new Date(dbNow()));
        await sleep(st, Math.min(dbNow() + MAX_SLEEP_MS, next ? next.getTime() : Infinity, st.announced));
      } catch (e) {
        if (stopped) break;
        log(`${lane.name}: ${(e as Error).message}`);
        await sleep(st, dbNow() + 1000);
      }
    }
  }

  async function heartbeat() {
    while (!stopped) {
      try {
        clockOffsetMs = await databaseClockOffsetMs(db);
        await beat();
      } catch (e) {
        if (!stopped) log(`heartbeat: ${(e as Error).message}`);
      }
      await new Promise<void>((resolve) => {
        heartbeatTimer = setTimeout(resolve, HEARTBEAT_MS);
        heartbeatStop = resolve;
      });
    }
  }

  void listen();
  const clockKnown = databaseClockOffsetMs(db).then(
    (o) => void (clockOffsetMs = o),
    () => undefined,
  );
  const running = [heartbeat(), ...selected.map(runLane)];
  log(`started ${id}`);

  return {
    id,
    wake,
    leading: () => leadership?.leading() ?? false,
    stop: async () => {
      stopped = true;
      wake();
      clearTimeout(heartbeatTimer);
      heartbeatStop?.();
      await Promise.allSettled(running);
      await leadership?.stop();
      await listener?.end().catch(() => undefined);
      await db.workerHeartbeat.delete({ where: { id } }).catch(() => undefined);
    },
  };
}
