import pg from "pg";
import { requireDatabaseUrl } from "../env";

// Leadership of the cluster's housekeeping (policy re-check, issuer probes, drills, reminders…):
// a session-level advisory lock held on a connection of its own for as long as the process lives.
// The server releases it when that session ends, so a leader killed with -9 or cut off from the
// database loses it, and a standby trying every few seconds takes it over. Advisory locks are per
// database: each Hourglass database has its own leader.

/** The leadership lock's key ("hgld"); distinct from the transaction locks of the audit chain, policies and signing keys. */
export const LEADER_LOCK = 0x68676c64;
/** How often a standby tries the lock, and how often the leader checks that its session still answers. */
export const LEADER_RETRY_MS = 2000;
/** A check that takes longer than this counts as a lost connection: the leader steps down. */
const CHECK_TIMEOUT_MS = 5000;

export type Leadership = { leading: () => boolean; stop: () => Promise<void> };

export function startLeadership(opts: {
  name: string;
  log: (msg: string) => void;
  /** Called on every change, after `leading()` has changed. */
  onChange: (leading: boolean) => void;
  connectionString?: string;
  retryMs?: number;
}): Leadership {
  const retryMs = opts.retryMs ?? LEADER_RETRY_MS;
  let leading = false;
  let stopped = false;
  let client: pg.Client | undefined;
  let wakeStop: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (wakeStop = resolve));
  const pause = (ms: number) => Promise.race([new Promise<void>((r) => setTimeout(r, ms).unref()), stopSignal]);

  const stepDown = (reason: string) => {
    if (!leading) return;
    leading = false;
    opts.log(`stepped down from leading the cluster lanes (${reason})`);
    opts.onChange(false);
  };

  async function session() {
    const c = new pg.Client({
      connectionString: opts.connectionString ?? requireDatabaseUrl(),
      application_name: `hourglass-leadership ${opts.name}`.slice(0, 63),
      keepAlive: true,
      connectionTimeoutMillis: CHECK_TIMEOUT_MS,
      query_timeout: CHECK_TIMEOUT_MS,
    });
    client = c;
    // An error or end of this session is a loss of the lock, whatever the lanes are doing.
    const lost = new Promise<string>((resolve) => {
      c.on("error", (e) => resolve(e.message));
      c.on("end", () => resolve("its database session ended"));
    });
    let toldStandby = false;
    try {
      await c.connect();
      while (!stopped) {
        if (!leading) {
          const { rows } = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS ok", [LEADER_LOCK]);
          if (rows[0].ok && !stopped) {
            leading = true;
            opts.log(`leading the cluster lanes ${opts.name}`);
            opts.onChange(true);
          } else if (!toldStandby) {
            toldStandby = true;
            opts.log("standing by: another worker leads the cluster lanes");
          }
        } else {
          await c.query("SELECT 1");
        }
        const reason = await Promise.race([lost, pause(retryMs).then(() => null)]);
        if (reason !== null) throw new Error(reason);
      }
    } catch (e) {
      if (!stopped) {
        if (leading) stepDown((e as Error).message);
        else opts.log(`leadership connection: ${(e as Error).message}; retrying`);
      }
    } finally {
      client = undefined;
      // Ending the session releases the lock; a session that no longer answers is dropped, not awaited.
      await Promise.race([c.end().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    }
  }

  const running = (async () => {
    while (!stopped) {
      await session();
      if (!stopped) await pause(retryMs);
    }
  })();

  return {
    leading: () => leading,
    stop: async () => {
      stopped = true;
      wakeStop();
      const c = client;
      if (leading) {
        leading = false;
        opts.log("handing over the cluster lanes (stopping)");
        opts.onChange(false);
      }
      await c?.end().catch(() => undefined);
      await running;
    },
  };
}
