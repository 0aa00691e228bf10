import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hasProcFs, isRunning, processStartTime, signal, waitUntilGone } from "./processes";

// Which launcher runs on a data folder, and which web server it started, kept beside the data
// (launcher.json). A launcher killed with -9 cannot stop its web server, which then keeps the
// port (and runs the worker) with nobody to stop it; the next launcher on the folder stops it
// first. Two launchers on one folder would fight over the database: the second refuses.

type Proc = { pid: number; startTime: string };
type State = { launcher: Proc; app?: Proc };

const stateFile = (dataDir: string) => path.join(dataDir, "launcher.json");

function read(dataDir: string): State | null {
  try {
    return JSON.parse(readFileSync(stateFile(dataDir), "utf8")) as State;
  } catch {
    return null; // none, or half-written by a killed run: nothing to trust
  }
}

function write(dataDir: string, state: State): void {
  const file = stateFile(dataDir);
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}

function self(): Proc {
  return { pid: process.pid, startTime: processStartTime(process.pid) ?? "" };
}

/**
 * Makes this process the launcher of `dataDir`. Throws when another launcher still runs on it;
 * stops the web server (its whole process group) that a killed launcher left running.
 */
export async function claimDataDir(dataDir: string, log: (m: string) => void = () => undefined): Promise<void> {
  const previous = hasProcFs() ? read(dataDir) : null;
  if (previous && previous.launcher.pid !== process.pid && isRunning(previous.launcher.pid, previous.launcher.startTime)) {
    throw new Error(`Hourglass is already running on ${dataDir} (launcher pid ${previous.launcher.pid}); stop it first or set HOURGLASS_DATA_DIR`);
  }
  const app = previous?.app;
  if (app && isRunning(app.pid, app.startTime)) {
    log(`stopping the web server a previous run left behind (pid ${app.pid})`);
    const alive = () => (isRunning(app.pid, app.startTime) ? [app.pid] : []);
    signalGroup(app.pid, "SIGTERM");
    if (!(await waitUntilGone(alive, 10_000))) {
      signalGroup(app.pid, "SIGKILL");
      await waitUntilGone(alive, 5_000);
    }
  }
  write(dataDir, { launcher: self() });
}

/** Starts the web server in its own process group and records it, so a later launcher can stop it. */
export function spawnApp(dataDir: string, command: string, args: string[], opts: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...opts, detached: true });
  if (child.pid) {
    const startTime = processStartTime(child.pid);
    if (startTime) write(dataDir, { launcher: self(), app: { pid: child.pid, startTime } });
  }
  return child;
}

/** Stops a web server started by `spawnApp` and everything it started. */
export function stopApp(child: ChildProcess, sig: NodeJS.Signals = "SIGTERM"): void {
  if (child.pid) signalGroup(child.pid, sig);
}

/** Forgets this launcher (a clean stop). */
export function releaseDataDir(dataDir: string): void {
  const state = read(dataDir);
  if (state?.launcher.pid === process.pid && existsSync(stateFile(dataDir))) rmSync(stateFile(dataDir), { force: true });
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    signal(pid, sig);
  }
}
