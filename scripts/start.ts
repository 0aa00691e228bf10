// `npm start` / `npm run dev`: one command from a fresh clone to a running Hourglass.
// Without DATABASE_URL it starts an embedded PostgreSQL whose data lives in .data/, applies
// migrations, seeds demo data on first start, builds if the sources changed, and serves.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env, envIsSet, setProcessEnv } from "../lib/env";
import { startEmbeddedPostgres, type EmbeddedServer } from "../lib/platform/embedded-postgres";
import { buildFingerprint } from "./lib/fingerprint";

const root = path.resolve(import.meta.dirname, "..");
const dev = process.argv.includes("--dev");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const say = (msg: string) => console.log(`[hourglass] ${msg}`);
const started = Date.now();

type LocalSecrets = { authSecret: string; sealKey: string; pgPassword: string };

/** Secrets for a local install, made once and kept beside the data (mode 600). */
function localSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as LocalSecrets;
  const secrets = {
    authSecret: randomBytes(32).toString("base64url"),
    sealKey: randomBytes(32).toString("base64url"),
    pgPassword: randomBytes(18).toString("base64url"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

function runOrExit(cmd: string, args: string[], what: string) {
  const t = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: process.env });
  if (r.status !== 0) {
    console.error(`[hourglass] ${what} failed (exit ${r.status ?? r.signal}).`);
    throw new Error(what);
  }
  say(`${what} done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

let server: EmbeddedServer | undefined;
let app: ChildProcess | undefined;
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  if (app && app.exitCode === null) {
    app.kill("SIGTERM");
    await new Promise((r) => app!.once("exit", r));
  }
  if (server) {
    say("stopping the embedded PostgreSQL");
    await server.stop().catch((e) => console.error(e));
  }
  process.exit(code);
}

async function main() {
  setProcessEnv({ NEXT_TELEMETRY_DISABLED: "1" });
  const dataDir = path.resolve(root, env.HOURGLASS_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  const embedded = !env.DATABASE_URL;
  if (embedded || !env.AUTH_SECRET || !env.HOURGLASS_SECRET_KEY) {
    const s = localSecrets(dataDir);
    setProcessEnv({ AUTH_SECRET: env.AUTH_SECRET ?? s.authSecret, HOURGLASS_SECRET_KEY: env.HOURGLASS_SECRET_KEY ?? s.sealKey });
  }

  if (embedded) {
    const t = Date.now();
    server = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, "pg"),
      port: env.HOURGLASS_PG_PORT,
      password: localSecrets(dataDir).pgPassword,
      databases: ["hourglass"],
      logFile: path.join(dataDir, "postgres.log"),
    });
    setProcessEnv({ DATABASE_URL: server.url("hourglass") });
    say(`embedded PostgreSQL on 127.0.0.1:${server.port} (data in ${path.relative(root, dataDir)}/pg) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    // A local demo signs in with the demo users; a deployment with its own database uses SSO unless told otherwise.
    if (!envIsSet("HOURGLASS_LOCAL_SIGNIN")) {
      setProcessEnv({ HOURGLASS_LOCAL_SIGNIN: "true" });
      say("local sign-in is on (embedded demo database); set HOURGLASS_LOCAL_SIGNIN=false to turn it off");
    }
  }

  runOrExit(bin("prisma"), ["migrate", "deploy"], "database migrations");

  if (embedded || env.HOURGLASS_SEED) {
    const { getDb, disconnectDb } = await import("../lib/db");
    const users = await getDb().user.count();
    await disconnectDb();
    if (users === 0) runOrExit(bin("tsx"), [path.join(root, "prisma", "seed.ts")], "demo data");
  }

  if (!dev) {
    const stamp = path.join(root, ".next", "hourglass-fingerprint");
    const fingerprint = buildFingerprint(root);
    const built = existsSync(path.join(root, ".next", "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === fingerprint;
    if (built) say("production build is up to date");
    else {
      runOrExit(bin("next"), ["build"], "production build");
      writeFileSync(stamp, fingerprint);
    }
  }

  const port = String(env.PORT);
  app = spawn(bin("next"), [dev ? "dev" : "start", "-p", port, "-H", env.HOST], {
    cwd: root,
    stdio: "inherit",
    env: process.env,
  });
  app.once("spawn", () => say(`serving on http://localhost:${port} (ready ${((Date.now() - started) / 1000).toFixed(1)} s after start)`));
  app.once("exit", (code) => void shutdown(code ?? 0));
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown(0));

main().catch(async (e) => {
  console.error(`[hourglass] ${(e as Error).message}`);
  await shutdown(1);
});
