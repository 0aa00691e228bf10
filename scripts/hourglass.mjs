#!/usr/bin/env node
// hourglass — the command line for pipelines. It asks Hourglass for just-in-time access, waits
// for approval, hands the credential to one command through its environment, and revokes the
// grant the moment that command ends ("revoke on task completion").
//
// Plain ESM for Node ≥ 20 with no dependencies and no build step: the package's `bin`.
// The pure parts (argument parsing, environment building, exit codes) are exported for tests;
// importing this module does not run it.

import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { readFileSync, realpathSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

// ---------------------------------------------------------------------------------------------
// Exit codes and errors

export const EXIT = Object.freeze({
  ok: 0,
  usage: 2, // bad flags, missing token
  ended: 3, // denied, expired, cancelled, or the grant ended before it could be used
  timeout: 4, // --timeout passed while waiting (the request is cancelled)
  api: 5, // the API answered with an error, or could not be reached
  revokeFailed: 6, // the command succeeded but its grant could not be revoked
});

export class CliError extends Error {
  /** @param {string} code @param {string} message @param {number} exitCode */
  constructor(code, message, exitCode) {
    super(message);
    this.name = "CliError";
    this.code = code;
    this.exitCode = exitCode;
  }
}

const usageError = (message) => new CliError("usage", message, EXIT.usage);

/** Every failure is printed the same way: `hourglass: <code>: <message>`. */
export function formatError(e) {
  if (e instanceof CliError) return `hourglass: ${e.code}: ${e.message}`;
  return `hourglass: internal: ${e instanceof Error ? e.message : String(e)}`;
}

/** The exit code for a failure: ours where we know it, else the API-error code. */
export function exitCodeFor(e) {
  return e instanceof CliError ? e.exitCode : EXIT.api;
}

/** A child that exited with a code keeps it; one killed by a signal is 128 + the signal number. */
export function childExitCode(code, signal) {
  if (typeof code === "number") return code;
  if (signal) return 128 + (osConstants.signals[signal] ?? 0);
  return 1;
}

// ---------------------------------------------------------------------------------------------
// Durations

const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Seconds in an ISO 8601 duration (PT10M, PT1H30M, P1D), or null when it is not one. */
export function parseIsoDuration(value) {
  if (typeof value !== "string") return null;
  const v = value.trim().toUpperCase();
  if (v === "P" || v.endsWith("T")) return null;
  const m = ISO_DURATION.exec(v);
  if (!m) return null;
  const [d, h, min, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const total = d * 86400 + h * 3600 + min * 60 + s;
  return total > 0 ? total : null;
}

/** "45s", "2m05s", "1h02m" — for progress lines. */
export function formatElapsed(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m) return `${m}m${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}

// ---------------------------------------------------------------------------------------------
// Arguments

const GLOBAL_FLAGS = {
  url: "string",
  token: "string",
  json: "boolean",
  help: "boolean",
  version: "boolean",
};

const COMMAND_FLAGS = {
  request: {
    identity: "string",
    entitlement: "string",
    duration: "string",
    justification: "string",
    ticket: "string",
    incident: "string",
    change: "string",
    "job-ref": "string",
    "idempotency-key": "string",
    wait: "boolean",
    timeout: "string",
  },
  revoke: { reason: "string" },
  status: {},
};

const SHORT = { h: "help", v: "version" };

export const DEFAULT_URL = "http://localhost:3000";
export const DEFAULT_TIMEOUT = "PT30M";

function camel(flag) {
  return flag.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

/**
 * Parses the command line (without `node` and the script) and the environment into what to do.
 * Throws a CliError with exit code 2 for anything a person must fix.
 *
 * @param {string[]} argv
 * @param {Record<string, string | undefined>} env
 */
export function parseArgs(argv, env = {}) {
  const args = [...argv];
  const dashdash = args.indexOf("--");
  const commandArgs = dashdash === -1 ? null : args.slice(dashdash + 1);
  const own = dashdash === -1 ? args : args.slice(0, dashdash);

  let command = null;
  const positionals = [];
  /** @type {Record<string, string | boolean>} */
  const flags = {};

  for (let i = 0; i < own.length; i++) {
    const arg = own[i];
    let name;
    let inline;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else if (/^-[a-zA-Z]$/.test(arg)) {
      name = SHORT[arg.slice(1)];
      if (!name) throw usageError(`unknown option ${arg} (see hourglass --help)`);
    } else if (arg.startsWith("-") && arg !== "-") {
      throw usageError(`unknown option ${arg} (see hourglass --help)`);
    } else {
      if (command === null) {
        if (arg === "help") {
          flags.help = true;
          continue;
        }
        if (!(arg in COMMAND_FLAGS)) throw usageError(`unknown command ${JSON.stringify(arg)}; the commands are request, status and revoke (see hourglass --help)`);
        command = arg;
      } else positionals.push(arg);
      continue;
    }
    const type = GLOBAL_FLAGS[name] ?? (command ? COMMAND_FLAGS[command][name] : undefined);
    if (!type) {
      const where = command ? `for ${command}` : "before a command";
      const known = Object.values(COMMAND_FLAGS).some((f) => name in f);
      throw usageError(known && !command ? `--${name} belongs after a command, e.g. hourglass request --${name} …` : `unknown option --${name} ${where} (see hourglass ${command ?? ""} --help)`.replace("  ", " "));
    }
    if (name in flags && name !== "help" && name !== "json" && name !== "wait") throw usageError(`--${name} is given twice`);
    if (type === "boolean") {
      if (inline !== undefined) throw usageError(`--${name} takes no value`);
      flags[name] = true;
    } else {
      let value = inline;
      if (value === undefined) {
        value = own[i + 1];
        if (value === undefined || (value.startsWith("--") && value.length > 2)) throw usageError(`--${name} needs a value`);
        i++;
      }
      flags[name] = value;
    }
  }

  if (flags.help) return { command: "help", topic: command };
  if (flags.version) return { command: "version" };
  if (command === null) {
    if (commandArgs) throw usageError("a command to run goes after `hourglass request … --`");
    throw usageError("no command given; try hourglass request --help");
  }

  const url = String(flags.url ?? env.HOURGLASS_URL ?? DEFAULT_URL).replace(/\/+$/, "");
  let parsedUrl;
  try {
    parsedUrl = new URL(url);
  } catch {
    throw usageError(`--url ${JSON.stringify(url)} is not a URL (e.g. https://hourglass.example.com)`);
  }
  if (parsedUrl.protocol !== "http:" && parsedUrl.protocol !== "https:") throw usageError(`--url must be http:// or https://, not ${parsedUrl.protocol}`);
  const token = String(flags.token ?? env.HOURGLASS_TOKEN ?? "").trim();
  const base = { command, url, token, json: Boolean(flags.json) };
  const parsed = commandOptions(command, flags, positionals, commandArgs, base);
  if (!token) throw usageError("no API token: set HOURGLASS_TOKEN (preferred: flags show up in process lists) or pass --token");
  return parsed;
}

function commandOptions(command, flags, positionals, commandArgs, base) {

  if (command === "request") {
    if (positionals.length) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}; put the command to run after --`);
    for (const required of ["identity", "entitlement", "duration", "justification"]) {
      if (flags[required] === undefined || String(flags[required]).trim() === "") throw usageError(`request needs --${required}`);
    }
    if (parseIsoDuration(String(flags.duration)) === null) throw usageError(`--duration ${JSON.stringify(flags.duration)} is not an ISO 8601 duration such as PT10M or PT1H`);
    const justification = String(flags.justification).trim();
    if (justification.length < 10) throw usageError("--justification must say why in at least 10 characters");
    if (justification.length > 2000) throw usageError("--justification may be at most 2000 characters");
    const timeout = String(flags.timeout ?? DEFAULT_TIMEOUT);
    const timeoutSec = parseIsoDuration(timeout);
    if (timeoutSec === null) throw usageError(`--timeout ${JSON.stringify(timeout)} is not an ISO 8601 duration such as PT30M`);
    if (commandArgs && commandArgs.length === 0) throw usageError("nothing to run after --");
    const key = flags["idempotency-key"];
    if (key !== undefined && (String(key).length === 0 || String(key).length > 200)) throw usageError("--idempotency-key must be 1 to 200 characters");
    const context = {};
    for (const f of ["ticket", "incident", "change", "job-ref"]) if (flags[f] !== undefined) context[camel(f)] = String(flags[f]);
    return {
      ...base,
      body: {
        identity: String(flags.identity).trim(),
        entitlement: String(flags.entitlement).trim(),
        duration: String(flags.duration).trim().toUpperCase(),
        justification,
        ...(Object.keys(context).length ? { context } : {}),
      },
      idempotencyKey: key === undefined ? undefined : String(key),
      wait: Boolean(flags.wait) || commandArgs !== null,
      timeoutMs: timeoutSec * 1000,
      commandArgs,
    };
  }

  if (commandArgs) throw usageError(`${command} does not run a command; only request takes -- command`);
  const what = command === "revoke" ? "grant" : "request";
  if (positionals.length !== 1) throw usageError(`${command} takes exactly one ${what} id: hourglass ${command} <${what}Id>${command === "revoke" ? " --reason …" : ""}`);
  const id = positionals[0];
  if (command === "revoke") {
    const reason = String(flags.reason ?? "").trim();
    if (reason.length < 3) throw usageError("revoke needs --reason (at least 3 characters): say why the grant ends early");
    return { ...base, grantId: id, reason };
  }
  return { ...base, requestId: id };
}

/**
 * The Idempotency-Key for a request when none is given: stable within one CI job run (so a retry
 * of the same call finds the same request), random elsewhere.
 */
export function defaultIdempotencyKey(env, body) {
  const digest = (parts) => createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16);
  const bodyPart = JSON.stringify(body);
  if (env.GITHUB_RUN_ID) {
    return `gh-${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? "1"}-${digest([env.GITHUB_JOB ?? "", env.GITHUB_ACTION ?? "", bodyPart])}`;
  }
  if (env.CI_JOB_ID) return `gl-${env.CI_JOB_ID}-${digest([env.CI_PIPELINE_ID ?? "", bodyPart])}`;
  if (env.BUILDKITE_JOB_ID) return `bk-${env.BUILDKITE_JOB_ID}-${digest([bodyPart])}`;
  return `cli-${randomUUID()}`;
}

/** A CI job reference for the request's context when --job-ref is not given. */
export function defaultJobRef(env) {
  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY) {
    const server = env.GITHUB_SERVER_URL ?? "https://github.com";
    return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`.slice(0, 200);
  }
  if (env.CI_JOB_URL) return env.CI_JOB_URL.slice(0, 200);
  if (env.BUILDKITE_BUILD_URL) return env.BUILDKITE_BUILD_URL.slice(0, 200);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Credentials → environment

/**
 * The variables a credential becomes, in a stable order. PostgreSQL: HOURGLASS_PG_* and the
 * standard libpq names; a token: HOURGLASS_TOKEN_VALUE (HOURGLASS_TOKEN is the API token);
 * a webhook's (or any other) credential: HOURGLASS_CREDENTIAL_JSON.
 */
export function credentialEnv(credential, grant, requestId) {
  /** @type {Record<string, string>} */
  const vars = {};
  if (requestId) vars.HOURGLASS_REQUEST_ID = requestId;
  vars.HOURGLASS_GRANT_ID = grant.id;
  vars.HOURGLASS_GRANT_EXPIRES_AT = grant.expiresAt;
  if (!credential) return vars;
  switch (credential.type) {
    case "postgres": {
      vars.HOURGLASS_PG_USER = credential.username;
      vars.HOURGLASS_PG_PASSWORD = credential.password;
      vars.HOURGLASS_PG_URL = credential.connectionString;
      vars.PGUSER = credential.username;
      vars.PGPASSWORD = credential.password;
      vars.DATABASE_URL = credential.connectionString;
      try {
        const u = new URL(credential.connectionString);
        if (u.hostname) vars.PGHOST = u.hostname.replace(/^\[(.*)\]$/, "$1");
        if (u.port) vars.PGPORT = u.port;
        const db = decodeURIComponent(u.pathname.replace(/^\//, ""));
        if (db) vars.PGDATABASE = db;
        const sslmode = u.searchParams.get("sslmode");
        if (sslmode) vars.PGSSLMODE = sslmode;
      } catch {
        // Not a URL: the three above still carry it.
      }
      break;
    }
    case "jwt":
      vars.HOURGLASS_TOKEN_VALUE = credential.token;
      if (credential.expiresAt) vars.HOURGLASS_TOKEN_EXPIRES_AT = credential.expiresAt;
      break;
    case "ssh-certificate":
      vars.HOURGLASS_SSH_CERTIFICATE = credential.certificate;
      break;
    case "webhook":
      vars.HOURGLASS_CREDENTIAL_JSON = JSON.stringify(credential.data ?? null);
      break;
    default:
      vars.HOURGLASS_CREDENTIAL_JSON = JSON.stringify(credential);
  }
  return vars;
}

/** The child's environment: ours without the API token, plus the credential's variables. */
export function buildChildEnv(parentEnv, credential, grant, requestId) {
  const env = { ...parentEnv };
  delete env.HOURGLASS_TOKEN;
  return { ...env, ...credentialEnv(credential, grant, requestId) };
}

/** A value a POSIX shell reads back unchanged (single-quoted unless it needs no quotes). */
export function shellQuote(value) {
  const v = String(value);
  if (v !== "" && /^[A-Za-z0-9_./:@%+=,-]+$/.test(v)) return v;
  return `'${v.replaceAll("'", `'\\''`)}'`;
}

/** `NAME=value` lines: `set -a; eval "$(hourglass request …)"; set +a` exports them. */
export function formatEnvLines(vars) {
  return Object.entries(vars)
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join("\n");
}

// ---------------------------------------------------------------------------------------------
// Request states

/**
 * Where a request stands for the CLI:
 * - pending: waiting for approvals
 * - issuing: approved, the grant is being issued
 * - ready: the grant is active and this response carries the credential
 * - taken: the grant is active but its credential was handed out before (not to this read)
 * - ended: denied, cancelled or expired, or the grant ended before it was used
 * - failed: the grant could not be issued
 */
export function classifyRequest(r) {
  if (r.status === "pending") return "pending";
  if (r.status === "denied" || r.status === "cancelled" || r.status === "expired") return "ended";
  if (r.status !== "approved") return "failed";
  const g = r.grant;
  if (!g || g.status === "issuing") return "issuing";
  if (g.status === "active") return g.credential ? "ready" : "taken";
  if (g.status === "issue_failed") return "failed";
  return "ended";
}

/** One line about a request that ended without a usable grant. */
export function describeEnded(r) {
  const reasons = r.decision?.reasons?.filter(Boolean) ?? [];
  const why = reasons.length ? `: ${reasons.join("; ")}` : "";
  if (r.status === "denied") return `request ${r.id} was denied${why}`;
  if (r.status === "cancelled") return `request ${r.id} was cancelled`;
  if (r.status === "expired") return `request ${r.id} expired before it was approved (${r.approvals?.given ?? 0}/${r.approvals?.required ?? "?"} approvals)`;
  if (r.grant) return `grant ${r.grant.id} is already ${String(r.grant.status).replaceAll("_", " ")}${r.grant.revokeReason ? ` (${r.grant.revokeReason})` : ""}`;
  return `request ${r.id} is ${r.status}`;
}

/** The progress line while waiting. */
export function progressLine(r, elapsedMs) {
  const elapsed = formatElapsed(elapsedMs);
  const state = classifyRequest(r);
  if (state === "pending") {
    const { given = 0, required = 0 } = r.approvals ?? {};
    return `waiting for approval: ${given}/${required} approval${required === 1 ? "" : "s"}… (${elapsed} elapsed)`;
  }
  if (state === "issuing") return `approved; issuing the credential… (${elapsed} elapsed)`;
  return `${r.status}… (${elapsed} elapsed)`;
}

/** A short human summary of a request (no secrets). */
export function summarizeRequest(r) {
  const lines = [
    `request   ${r.id}  ${r.status}`,
    `identity  ${r.identity}`,
    `access    ${r.entitlement} for ${r.duration}`,
    `decision  ${r.decision?.outcome ?? "?"}${r.decision?.reasons?.length ? ` — ${r.decision.reasons.join("; ")}` : ""}`,
    `approvals ${r.approvals?.given ?? 0}/${r.approvals?.required ?? 0}`,
  ];
  if (r.grant) {
    const g = r.grant;
    lines.push(`grant     ${g.id}  ${g.status}  expires ${g.expiresAt}${g.revokedAt ? `  revoked ${g.revokedAt}` : ""}${g.lastError ? `  (${g.lastError})` : ""}`);
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// HTTP

const sleepFor = (ms, signal) =>
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

function packageVersion() {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    return String(pkg.version ?? "unknown");
  } catch {
    return "unknown";
  }
}

function makeClient({ url, token, fetchImpl, sleep, userAgent }) {
  /**
   * One API call. GETs and keyed POSTs are retried on network faults, 5xx, 429 and an
   * idempotency key still in progress; any other error becomes a CliError(code, message, 5).
   */
  return async function api(method, path, { body, idempotencyKey, attempts = 1 } = {}) {
    let lastError;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let res;
      try {
        res = await fetchImpl(`${url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: "application/json",
            "user-agent": userAgent,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
            ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (e) {
        const cause = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(e);
        lastError = new CliError("unreachable", `cannot reach ${url} (${cause})`, EXIT.api);
        lastError.sent = true; // the server may have acted on it
        if (attempt < attempts) await sleep(Math.min(500 * 2 ** (attempt - 1), 5000));
        continue;
      }
      const text = await res.text();
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      if (res.ok) return { status: res.status, body: json, replayed: res.headers.get("idempotent-replayed") === "true" };
      const code = typeof json?.error?.code === "string" ? json.error.code : `http_${res.status}`;
      const message = typeof json?.error?.message === "string" ? json.error.message : `${method} ${path} answered ${res.status} ${res.statusText}`.trim();
      lastError = new CliError(code, message, EXIT.api);
      lastError.status = res.status;
      lastError.details = json?.error?.details;
      const retriable = res.status >= 500 || res.status === 429 || json?.error?.details?.reason === "idempotency_in_progress";
      if (!retriable || attempt >= attempts) break;
      const retryAfter = Number(res.headers.get("retry-after"));
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 30_000) : Math.min(500 * 2 ** (attempt - 1), 5000));
    }
    throw lastError;
  };
}

// ---------------------------------------------------------------------------------------------
// Help

export const USAGE = `hourglass — just-in-time access for pipelines

Usage:
  hourglass request --identity <name|id> --entitlement <name|id> --duration <PT10M>
                    --justification <text> [options] [--wait] [-- command [args…]]
  hourglass status <requestId> [--json]
  hourglass revoke <grantId> --reason <text> [--json]
  hourglass --help | --version

Connection (every command):
  --url <url>       Hourglass base URL               (env HOURGLASS_URL, default ${DEFAULT_URL})
  --token <token>   API token (Authorization: Bearer) (env HOURGLASS_TOKEN; prefer the env var:
                    flags are visible in process lists)

request:
  Asks for access. An auto-approved request is issued at once. With --wait, or with a command
  after --, it waits for approval (progress on stderr) until the grant is active, the request
  is denied, cancelled or expires, or --timeout passes (then the request is cancelled).

  --identity <name|id>        the identity that needs access
  --entitlement <name|id>     what it needs
  --duration <ISO 8601>       how long, e.g. PT10M, PT1H (at most the entitlement's maximum)
  --justification <text>      why (at least 10 characters)
  --ticket <ref>  --incident <ref>  --change <ref>  --job-ref <ref>
                              context for approvers and the audit trail; --job-ref defaults to
                              the CI run URL on GitHub Actions, GitLab CI and Buildkite
  --idempotency-key <key>     retries with the same key and body find the same request;
                              default: derived from the CI job (GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT,
                              GITHUB_JOB, GITHUB_ACTION / CI_JOB_ID / BUILDKITE_JOB_ID) and the
                              request, else random. In matrix jobs pass your own.
  --wait                      wait for approval even without a command
  --timeout <ISO 8601>        how long to wait (default ${DEFAULT_TIMEOUT})
  --json                      print the result as JSON (without a command)

  -- command [args…]          run the command with the credential in its environment (stdio
                              inherited, SIGINT/SIGTERM/SIGHUP forwarded), then revoke the grant
                              at once, whatever the outcome, and exit with the command's code
                              (128 + signal number when it was killed by a signal). The command
                              runs directly, not through a shell: use -- sh -c '…' for one.

  The command's environment (HOURGLASS_TOKEN, the API token, is removed from it):
    always       HOURGLASS_REQUEST_ID, HOURGLASS_GRANT_ID, HOURGLASS_GRANT_EXPIRES_AT
    PostgreSQL   HOURGLASS_PG_USER, HOURGLASS_PG_PASSWORD, HOURGLASS_PG_URL, and PGUSER,
                 PGPASSWORD, DATABASE_URL, PGHOST, PGPORT, PGDATABASE (PGSSLMODE if set)
    token        HOURGLASS_TOKEN_VALUE, HOURGLASS_TOKEN_EXPIRES_AT
    SSH          HOURGLASS_SSH_CERTIFICATE
    webhook      HOURGLASS_CREDENTIAL_JSON (what the endpoint returned)

  Without a command the credential is printed to stdout as NAME=value lines (or JSON with
  --json) — it is a secret, and the grant stays active until it expires or you revoke it:
    set -a; eval "$(hourglass request …)"; set +a

status <requestId>:
  Shows a request and its grant. The requester's first read after the grant is issued carries
  the credential (once); status prints it then, like request does.

revoke <grantId> --reason <text>:
  Ends a grant now (the issuer drops the login or revokes the token).

Exit codes:
  0  success (with a command: the command's own code)
  2  usage: bad or missing flags, no API token
  3  denied, cancelled or expired (or the grant ended before it could be used)
  4  timed out waiting for approval (the request was cancelled)
  5  API error or Hourglass unreachable; printed as "hourglass: <code>: <message>"
  6  the command succeeded but revoking its grant failed

Example (GitHub Actions):
  env:
    HOURGLASS_URL: https://hourglass.example.com
    HOURGLASS_TOKEN: \${{ secrets.HOURGLASS_TOKEN }}
  run: >
    npx hourglass request --identity ci-orders-migrate --entitlement orders-db-write-staging
    --duration PT15M --justification "migrate orders schema (\${{ github.sha }})"
    -- npm run migrate
`;

// ---------------------------------------------------------------------------------------------
// The program

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Runs the CLI. Everything that touches the outside world comes in through deps so tests can
 * drive it; main() passes the real ones.
 */
export async function run(argv, deps = {}) {
  const env = deps.env ?? process.env;
  const stdout = deps.stdout ?? ((s) => process.stdout.write(s));
  const stderr = deps.stderr ?? ((s) => process.stderr.write(s));
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const proc = deps.process ?? process;
  const pollIntervalMs = deps.pollIntervalMs ?? 2000;
  const sleep = deps.sleep ?? ((ms, signal) => sleepFor(ms, signal));
  const now = deps.now ?? (() => Date.now());
  const isTTY = deps.isTTY ?? Boolean(process.stderr.isTTY);
  const say = (msg) => stderr(`hourglass: ${msg}\n`);

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

async function statusCommand(opts, { api, stdout, say }) {
  const { body: r } = await api("GET", `/api/v1/access-requests/${encodeURIComponent(opts.requestId)}`, { attempts: 1 });
  if (opts.json) stdout(`${JSON.stringify(r, null, 2)}\n`);
  else {
    stdout(`${summarizeRequest(r)}\n`);
    if (r.grant?.credential) {
      say("this read carried the grant's credential (shown once) — it is a secret:");
      stdout(`${formatEnvLines(credentialEnv(r.grant.credential, r.grant, r.id))}\n`);
    }
  }
  if (r.grant?.credential && opts.json) say("the JSON above carries the grant's credential (shown once) — it is a secret");
  return EXIT.ok;
}

async function revokeCommand(opts, { api, stdout, say }) {
  const { body: g } = await api("POST", `/api/v1/grants/${encodeURIComponent(opts.grantId)}/revoke`, { body: { reason: opts.reason }, idempotencyKey: `revoke-${opts.grantId}`, attempts: 3 });
  if (opts.json) stdout(`${JSON.stringify(g, null, 2)}\n`);
  else say(`grant ${g.id} is ${g.status}${g.status === "revoking" ? " (the issuer is revoking it now)" : ""}`);
  return EXIT.ok;
}

/** Revokes a grant with retries; returns the final grant or throws a CliError with exit 6. */
async function revokeWithRetry(api, grantId, reason, { sleep, say, attempts = 5 }) {
  let last;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const { body } = await api("POST", `/api/v1/grants/${grantId}/revoke`, { body: { reason }, idempotencyKey: `revoke-${grantId}` });
      return body;
    } catch (e) {
      last = e;
      // Already ending (it expired, or someone revoked it): that is what we wanted.
      if (e instanceof CliError && e.status === 409) {
        try {
          const { body } = await api("GET", `/api/v1/grants/${grantId}`, { attempts: 2 });
          if (["revoking", "revoked"].includes(body.status)) return body;
        } catch {
          // fall through to retry
        }
      }
      const permanent = e instanceof CliError && e.status !== undefined && e.status < 500 && e.status !== 429 && e.status !== 409;
      if (permanent) break;
      if (attempt < attempts) {
        say(`revoking grant ${grantId} failed (${e.code}: ${e.message}); retrying…`);
        await sleep(Math.min(500 * 2 ** (attempt - 1), 4000));
      }
    }
  }
  throw new CliError("revoke_failed", `could not revoke grant ${grantId}: ${last?.code ?? "error"}: ${last?.message ?? last} — it stays active until it expires; revoke it now with: hourglass revoke ${grantId} --reason "…"`, EXIT.revokeFailed);
}

/** After a revoke, waits briefly for the issuer's confirmation; returns the last status seen. */
async function awaitRevoked(api, grant, { sleep, now, pollIntervalMs, limitMs = 10_000 }) {
  let g = grant;
  const until = now() + limitMs;
  while (g.status === "revoking" && now() < until) {
    await sleep(Math.min(500, pollIntervalMs));
    try {
      g = (await api("GET", `/api/v1/grants/${grant.id}`)).body;
    } catch {
      break;
    }
  }
  return g;
}

async function requestCommand(opts, ctx) {
  const { api, env, stdout, stderr, say, proc, pollIntervalMs, sleep, now, isTTY } = ctx;
  const body = { ...opts.body };
  const jobRef = defaultJobRef(env);
  if (jobRef && !body.context?.jobRef) body.context = { ...body.context, jobRef };
  const idempotencyKey = opts.idempotencyKey ?? defaultIdempotencyKey(env, body);

  // Signals while we wait: stop waiting, withdraw the request (or revoke a grant), exit 128+n.
  const interrupt = new AbortController();
  let interruptedBy = null;
  const onWaitSignal = (signal) => {
    interruptedBy = signal;
    interrupt.abort();
  };
  const waitHandlers = SIGNALS.map((s) => [s, () => onWaitSignal(s)]);
  for (const [s, h] of waitHandlers) proc.on(s, h);
  const removeWaitHandlers = () => {
    for (const [s, h] of waitHandlers) proc.off(s, h);
  };

  let r;
  let ownRequest = false;
  try {
    // POST with retries: the Idempotency-Key makes a retry find the same request. If an earlier
    // attempt of ours reached the server, a replay is still our request.
    let sentBefore = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await api("POST", "/api/v1/access-requests", { body, idempotencyKey, attempts: 1 });
        r = res.body;
        ownRequest = !res.replayed || sentBefore;
        if (res.replayed) {
          say(`Idempotency-Key ${idempotencyKey} was used before: this is request ${r.id}${ownRequest ? "" : " (made by an earlier run)"}`);
          r = (await api("GET", `/api/v1/access-requests/${r.id}`, { attempts: 3 })).body;
        }
        break;
      } catch (e) {
        const retriable = e instanceof CliError && (e.code === "unreachable" || e.status >= 500 || e.status === 429 || e.details?.reason === "idempotency_in_progress");
        if (e instanceof CliError && e.code === "unreachable") sentBefore = true;
        if (!retriable || attempt >= 4 || interrupt.signal.aborted) throw e;
        await sleep(Math.min(1000 * 2 ** (attempt - 1), 8000), interrupt.signal);
      }
    }

    const started = now();
    const deadline = started + opts.timeoutMs;
    let lastLine = "";
    let lastPrinted = 0;
    const progress = (line) => {
      if (isTTY) stderr(`\r\x1b[Khourglass: ${line}`);
      else if (line.replace(/\(.*elapsed\)/, "") !== lastLine.replace(/\(.*elapsed\)/, "") || now() - lastPrinted >= 30_000) {
        say(line);
        lastPrinted = now();
      }
      lastLine = line;
    };
    const endProgress = () => {
      if (isTTY && lastLine) stderr("\n");
    };

    let state = classifyRequest(r);
    if (state === "pending") say(`request ${r.id} needs approval (${r.approvals.given}/${r.approvals.required})${opts.wait ? "" : `; follow it with: hourglass status ${r.id}`}`);

    if (!opts.wait && (state === "pending" || state === "issuing")) {
      removeWaitHandlers();
      if (opts.json) stdout(`${JSON.stringify(r, null, 2)}\n`);
      else {
        if (state === "issuing") say(`request ${r.id} is approved; its grant is being issued — hourglass status ${r.id} shows the credential once it is`);
        stdout(`HOURGLASS_REQUEST_ID=${r.id}\n`);
      }
      return EXIT.ok;
    }

    while (state === "pending" || state === "issuing") {
      progress(progressLine(r, now() - started));
      if (interrupt.signal.aborted) break;
      if (now() >= deadline) {
        endProgress();
        await withdraw(api, r, "timed out waiting for approval", { say });
        throw new CliError("timeout", `no usable grant after ${formatElapsed(opts.timeoutMs)} (--timeout); request ${r.id} was ${r.status === "pending" ? "cancelled" : "withdrawn"}`, EXIT.timeout);
      }
      const interval = now() - started > 120_000 ? Math.max(pollIntervalMs, 5000) : pollIntervalMs;
      await sleep(Math.min(interval, Math.max(0, deadline - now())), interrupt.signal);
      if (interrupt.signal.aborted) break;
      r = (await api("GET", `/api/v1/access-requests/${r.id}`, { attempts: 4 })).body;
      state = classifyRequest(r);
    }
    endProgress();

    if (interruptedBy) {
      await withdraw(api, r, `interrupted by ${interruptedBy}`, { say });
      throw new CliError("interrupted", `interrupted by ${interruptedBy} while waiting; request ${r.id} was withdrawn`, childExitCode(null, interruptedBy));
    }
    if (state === "ended") throw new CliError(r.status === "approved" ? "grant_ended" : r.status, describeEnded(r), EXIT.ended);
    if (state === "failed") throw new CliError("issue_failed", `the grant for request ${r.id} could not be issued${r.grant?.lastError ? `: ${r.grant.lastError}` : ""}`, EXIT.api);
    if (state === "taken") {
      const hint = `pass a fresh --idempotency-key${ownRequest ? "" : " (this key belongs to an earlier run)"}`;
      if (ownRequest) {
        // Ours, yet the credential is gone (a lost response): nobody can use it — end it.
        await revokeWithRetry(api, r.grant.id, "credential lost before use (hourglass CLI)", { sleep, say }).catch((e) => say(formatError(e).replace(/^hourglass: /, "")));
      }
      throw new CliError("credential_unavailable", `grant ${r.grant.id} is active but its credential was already handed out (it is returned once); ${hint}`, EXIT.api);
    }

    // ready: the credential is in r.grant.credential, in memory only.
    const grant = r.grant;
    const credential = grant.credential;
    removeWaitHandlers();

    if (!opts.commandArgs) {
      say(`grant ${grant.id} is active until ${grant.expiresAt}. The credential below is a SECRET: do not log it. It stays valid until then unless you revoke it: hourglass revoke ${grant.id} --reason "…"`);
      if (opts.json) stdout(`${JSON.stringify(r, null, 2)}\n`);
      else stdout(`${formatEnvLines(credentialEnv(credential, grant, r.id))}\n`);
      return EXIT.ok;
    }

    return await runWithGrant(opts, r, ctx);
  } finally {
    removeWaitHandlers();
  }
}

/** Cancels a pending request, or revokes the grant of an approved one; reports, never throws. */
async function withdraw(api, r, why, { say }) {
  try {
    if (r.status === "pending") {
      const { body } = await api("POST", `/api/v1/access-requests/${r.id}/cancel`, { body: {}, attempts: 3 });
      if (body.status === "cancelled") return;
      r = body;
    }
  } catch (e) {
    if (!(e instanceof CliError && e.status === 409)) {
      say(`could not cancel request ${r.id}: ${e.code}: ${e.message}`);
      return;
    }
    // Decided meanwhile: look again, and revoke the grant if it was approved.
    try {
      r = (await api("GET", `/api/v1/access-requests/${r.id}`, { attempts: 2 })).body;
    } catch {
      return;
    }
  }
  if (r.grant && ["issuing", "active"].includes(r.grant.status)) {
    try {
      await api("POST", `/api/v1/grants/${r.grant.id}/revoke`, { body: { reason: `hourglass CLI: ${why}` }, idempotencyKey: `revoke-${r.grant.id}`, attempts: 3 });
    } catch (e) {
      say(`could not revoke grant ${r.grant.id}: ${e.code}: ${e.message}`);
    }
  }
}

async function runWithGrant(opts, r, ctx) {
  const { api, env, say, proc, sleep, now, pollIntervalMs, spawnImpl } = ctx;
  const grant = r.grant;
  const childEnv = buildChildEnv(env, grant.credential, grant, r.id);
  const [cmd, ...args] = opts.commandArgs;
  say(`grant ${grant.id} is active until ${grant.expiresAt}; running ${cmd}`);

  const outcome = await new Promise((resolve) => {
    let child;
    try {
      child = spawnImpl(cmd, args, { stdio: "inherit", env: childEnv });
    } catch (e) {
      resolve({ code: 127, signal: null, error: e });
      return;
    }
    const forward = SIGNALS.map((s) => [
      s,
      () => {
        try {
          child.kill(s);
        } catch {
          // already gone
        }
      },
    ]);
    for (const [s, h] of forward) proc.on(s, h);
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      for (const [s, h] of forward) proc.off(s, h);
      resolve(result);
    };
    child.once("error", (e) => finish({ code: e?.code === "ENOENT" ? 127 : e?.code === "EACCES" ? 126 : 1, signal: null, error: e }));
    child.once("exit", (code, signal) => finish({ code, signal, error: null }));
  });

  // The command has ended: revoke first, talk after.
  const exitCode = childExitCode(outcome.code, outcome.signal);
  const reason = outcome.signal ? `task completed (exit ${exitCode}, ${outcome.signal})` : `task completed (exit ${exitCode})`;
  let revokeError = null;
  let revoked = null;
  try {
    revoked = await revokeWithRetry(api, grant.id, reason, { sleep, say });
  } catch (e) {
    revokeError = e;
  }

  if (outcome.error) say(`could not run ${cmd}: ${outcome.error.code ?? ""} ${outcome.error.message}`.replace("  ", " "));
  else say(`${cmd} exited with ${outcome.signal ? `signal ${outcome.signal} (${exitCode})` : `code ${exitCode}`}`);

  if (revokeError) {
    stderrLoud(ctx.stderr, formatError(revokeError));
    return exitCode === 0 ? EXIT.revokeFailed : exitCode;
  }
  const final = await awaitRevoked(api, revoked, { sleep, now, pollIntervalMs });
  if (final.status === "revoked") say(`grant ${grant.id} revoked: ${reason}`);
  else if (final.status === "revoke_failed") {
    stderrLoud(ctx.stderr, `hourglass: revoke_failed: the issuer could not revoke grant ${grant.id} yet${final.lastError ? ` (${final.lastError})` : ""}; Hourglass keeps retrying and alerts security`);
    return exitCode === 0 ? EXIT.revokeFailed : exitCode;
  } else say(`grant ${grant.id} is ${final.status.replaceAll("_", " ")} (${reason}); Hourglass finishes revoking it at the issuer`);
  return exitCode;
}

function stderrLoud(stderr, line) {
  const bar = "!".repeat(72);
  stderr(`${bar}\n${line}\n${bar}\n`);
}

/** Is this module the program being run (directly or through the npm bin symlink)? */
export function isMain(metaUrl, argv1) {
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
