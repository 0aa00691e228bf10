import { readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";

// What the launcher needs to know about processes a killed run left behind, from Linux's /proc.
// A pid alone is not an identity (pids are reused after a reboot or a long uptime): a process is
// the pair (pid, start time), and a leftover server is recognised by its command and its folder.

type Stat = { comm: string; state: string; startTime: string };

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid ..." — comm may hold spaces and parentheses: split at the last ")".
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    return { comm, state: fields[0], startTime: fields[19] };
  } catch {
    return null;
  }
}

export const hasProcFs = (): boolean => {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
};

/** The start time of a running process (clock ticks since boot), or null when it is gone or a zombie. */
export function processStartTime(pid: number): string | null {
  const stat = readStat(pid);
  return stat && stat.state !== "Z" ? stat.startTime : null;
}

/** Whether the process `pid`, started at `startTime`, still runs. */
export function isRunning(pid: number, startTime: string): boolean {
  return processStartTime(pid) === startTime;
}

/** Running processes named `comm` whose working directory is `dir` (PostgreSQL's server processes work in their data folder). */
export function processesWorkingIn(dir: string, comm: string): number[] {
  const target = realpathSync(dir);
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readStat(pid);
    if (!stat || stat.state === "Z" || stat.comm !== comm) continue;
    try {
      if (readlinkSync(`/proc/${pid}/cwd`) === target) found.push(pid);
    } catch {
      // gone, or not ours to inspect
    }
  }
  return found;
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Polls until `alive()` is empty or `ms` have passed; true when everything exited. */
export async function waitUntilGone(alive: () => number[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive().length > 0) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
