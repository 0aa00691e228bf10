// `npm start` / `npm run dev`: one command from a fresh clone to a running Hourglass.
// Without DATABASE_URL it starts an embedded PostgreSQL whose data lives in .data/, applies
// migrations, seeds demo data on first start, builds if the sources changed, and serves.
import { spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env, envIsSet, setProcessEnv } from "../lib/env";
import { startEmbeddedPostgres, type EmbeddedServer } from "../lib/platform/embedded-postgres";
import { claimDataDir, releaseDataDir, spawnApp, stopApp } from "../lib/platform/launcher-state";
import { startOpsEndpoint, type RunningOpsEndpoint } from "../lib/demo/ops-endpoint";
import { buildFingerprint } from "./lib/fingerprint";
import { localUrl, waitUntilAnswering } from "./lib/wait-until-answering";
import { nextCli, serverNodeFlags } from "../lib/platform/server-process";

const root = path.resolve(import.meta.dirname, "..");
const dev = process.argv.includes("--dev");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const say = (msg: string) => console.log(`[hourglass] ${msg}`);
const started = Date.now();

type LocalSecrets = { authSecret: string; sealKey: string; pgPassword: string; opsWebhookSecret: string; auditSigningKey: string };

/** Secrets for a local install, made once and kept beside the data (mode 600); ones added later are filled in. */
function localSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<LocalSecrets>) : {};
  const secrets: LocalSecrets = {
    authSecret: kept.authSecret ?? randomBytes(32).toString("base64url"),
    sealKey: kept.sealKey ?? randomBytes(32).toString("base64url"),
    pgPassword: kept.pgPassword ?? randomBytes(18).toString("base64url"),
    opsWebhookSecret: kept.opsWebhookSecret ?? randomBytes(32).toString("base64url"),
    // Ed25519 seed that signs audit checkpoints.
    auditSigningKey: kept.auditSigningKey ?? randomBytes(32).toString("base64url"),
  };
  if (Object.keys(secrets).some((k) => !(k in kept))) {
    // Written whole and renamed: a kill in the middle must not leave a file the next start cannot read.
    writeFileSync(`${file}.tmp`, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }
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
let opsEndpoint: RunningOpsEndpoint | undefined;
let app: ChildProcess | undefined;
let stopping = false;
let claimedDataDir: string | undefined;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  if (app && app.exitCode === null) {
    stopApp(app);
    await new Promise((r) => app!.once("exit", r));
  }
  await opsEndpoint?.close().catch(() => undefined);
  if (server) {
    say("stopping the embedded PostgreSQL");
    await server.stop().catch((e) => console.error(e));
  }
  if (claimedDataDir) releaseDataDir(claimedDataDir);
  process.exit(code);
}

async function main() {
  setProcessEnv({ NEXT_TELEMETRY_DISABLED: "1" });
  const embedded = !env.DATABASE_URL;
  // Replicas on one external database must share their keys: none of them may make its own.
  if (!embedded && (!env.HOURGLASS_SECRET_KEY || !env.AUTH_SECRET)) {
    throw new Error(
      `DATABASE_URL is set but ${!env.HOURGLASS_SECRET_KEY ? "HOURGLASS_SECRET_KEY" : "AUTH_SECRET"} is not. With an external database, set ` +
        "HOURGLASS_SECRET_KEY (seals issuer secrets at rest) and AUTH_SECRET (signs sessions) to the same values on every replica; " +
        "each at least 32 characters, e.g. `openssl rand -base64 32`.",
    );
  }
  const dataDir = path.resolve(root, env.HOURGLASS_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  // After a kill -9 of this launcher, its web server may still run and hold the port: stop it.
  await claimDataDir(dataDir, say);
  claimedDataDir = dataDir;

  if (embedded) {
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
    // Audit checkpoints: signed with a key beside the data, exported beside it (an external database sets its own).
    if (!env.HOURGLASS_AUDIT_SIGNING_KEY) setProcessEnv({ HOURGLASS_AUDIT_SIGNING_KEY: localSecrets(dataDir).auditSigningKey });
    if (!env.HOURGLASS_AUDIT_CHECKPOINT_FILE) setProcessEnv({ HOURGLASS_AUDIT_CHECKPOINT_FILE: path.join(dataDir, "audit-checkpoints.ndjson") });
    say(`embedded PostgreSQL on 127.0.0.1:${server.port} (data in ${path.relative(root, dataDir)}/pg) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    // A local demo signs in with the demo users; a deployment with its own database uses SSO unless told otherwise.
    if (!envIsSet("HOURGLASS_LOCAL_SIGNIN")) {
      setProcessEnv({ HOURGLASS_LOCAL_SIGNIN: "true" });
      say("local sign-in is on (embedded demo database); set HOURGLASS_LOCAL_SIGNIN=false to turn it off");
    }
    if (!envIsSet("HOURGLASS_DEMO")) setProcessEnv({ HOURGLASS_DEMO: "true" });
    // The demo company's ops system, which the demo's signed-webhook issuer grants and revokes in.
    const opsPort = env.HOURGLASS_DEMO_OPS_PORT ?? server.port + 1;
    try {
      opsEndpoint = await startOpsEndpoint({ secret: localSecrets(dataDir).opsWebhookSecret, port: opsPort, stateFile: path.join(dataDir, "demo-ops.json") });
      setProcessEnv({ HOURGLASS_DEMO_OPS_URL: opsEndpoint.url, HOURGLASS_DEMO_OPS_SECRET: localSecrets(dataDir).opsWebhookSecret });
      say(`demo ops endpoint (the ops-webhook issuer's) on ${opsEndpoint.url}`);
    } catch (e) {
      say(`demo ops endpoint not started on port ${opsPort} (${(e as Error).message}); the ops-webhook issuer will show as failing. Set HOURGLASS_DEMO_OPS_PORT to a free port.`);
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
  // `next dev` hands its Node.js flags on to a child through NODE_OPTIONS, which refuses V8 heap
  // flags; the production server runs in this process and takes them.
  app = spawnApp(dataDir, process.execPath, [...(dev ? [] : serverNodeFlags()), nextCli(root), dev ? "dev" : "start", "-p", port, "-H", env.HOST], {
    cwd: root,
    stdio: "inherit",
    env: process.env,
  });
  const child = app;
  app.once("exit", (code) => void shutdown(code ?? 0));
  // Ready is when a request would succeed: the server answers its health check (which reads the
  // database), not when its process is spawned.
  const ready = await waitUntilAnswering(localUrl(env.HOST, port, "/api/v1/health"), {
    gone: () => stopping || child.exitCode !== null || child.signalCode !== null,
  });
  if (ready) say(`serving on http://localhost:${port} (ready ${((Date.now() - started) / 1000).toFixed(1)} s after start)`);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown(0));

main().catch(async (e) => {
  console.error(`[hourglass] ${(e as Error).message}`);
  await shutdown(1);
});
