import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedServer } from "../platform/embedded-postgres";
import { freePort } from "./free-port";

// A throwaway PostgreSQL server of its own, for tests and benchmarks that stop and restart it
// (a database outage), and the migrations applied to one of its databases.

const ROOT = path.resolve(import.meta.dirname, "..", "..");

export type ThrowawayServer = EmbeddedServer & { dataDir: string; port: number; restart: () => Promise<void>; halt: () => Promise<void> };

export async function startServer(label: string, databases: string[], flags: string[] = []): Promise<ThrowawayServer> {
  const base = mkdtempSync(path.join(tmpdir(), `hourglass-${label}-`));
  chmodSync(base, 0o755);
  const dataDir = path.join(base, "pg");
  const port = await freePort();
  const opts = { dataDir, port, password: "bench", databases, logFile: `${dataDir}.log`, extraFlags: flags };
  let server = await startEmbeddedPostgres(opts);
  return {
    ...server,
    dataDir,
    url: (db: string) => server.url(db),
    halt: () => server.stop(),
    restart: async () => {
      server = await startEmbeddedPostgres(opts);
    },
    stop: async () => {
      await server.stop().catch(() => undefined);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

export function migrate(url: string): void {
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`migrate deploy failed:\n${r.stdout}\n${r.stderr}`);
}

