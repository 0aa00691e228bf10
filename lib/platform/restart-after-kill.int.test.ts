import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../testing/free-port";
import { processesWorkingIn, processStartTime } from "./processes";

// A start after kill -9, caused for real: the launcher's own code (folder claim, embedded
// PostgreSQL, the web server's process bookkeeping) runs in a child process that is killed with
// -9, alone, with its web server, and with its database, and is then started again on the same
// folder. The web server is a stand-in (app.fixture.mjs) so that no production build is needed;
// migrations, the seed and `next start` itself are not exercised here.

const base = mkdtempSync(path.join(tmpdir(), "hourglass-restart-"));
chmodSync(base, 0o755); // as root, PostgreSQL runs as the postgres user and must reach its folder
const dataDir = path.join(base, "data");
const pgDir = path.join(dataDir, "pg");
const started: ChildProcess[] = [];
let pgPort = 0;
let appPort = 0;

type Launcher = { proc: ChildProcess; launcherPid: number; appPid: number };

// The child's output without its stack frames, which vitest would try to map to source files.
const withoutFrames = (text: string) => text.split("\n").filter((l) => !/^\s+at /.test(l)).join("\n");

function launch(): Promise<Launcher> {
  const fixture = path.join(import.meta.dirname, "launcher.fixture.ts");
  const proc = spawn(process.execPath, ["--import", "tsx", fixture, dataDir, String(pgPort), String(appPort)], { stdio: ["ignore", "pipe", "pipe"] });
  started.push(proc);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`launcher not ready in 30 s:\n${out}\n${withoutFrames(err)}`)), 30_000);
    proc.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /ready (\d+) (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, launcherPid: Number(m[1]), appPid: Number(m[2]) });
      }
    });
    proc.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    proc.once("exit", (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`launcher exited (${code ?? sig}) before serving:\n${out}\n${withoutFrames(err)}`));
    });
  });
}

async function served(): Promise<{ labels: string[]; pid: number }> {
  const res = await fetch(`http://127.0.0.1:${appPort}/`);
  expect(res.status).toBe(200);
  return (await res.json()) as { labels: string[]; pid: number };
}

async function sql(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: `postgresql://postgres:launcher-fixture@127.0.0.1:${pgPort}/hourglass` });
  await c.connect();
  await c.query(text);
  await c.end();
}

function kill9(pid: number): Promise<void> {
  process.kill(pid, "SIGKILL");
  return new Promise((resolve) => {
    const poll = () => (processStartTime(pid) === null ? resolve() : setTimeout(poll, 20));
    poll();
  });
}

const postmasterPid = () => Number(readFileSync(path.join(pgDir, "postmaster.pid"), "utf8").split("\n")[0]);

afterAll(async () => {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 1000));
  for (const pid of processesWorkingIn(pgDir, "postgres")) process.kill(pid, "SIGKILL");
  rmSync(base, { recursive: true, force: true });
});

describe("starting again after kill -9", () => {
  it("comes back on the same data after kill -9 of the launcher, of every process but the database, and of the database", async () => {
    pgPort = await freePort();
    appPort = await freePort();
    const first = await launch();
    await sql("CREATE TABLE marks (id serial PRIMARY KEY, label text NOT NULL); INSERT INTO marks (label) VALUES ('first')");
    expect((await served()).labels).toEqual(["first"]);

    // 1. The launcher alone: its database and its web server live on, orphaned.
    await kill9(first.launcherPid);
    expect(processStartTime(first.appPid)).not.toBeNull();
    expect(processesWorkingIn(pgDir, "postgres")).toContain(postmasterPid());
    const second = await launch();
    expect(processStartTime(first.appPid)).toBeNull(); // the orphaned web server was stopped, not left on the port
    const afterLauncherKill = await served();
    expect(afterLauncherKill).toEqual({ labels: ["first"], pid: second.appPid });
    await sql("INSERT INTO marks (label) VALUES ('second')");

    // 2. Every process but the database.
    await kill9(second.launcherPid);
    await kill9(second.appPid);
    const third = await launch();
    expect(await served()).toEqual({ labels: ["first", "second"], pid: third.appPid });
    await sql("INSERT INTO marks (label) VALUES ('third')");

    // 3. The database's postmaster too: a stale postmaster.pid, and server processes that may
    // still hold its shared memory.
    const postmaster = postmasterPid();
    await kill9(third.launcherPid);
    await kill9(third.appPid);
    await kill9(postmaster);
    const fourth = await launch();
    expect(await served()).toEqual({ labels: ["first", "second", "third"], pid: fourth.appPid });
    await sql("INSERT INTO marks (label) VALUES ('fourth')");

    // 4. Every PostgreSQL process at once, with the launcher and the web server.
    const everything = [fourth.launcherPid, fourth.appPid, ...processesWorkingIn(pgDir, "postgres")];
    await Promise.all(everything.map(kill9));
    const fifth = await launch();
    expect(await served()).toEqual({ labels: ["first", "second", "third", "fourth"], pid: fifth.appPid });

    // A clean stop still works afterwards, and a second launcher on a running folder is refused.
    await expect(launch()).rejects.toThrow(/already running/);
    fifth.proc.kill("SIGTERM");
    await new Promise((r) => fifth.proc.once("exit", r));
    expect(processesWorkingIn(pgDir, "postgres")).toEqual([]);
  }, 120_000);
});
