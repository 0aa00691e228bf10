import pg from "pg";
import { getDb } from "../db";
import { requireDatabaseUrl } from "../env";
import { WAKE_CHANNEL } from "../worker/wake";

// What changed, for pages that stay open: every change in Hourglass appends an audit event, so the
// audit table's sequence is the change feed. One reader per process, however many pages listen:
// woken at once by the workers' NOTIFY (a request waiting, a grant issuing or revoking) and on a
// short timer for what no NOTIFY announces (a worker finishing a revoke), it reads the events after
// the last one it saw and hands their subjects to every listener.

export type Change = { subjectType: string; subjectId: string | null; action: string };
type Listener = (changes: Change[]) => void;

const POLL_MS = 1500;
const BATCH = 2000;

type Feed = { listeners: Set<Listener>; last: bigint | null; timer?: ReturnType<typeof setInterval>; client?: pg.Client; reading: boolean; again: boolean; primed: (() => void)[] };
const feed: Feed = { listeners: new Set(), last: null, reading: false, again: false, primed: [] };

/** Resolves once the running feed knows where the audit table ends: what is appended after is delivered. */
export function feedPrimed(): Promise<void> {
  return feed.last !== null ? Promise.resolve() : new Promise((resolve) => feed.primed.push(resolve));
}

/** Calls `fn` with each batch of changes from now on; returns the function that stops it. */
export function onChanges(fn: Listener): () => void {
  feed.listeners.add(fn);
  if (feed.listeners.size === 1) start();
  return () => {
    feed.listeners.delete(fn);
    if (feed.listeners.size === 0) stop();
  };
}

function start() {
  feed.timer = setInterval(() => void read(), POLL_MS);
  void listen();
  void read();
}

function stop() {
  clearInterval(feed.timer);
  feed.timer = undefined;
  const client = feed.client;
  feed.client = undefined;
  feed.last = null;
  void client?.end().catch(() => undefined);
}

async function listen() {
  const client = new pg.Client({ connectionString: requireDatabaseUrl(), application_name: "hourglass-change-feed" });
  client.on("notification", () => void read());
  // A lost connection only slows the feed to its timer; the next listener start reconnects.
  client.on("error", () => {
    if (feed.client === client) feed.client = undefined;
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${WAKE_CHANNEL}`);
    if (feed.listeners.size === 0) return void client.end();
    feed.client = client;
  } catch {
    await client.end().catch(() => undefined);
  }
}

/** Reads what was appended since the last read; one read at a time, a wake during it reads again. */
async function read() {
  if (feed.reading) {
    feed.again = true;
    return;
  }
  feed.reading = true;
  try {
    do {
      feed.again = false;
      const db = getDb();
      if (feed.last === null) {
        const [{ max }] = await db.$queryRaw<{ max: bigint | null }[]>`SELECT max(seq) AS max FROM "AuditEvent"`;
        feed.last = max ?? 0n;
        feed.primed.splice(0).forEach((resolve) => resolve());
        continue;
      }
      const rows = await db.$queryRaw<(Change & { seq: bigint })[]>`
        SELECT seq, "subjectType", "subjectId", action FROM "AuditEvent" WHERE seq > ${feed.last} ORDER BY seq LIMIT ${BATCH}`;
      if (rows.length === 0) continue;
      feed.last = rows[rows.length - 1].seq;
      const changes = rows.map(({ subjectType, subjectId, action }) => ({ subjectType, subjectId, action }));
      for (const fn of feed.listeners) fn(changes);
      if (rows.length === BATCH) feed.again = true;
    } while (feed.again && feed.listeners.size > 0);
  } catch {
    // The database is away: the timer tries again.
  } finally {
    feed.reading = false;
  }
}
