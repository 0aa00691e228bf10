// hourglass — the command line for pipelines. It asks Hourglass for just-in-time access, waits
// for approval, hands the credential to one command through its environment, and revokes the
// grant the moment that command ends ("revoke on task completion").
//
// TypeScript in scripts/cli/, bundled by `npm run cli:build` into one dependency-free ESM file,
// scripts/cli/hourglass.mjs: the package's `bin`. The pure parts (argument parsing, environment
// building, exit codes) are exported for tests; importing the bundle does not run it.

import { spawn } from "node:child_process";
import { realpathSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs, type Env } from "./args";
import { requestCommand, revokeCommand, statusCommand, type SignalSource, type Sleep, type Spawn } from "./commands";
import { EXIT, exitCodeFor, formatError } from "./errors";
import { makeClient, packageVersion } from "./http";
import { USAGE } from "./output";

export { DEFAULT_TIMEOUT, DEFAULT_URL, defaultIdempotencyKey, defaultJobRef, parseArgs, parseIsoDuration } from "./args";
export { childExitCode, CliError, EXIT, exitCodeFor, formatError } from "./errors";
export { buildChildEnv, classifyRequest, credentialEnv, describeEnded, formatElapsed, formatEnvLines, progressLine, shellQuote, summarizeRequest, USAGE } from "./output";

/** Everything run() needs from the outside world; tests pass their own. */
export type Deps = {
  env?: Env;
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
  fetch?: typeof fetch;
  process?: SignalSource;
  pollIntervalMs?: number;
  sleep?: Sleep;
  now?: () => number;
  isTTY?: boolean;
  spawn?: Spawn;
};

const sleepFor: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/**
 * Runs the CLI. Everything that touches the outside world comes in through deps so tests can
 * drive it; main() passes the real ones.
 */
export async function run(argv: string[], deps: Deps = {}): Promise<number> {
  const env = deps.env ?? process.env;
  const stdout = deps.stdout ?? ((s: string) => void process.stdout.write(s));
  const stderr = deps.stderr ?? ((s: string) => void process.stderr.write(s));
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const proc = deps.process ?? process;
  const pollIntervalMs = deps.pollIntervalMs ?? 2000;
  const sleep = deps.sleep ?? ((ms, signal) => sleepFor(ms, signal));
  const now = deps.now ?? (() => Date.now());
  const isTTY = deps.isTTY ?? Boolean(process.stderr.isTTY);
  const say = (msg: string) => stderr(`hourglass: ${msg}\n`);

  let opts;
  try {
    opts = parseArgs(argv, env);
  } catch (e) {
    stderr(`${formatError(e)}\n`);
    return exitCodeFor(e);
  }
  if (opts.command === "help") {
    stdout(USAGE);
    return EXIT.ok;
  }
  if (opts.command === "version") {
    stdout(`hourglass ${packageVersion()}\n`);
    return EXIT.ok;
  }

  const api = makeClient({ url: opts.url, token: opts.token, fetchImpl, sleep, userAgent: `hourglass-cli/${packageVersion()} node/${process.versions.node}` });

  try {
    if (opts.command === "status") return await statusCommand(opts, { api, stdout, say });
    if (opts.command === "revoke") return await revokeCommand(opts, { api, stdout, say });
    return await requestCommand(opts, { api, env, stdout, stderr, say, proc, pollIntervalMs, sleep, now, isTTY, spawnImpl: deps.spawn ?? spawn });
  } catch (e) {
    stderr(`${formatError(e)}\n`);
    return exitCodeFor(e);
  }
}

/** Is this module the program being run (directly or through the npm bin symlink)? */
export function isMain(metaUrl: string, argv1: string | undefined): boolean {
  if (!argv1) return false;
  try {
    return realpathSync(fileURLToPath(metaUrl)) === realpathSync(argv1);
  } catch {
    return metaUrl === pathToFileURL(argv1).href;
  }
}

async function main() {
  const code = await run(process.argv.slice(2));
  process.exitCode = code;
}

if (isMain(import.meta.url, process.argv[1])) void main();
