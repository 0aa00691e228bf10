import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedServer } from "../platform/embedded-postgres";
import { freePort } from "./free-port";

// Integration tests run against a real PostgreSQL: one embedded server per run, the migrations
// applied once to a template database, and a fresh copy of it for each test file.

export const TEMPLATE_DB = "hourglass_template";

let server: EmbeddedServer | undefined;

export async function setup() {
  const root = path.resolve(import.meta.dirname, "..", "..");
  // Under /tmp: as root, PostgreSQL runs as the postgres user, which must reach its data folder.
  const base = mkdtempSync(path.join(tmpdir(), "hourglass-test-"));
  chmodSync(base, 0o755);
  const dataDir = path.join(base, "pg");
  const port = await freePort();
  server = await startEmbeddedPostgres({ dataDir, port, password: "hourglass-test", databases: [TEMPLATE_DB], ephemeral: true, logFile: `${dataDir}.log` });
  const migrate = spawnSync(path.join(root, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: server.url(TEMPLATE_DB) },
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`prisma migrate deploy failed:\n${migrate.stdout}\n${migrate.stderr}`);
  // A template must have no open connections when it is copied.
  const c = new pg.Client({ connectionString: server.url("postgres") });
  await c.connect();
  await c.query(`ALTER DATABASE ${TEMPLATE_DB} WITH IS_TEMPLATE true`);
  await c.end();
  process.env.HOURGLASS_TEST_PG_URL = server.url("postgres");
  process.env.HOURGLASS_TEST_PG_PORT = String(port);
  process.env.HOURGLASS_SECRET_KEY ??= "integration-tests-seal-key-0123456789abcdef";
  process.env.AUTH_SECRET ??= "integration-tests-auth-secret-0123456789abcdef";
}

export async function teardown() {
  await server?.stop();
}
