#!/usr/bin/env node
// Built by `npm run cli:build` from scripts/cli/*.ts (esbuild). Do not edit: change the sources.

// scripts/cli/main.ts
import { spawn } from "node:child_process";
import { realpathSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

// scripts/cli/args.ts
import { createHash, randomUUID } from "node:crypto";

// scripts/cli/errors.ts
import { constants as osConstants } from "node:os";
var EXIT = Object.freeze({
  ok: 0,
  usage: 2,
  // bad flags, missing token
  ended: 3,
  // denied, expired, cancelled, or the grant ended before it could be used
  timeout: 4,
  // --timeout passed while waiting (the request is cancelled)
  api: 5,
  // the API answered with an error, or could not be reached
  revokeFailed: 6
  // the command succeeded but its grant could not be revoked
});
var CliError = class extends Error {
  code;
  exitCode;
  constructor(code, message, exitCode) {
    super(message);
    this.name = "CliError";
    this.code = code;
    this.exitCode = exitCode;
  }
};
var usageError = (message) => new CliError("usage", message, EXIT.usage);
function formatError(e) {
  if (e instanceof CliError) return `hourglass: ${e.code}: ${e.message}`;
  return `hourglass: internal: ${e instanceof Error ? e.message : String(e)}`;
}
function exitCodeFor(e) {
  return e instanceof CliError ? e.exitCode : EXIT.api;
}
function childExitCode(code, signal) {
  if (typeof code === "number") return code;
  if (signal) return 128 + (osConstants.signals[signal] ?? 0);
  return 1;
}

// scripts/cli/args.ts
var ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
function parseIsoDuration(value) {
  if (typeof value !== "string") return null;
  const v = value.trim().toUpperCase();
  if (v === "P" || v.endsWith("T")) return null;
  const m = ISO_DURATION.exec(v);
  if (!m) return null;
  const [d, h, min, s] = m.slice(1).map((x) => x === void 0 ? 0 : Number(x));
  const total = d * 86400 + h * 3600 + min * 60 + s;
  return total > 0 ? total : null;
}
var GLOBAL_FLAGS = {
  url: "string",
  token: "string",
  json: "boolean",
  help: "boolean",
  version: "boolean"
};
var COMMAND_FLAGS = {
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
    timeout: "string"
  },
  revoke: { reason: "string" },
  status: {}
};
var isCommand = (arg) => Object.hasOwn(COMMAND_FLAGS, arg);
var commandFlag = (command, name) => COMMAND_FLAGS[command][name];
var SHORT = { h: "help", v: "version" };
var DEFAULT_URL = "http://localhost:3000";
var DEFAULT_TIMEOUT = "PT30M";
function camel(flag) {
  return flag.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}
function parseArgs(argv, env = {}) {
  const args = [...argv];
  const dashdash = args.indexOf("--");
  const commandArgs = dashdash === -1 ? null : args.slice(dashdash + 1);
  const own = dashdash === -1 ? args : args.slice(0, dashdash);
  let command = null;
  const positionals = [];
  const flags = {};
  for (let i = 0; i < own.length; i++) {
    const arg = own[i];
    let name;
    let inline;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? void 0 : arg.slice(eq + 1);
    } else if (/^-[a-zA-Z]$/.test(arg)) {
      const long = SHORT[arg.slice(1)];
      if (!long) throw usageError(`unknown option ${arg} (see hourglass --help)`);
      name = long;
    } else if (arg.startsWith("-") && arg !== "-") {
      throw usageError(`unknown option ${arg} (see hourglass --help)`);
    } else {
      if (command === null) {
        if (arg === "help") {
          flags.help = true;
          continue;
        }
        if (!isCommand(arg)) throw usageError(`unknown command ${JSON.stringify(arg)}; the commands are request, status and revoke (see hourglass --help)`);
        command = arg;
      } else positionals.push(arg);
      continue;
    }
    const type = GLOBAL_FLAGS[name] ?? (command ? commandFlag(command, name) : void 0);
    if (!type) {
      const where = command ? `for ${command}` : "before a command";
      const known = Object.values(COMMAND_FLAGS).some((f) => name in f);
      throw usageError(known && !command ? `--${name} belongs after a command, e.g. hourglass request --${name} \u2026` : `unknown option --${name} ${where} (see hourglass ${command ?? ""} --help)`.replace("  ", " "));
    }
    if (name in flags && name !== "help" && name !== "json" && name !== "wait") throw usageError(`--${name} is given twice`);
    if (type === "boolean") {
      if (inline !== void 0) throw usageError(`--${name} takes no value`);
      flags[name] = true;
    } else {
      let value = inline;
      if (value === void 0) {
        value = own[i + 1];
        if (value === void 0 || value.startsWith("--") && value.length > 2) throw usageError(`--${name} needs a value`);
        i++;
      }
      flags[name] = value;
    }
  }
  if (flags.help) return { command: "help", topic: command };
  if (flags.version) return { command: "version" };
  if (command === null) {
    if (commandArgs) throw usageError("a command to run goes after `hourglass request \u2026 --`");
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
  const base = { url, token, json: Boolean(flags.json) };
  const parsed = commandOptions(command, flags, positionals, commandArgs, base);
  if (!token) throw usageError("no API token: set HOURGLASS_TOKEN (preferred: flags show up in process lists) or pass --token");
  return parsed;
}
function commandOptions(command, flags, positionals, commandArgs, base) {
  if (command === "request") {
    if (positionals.length) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}; put the command to run after --`);
    for (const required of ["identity", "entitlement", "duration", "justification"]) {
      if (flags[required] === void 0 || String(flags[required]).trim() === "") throw usageError(`request needs --${required}`);
    }
    if (parseIsoDuration(String(flags.duration)) === null) throw usageError(`--duration ${JSON.stringify(flags.duration)} is not an ISO 8601 duration such as PT10M or PT1H`);
    const justification = String(flags.justification).trim();
    if (justification.length < 10) throw usageError("--justification must say why in at least 10 characters");
    if (justification.length > 2e3) throw usageError("--justification may be at most 2000 characters");
    const timeout = String(flags.timeout ?? DEFAULT_TIMEOUT);
    const timeoutSec = parseIsoDuration(timeout);
    if (timeoutSec === null) throw usageError(`--timeout ${JSON.stringify(timeout)} is not an ISO 8601 duration such as PT30M`);
    if (commandArgs && commandArgs.length === 0) throw usageError("nothing to run after --");
    const key = flags["idempotency-key"];
    if (key !== void 0 && (String(key).length === 0 || String(key).length > 200)) throw usageError("--idempotency-key must be 1 to 200 characters");
    const context = {};
    for (const f of ["ticket", "incident", "change", "job-ref"]) if (flags[f] !== void 0) context[camel(f)] = String(flags[f]);
    return {
      command,
      ...base,
      body: {
        identity: String(flags.identity).trim(),
        entitlement: String(flags.entitlement).trim(),
        duration: String(flags.duration).trim().toUpperCase(),
        justification,
        ...Object.keys(context).length ? { context } : {}
      },
      idempotencyKey: key === void 0 ? void 0 : String(key),
      wait: Boolean(flags.wait) || commandArgs !== null,
      timeoutMs: timeoutSec * 1e3,
      commandArgs
    };
  }
  if (commandArgs) throw usageError(`${command} does not run a command; only request takes -- command`);
  const what = command === "revoke" ? "grant" : "request";
  if (positionals.length !== 1) throw usageError(`${command} takes exactly one ${what} id: hourglass ${command} <${what}Id>${command === "revoke" ? " --reason \u2026" : ""}`);
  const id = positionals[0];
  if (command === "revoke") {
    const reason = String(flags.reason ?? "").trim();
    if (reason.length < 3) throw usageError("revoke needs --reason (at least 3 characters): say why the grant ends early");
    return { command, ...base, grantId: id, reason };
  }
  return { command, ...base, requestId: id };
}
function defaultIdempotencyKey(env, body) {
  const digest = (parts) => createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);
  const bodyPart = JSON.stringify(body);
  if (env.GITHUB_RUN_ID) {
    return `gh-${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? "1"}-${digest([env.GITHUB_JOB ?? "", env.GITHUB_ACTION ?? "", bodyPart])}`;
  }
  if (env.CI_JOB_ID) return `gl-${env.CI_JOB_ID}-${digest([env.CI_PIPELINE_ID ?? "", bodyPart])}`;
  if (env.BUILDKITE_JOB_ID) return `bk-${env.BUILDKITE_JOB_ID}-${digest([bodyPart])}`;
  return `cli-${randomUUID()}`;
}
function defaultJobRef(env) {
  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY) {
    const server = env.GITHUB_SERVER_URL ?? "https://github.com";
    return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`.slice(0, 200);
  }
  if (env.CI_JOB_URL) return env.CI_JOB_URL.slice(0, 200);
  if (env.BUILDKITE_BUILD_URL) return env.BUILDKITE_BUILD_URL.slice(0, 200);
  return void 0;
}

// scripts/cli/output.ts
function credentialEnv(credential, grant, requestId) {
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
function buildChildEnv(parentEnv, credential, grant, requestId) {
  const env = { ...parentEnv };
  delete env.HOURGLASS_TOKEN;
  return { ...env, ...credentialEnv(credential, grant, requestId) };
}
function shellQuote(value) {
  const v = String(value);
  if (v !== "" && /^[A-Za-z0-9_./:@%+=,-]+$/.test(v)) return v;
  return `'${v.replaceAll("'", `'\\''`)}'`;
}
function formatEnvLines(vars) {
  return Object.entries(vars).map(([k, v]) => `${k}=${shellQuote(v)}`).join("\n");
}
function classifyRequest(r) {
  if (r.status === "pending") return "pending";
  if (r.status === "denied" || r.status === "cancelled" || r.status === "expired") return "ended";
  if (r.status !== "approved") return "failed";
  const g = r.grant;
  if (!g || g.status === "issuing") return "issuing";
  if (g.status === "active") return g.credential ? "ready" : "taken";
  if (g.status === "issue_failed") return "failed";
  return "ended";
}
function describeEnded(r) {
  const reasons = r.decision?.reasons?.filter(Boolean) ?? [];
  const why = reasons.length ? `: ${reasons.join("; ")}` : "";
  if (r.status === "denied") return `request ${r.id} was denied${why}`;
  if (r.status === "cancelled") return `request ${r.id} was cancelled`;
  if (r.status === "expired") return `request ${r.id} expired before it was approved (${r.approvals?.given ?? 0}/${r.approvals?.required ?? "?"} approvals)`;
  if (r.grant) return `grant ${r.grant.id} is already ${String(r.grant.status).replaceAll("_", " ")}${r.grant.revokeReason ? ` (${r.grant.revokeReason})` : ""}`;
  return `request ${r.id} is ${r.status}`;
}
function formatElapsed(ms) {
  const total = Math.max(0, Math.floor(ms / 1e3));
  const h = Math.floor(total / 3600);
  const m = Math.floor(total % 3600 / 60);
  const s = total % 60;
  if (h) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m) return `${m}m${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}
function progressLine(r, elapsedMs) {
  const elapsed = formatElapsed(elapsedMs);
  const state = classifyRequest(r);
  if (state === "pending") {
    const { given = 0, required = 0 } = r.approvals ?? {};
    return `waiting for approval: ${given}/${required} approval${required === 1 ? "" : "s"}\u2026 (${elapsed} elapsed)`;
  }
  if (state === "issuing") return `approved; issuing the credential\u2026 (${elapsed} elapsed)`;
  return `${r.status}\u2026 (${elapsed} elapsed)`;
}
function summarizeRequest(r) {
  const lines = [
    `request   ${r.id}  ${r.status}`,
    `identity  ${r.identity}`,
    `access    ${r.entitlement} for ${r.duration}`,
    `decision  ${r.decision?.outcome ?? "?"}${r.decision?.reasons?.length ? ` \u2014 ${r.decision.reasons.join("; ")}` : ""}`,
    `approvals ${r.approvals?.given ?? 0}/${r.approvals?.required ?? 0}`
  ];
  if (r.grant) {
    const g = r.grant;
    lines.push(`grant     ${g.id}  ${g.status}  expires ${g.expiresAt}${g.revokedAt ? `  revoked ${g.revokedAt}` : ""}${g.lastError ? `  (${g.lastError})` : ""}`);
  }
  return lines.join("\n");
}
function loudLines(line) {
  const bar = "!".repeat(72);
  return `${bar}
${line}
${bar}
`;
}
var USAGE = `hourglass \u2014 just-in-time access for pipelines

Usage:
  hourglass request --identity <name|id> --entitlement <name|id> --duration <PT10M>
                    --justification <text> [options] [--wait] [-- command [args\u2026]]
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

  -- command [args\u2026]          run the command with the credential in its environment (stdio
                              inherited, SIGINT/SIGTERM/SIGHUP forwarded), then revoke the grant
                              at once, whatever the outcome, and exit with the command's code
                              (128 + signal number when it was killed by a signal). The command
                              runs directly, not through a shell: use -- sh -c '\u2026' for one.

  The command's environment (HOURGLASS_TOKEN, the API token, is removed from it):
    always       HOURGLASS_REQUEST_ID, HOURGLASS_GRANT_ID, HOURGLASS_GRANT_EXPIRES_AT
    PostgreSQL   HOURGLASS_PG_USER, HOURGLASS_PG_PASSWORD, HOURGLASS_PG_URL, and PGUSER,
                 PGPASSWORD, DATABASE_URL, PGHOST, PGPORT, PGDATABASE (PGSSLMODE if set)
    token        HOURGLASS_TOKEN_VALUE, HOURGLASS_TOKEN_EXPIRES_AT
    SSH          HOURGLASS_SSH_CERTIFICATE
    webhook      HOURGLASS_CREDENTIAL_JSON (what the endpoint returned)

  Without a command the credential is printed to stdout as NAME=value lines (or JSON with
  --json) \u2014 it is a secret, and the grant stays active until it expires or you revoke it:
    set -a; eval "$(hourglass request \u2026)"; set +a

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

// scripts/cli/commands.ts
var SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
async function statusCommand(opts, { api, stdout, say }) {
  const { body: r } = await api("get", "/api/v1/access-requests/{id}", { params: { id: opts.requestId }, attempts: 1 });
  if (opts.json) stdout(`${JSON.stringify(r, null, 2)}
`);
  else {
    stdout(`${summarizeRequest(r)}
`);
    if (r.grant?.credential) {
      say("this read carried the grant's credential (shown once) \u2014 it is a secret:");
      stdout(`${formatEnvLines(credentialEnv(r.grant.credential, r.grant, r.id))}
`);
    }
  }
  if (r.grant?.credential && opts.json) say("the JSON above carries the grant's credential (shown once) \u2014 it is a secret");
  return EXIT.ok;
}
async function revokeCommand(opts, { api, stdout, say }) {
  const { body: g } = await api("post", "/api/v1/grants/{id}/revoke", { params: { id: opts.grantId }, body: { reason: opts.reason }, idempotencyKey: `revoke-${opts.grantId}`, attempts: 3 });
  if (opts.json) stdout(`${JSON.stringify(g, null, 2)}
`);
  else say(`grant ${g.id} is ${g.status}${g.status === "revoking" ? " (the issuer is revoking it now)" : ""}`);
  return EXIT.ok;
}
async function revokeWithRetry(api, grantId, reason, { sleep, say, attempts = 5 }) {
  let last;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const { body } = await api("post", "/api/v1/grants/{id}/revoke", { params: { id: grantId }, body: { reason }, idempotencyKey: `revoke-${grantId}` });
      return body;
    } catch (e) {
      last = e;
      if (e instanceof CliError && e.status === 409) {
        try {
          const { body } = await api("get", "/api/v1/grants/{id}", { params: { id: grantId }, attempts: 2 });
          if (["revoking", "revoked"].includes(body.status)) return body;
        } catch {
        }
      }
      const permanent = e instanceof CliError && e.status !== void 0 && e.status < 500 && e.status !== 429 && e.status !== 409;
      if (permanent) break;
      if (attempt < attempts) {
        const err2 = e;
        say(`revoking grant ${grantId} failed (${err2.code}: ${err2.message}); retrying\u2026`);
        await sleep(Math.min(500 * 2 ** (attempt - 1), 4e3));
      }
    }
  }
  const err = last;
  throw new CliError("revoke_failed", `could not revoke grant ${grantId}: ${err?.code ?? "error"}: ${err?.message ?? err} \u2014 it stays active until it expires; revoke it now with: hourglass revoke ${grantId} --reason "\u2026"`, EXIT.revokeFailed);
}
async function awaitRevoked(api, grant, { sleep, now, pollIntervalMs, limitMs = 1e4 }) {
  let g = grant;
  const until = now() + limitMs;
  while (g.status === "revoking" && now() < until) {
    await sleep(Math.min(500, pollIntervalMs));
    try {
      g = (await api("get", "/api/v1/grants/{id}", { params: { id: grant.id } })).body;
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
    let sentBefore = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await api("post", "/api/v1/access-requests", { body, idempotencyKey, attempts: 1 });
        r = res.body;
        ownRequest = !res.replayed || sentBefore;
        if (res.replayed) {
          say(`Idempotency-Key ${idempotencyKey} was used before: this is request ${r.id}${ownRequest ? "" : " (made by an earlier run)"}`);
          r = (await api("get", "/api/v1/access-requests/{id}", { params: { id: r.id }, attempts: 3 })).body;
        }
        break;
      } catch (e) {
        const retriable = e instanceof CliError && (e.code === "unreachable" || (e.status ?? 0) >= 500 || e.status === 429 || e.details?.reason === "idempotency_in_progress");
        if (e instanceof CliError && e.code === "unreachable") sentBefore = true;
        if (!retriable || attempt >= 4 || interrupt.signal.aborted) throw e;
        await sleep(Math.min(1e3 * 2 ** (attempt - 1), 8e3), interrupt.signal);
      }
    }
    const started = now();
    const deadline = started + opts.timeoutMs;
    let lastLine = "";
    let lastPrinted = 0;
    const progress = (line) => {
      if (isTTY) stderr(`\r\x1B[Khourglass: ${line}`);
      else if (line.replace(/\(.*elapsed\)/, "") !== lastLine.replace(/\(.*elapsed\)/, "") || now() - lastPrinted >= 3e4) {
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
      if (opts.json) stdout(`${JSON.stringify(r, null, 2)}
`);
      else {
        if (state === "issuing") say(`request ${r.id} is approved; its grant is being issued \u2014 hourglass status ${r.id} shows the credential once it is`);
        stdout(`HOURGLASS_REQUEST_ID=${r.id}
`);
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
      const interval = now() - started > 12e4 ? Math.max(pollIntervalMs, 5e3) : pollIntervalMs;
      await sleep(Math.min(interval, Math.max(0, deadline - now())), interrupt.signal);
      if (interrupt.signal.aborted) break;
      r = (await api("get", "/api/v1/access-requests/{id}", { params: { id: r.id }, attempts: 4 })).body;
      state = classifyRequest(r);
    }
    endProgress();
    const signal = interruptedBy;
    if (signal) {
      await withdraw(api, r, `interrupted by ${signal}`, { say });
      throw new CliError("interrupted", `interrupted by ${signal} while waiting; request ${r.id} was withdrawn`, childExitCode(null, signal));
    }
    if (state === "ended") throw new CliError(r.status === "approved" ? "grant_ended" : r.status, describeEnded(r), EXIT.ended);
    if (state === "failed") throw new CliError("issue_failed", `the grant for request ${r.id} could not be issued${r.grant?.lastError ? `: ${r.grant.lastError}` : ""}`, EXIT.api);
    const grant = r.grant;
    if (state === "taken") {
      const hint = `pass a fresh --idempotency-key${ownRequest ? "" : " (this key belongs to an earlier run)"}`;
      if (ownRequest) {
        await revokeWithRetry(api, grant.id, "credential lost before use (hourglass CLI)", { sleep, say }).catch((e) => say(formatError(e).replace(/^hourglass: /, "")));
      }
      throw new CliError("credential_unavailable", `grant ${grant.id} is active but its credential was already handed out (it is returned once); ${hint}`, EXIT.api);
    }
    const credential = grant.credential;
    removeWaitHandlers();
    if (!opts.commandArgs) {
      say(`grant ${grant.id} is active until ${grant.expiresAt}. The credential below is a SECRET: do not log it. It stays valid until then unless you revoke it: hourglass revoke ${grant.id} --reason "\u2026"`);
      if (opts.json) stdout(`${JSON.stringify(r, null, 2)}
`);
      else stdout(`${formatEnvLines(credentialEnv(credential, grant, r.id))}
`);
      return EXIT.ok;
    }
    return await runWithGrant(opts.commandArgs, r, grant, ctx);
  } finally {
    removeWaitHandlers();
  }
}
async function withdraw(api, request, why, { say }) {
  let r = request;
  try {
    if (r.status === "pending") {
      const { body } = await api("post", "/api/v1/access-requests/{id}/cancel", { params: { id: r.id }, body: {}, attempts: 3 });
      if (body.status === "cancelled") return;
      r = body;
    }
  } catch (e) {
    if (!(e instanceof CliError && e.status === 409)) {
      const err = e;
      say(`could not cancel request ${r.id}: ${err.code}: ${err.message}`);
      return;
    }
    try {
      r = (await api("get", "/api/v1/access-requests/{id}", { params: { id: r.id }, attempts: 2 })).body;
    } catch {
      return;
    }
  }
  if (r.grant && ["issuing", "active"].includes(r.grant.status)) {
    try {
      await api("post", "/api/v1/grants/{id}/revoke", { params: { id: r.grant.id }, body: { reason: `hourglass CLI: ${why}` }, idempotencyKey: `revoke-${r.grant.id}`, attempts: 3 });
    } catch (e) {
      const err = e;
      say(`could not revoke grant ${r.grant.id}: ${err.code}: ${err.message}`);
    }
  }
}
async function runWithGrant(commandArgs, r, grant, ctx) {
  const { api, env, say, proc, sleep, now, pollIntervalMs, spawnImpl } = ctx;
  const childEnv = buildChildEnv(env, grant.credential, grant, r.id);
  const [cmd, ...args] = commandArgs;
  say(`grant ${grant.id} is active until ${grant.expiresAt}; running ${cmd}`);
  const outcome = await new Promise((resolve) => {
    let child;
    try {
      child = spawnImpl(cmd, args, { stdio: "inherit", env: childEnv });
    } catch (e) {
      resolve({ code: 127, signal: null, error: e });
      return;
    }
    const forward = SIGNALS.map(
      (s) => [
        s,
        () => {
          try {
            child.kill(s);
          } catch {
          }
        }
      ]
    );
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
    ctx.stderr(loudLines(formatError(revokeError)));
    return exitCode === 0 ? EXIT.revokeFailed : exitCode;
  }
  const final = await awaitRevoked(api, revoked, { sleep, now, pollIntervalMs });
  if (final.status === "revoked") say(`grant ${grant.id} revoked: ${reason}`);
  else if (final.status === "revoke_failed") {
    ctx.stderr(loudLines(`hourglass: revoke_failed: the issuer could not revoke grant ${grant.id} yet${final.lastError ? ` (${final.lastError})` : ""}; Hourglass keeps retrying and alerts security`));
    return exitCode === 0 ? EXIT.revokeFailed : exitCode;
  } else say(`grant ${grant.id} is ${final.status.replaceAll("_", " ")} (${reason}); Hourglass finishes revoking it at the issuer`);
  return exitCode;
}

// scripts/cli/http.ts
import { readFileSync } from "node:fs";
function packageVersion() {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    return String(pkg.version ?? "unknown");
  } catch {
    return "unknown";
  }
}
function fillPath(template, params) {
  return template.replace(/\{(\w+)\}/g, (_, name) => {
    const value = params?.[name];
    if (value === void 0) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
}
function makeClient(opts) {
  const { url, token, fetchImpl, sleep, userAgent } = opts;
  return async function api(method, template, options = {}) {
    const { body, idempotencyKey, attempts = 1, params } = options;
    const verb = method.toUpperCase();
    const path = fillPath(template, params);
    let lastError;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let res;
      try {
        res = await fetchImpl(`${url}${path}`, {
          method: verb,
          headers: {
            authorization: `Bearer ${token}`,
            accept: "application/json",
            "user-agent": userAgent,
            ...body === void 0 ? {} : { "content-type": "application/json" },
            ...idempotencyKey ? { "idempotency-key": idempotencyKey } : {}
          },
          body: body === void 0 ? void 0 : JSON.stringify(body),
          signal: AbortSignal.timeout(3e4)
        });
      } catch (e) {
        const err = e;
        const cause = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
        lastError = new CliError("unreachable", `cannot reach ${url} (${cause})`, EXIT.api);
        lastError.sent = true;
        if (attempt < attempts) await sleep(Math.min(500 * 2 ** (attempt - 1), 5e3));
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
      const error = json?.error;
      const code = typeof error?.code === "string" ? error.code : `http_${res.status}`;
      const message = typeof error?.message === "string" ? error.message : `${verb} ${path} answered ${res.status} ${res.statusText}`.trim();
      lastError = new CliError(code, message, EXIT.api);
      lastError.status = res.status;
      lastError.details = error?.details;
      const retriable = res.status >= 500 || res.status === 429 || error?.details?.reason === "idempotency_in_progress";
      if (!retriable || attempt >= attempts) break;
      const retryAfter = Number(res.headers.get("retry-after"));
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1e3, 3e4) : Math.min(500 * 2 ** (attempt - 1), 5e3));
    }
    throw lastError;
  };
}

// scripts/cli/main.ts
var sleepFor = (ms, signal) => new Promise((resolve) => {
  if (signal?.aborted) return resolve();
  const t = setTimeout(done, ms);
  function done() {
    clearTimeout(t);
    signal?.removeEventListener("abort", done);
    resolve();
  }
  signal?.addEventListener("abort", done, { once: true });
});
async function run(argv, deps = {}) {
  const env = deps.env ?? process.env;
  const stdout = deps.stdout ?? ((s) => void process.stdout.write(s));
  const stderr = deps.stderr ?? ((s) => void process.stderr.write(s));
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const proc = deps.process ?? process;
  const pollIntervalMs = deps.pollIntervalMs ?? 2e3;
  const sleep = deps.sleep ?? ((ms, signal) => sleepFor(ms, signal));
  const now = deps.now ?? (() => Date.now());
  const isTTY = deps.isTTY ?? Boolean(process.stderr.isTTY);
  const say = (msg) => stderr(`hourglass: ${msg}
`);
  let opts;
  try {
    opts = parseArgs(argv, env);
  } catch (e) {
    stderr(`${formatError(e)}
`);
    return exitCodeFor(e);
  }
  if (opts.command === "help") {
    stdout(USAGE);
    return EXIT.ok;
  }
  if (opts.command === "version") {
    stdout(`hourglass ${packageVersion()}
`);
    return EXIT.ok;
  }
  const api = makeClient({ url: opts.url, token: opts.token, fetchImpl, sleep, userAgent: `hourglass-cli/${packageVersion()} node/${process.versions.node}` });
  try {
    if (opts.command === "status") return await statusCommand(opts, { api, stdout, say });
    if (opts.command === "revoke") return await revokeCommand(opts, { api, stdout, say });
    return await requestCommand(opts, { api, env, stdout, stderr, say, proc, pollIntervalMs, sleep, now, isTTY, spawnImpl: deps.spawn ?? spawn });
  } catch (e) {
    stderr(`${formatError(e)}
`);
    return exitCodeFor(e);
  }
}
function isMain(metaUrl, argv1) {
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
export {
  CliError,
  DEFAULT_TIMEOUT,
  DEFAULT_URL,
  EXIT,
  USAGE,
  buildChildEnv,
  childExitCode,
  classifyRequest,
  credentialEnv,
  defaultIdempotencyKey,
  defaultJobRef,
  describeEnded,
  exitCodeFor,
  formatElapsed,
  formatEnvLines,
  formatError,
  isMain,
  parseArgs,
  parseIsoDuration,
  progressLine,
  run,
  shellQuote,
  summarizeRequest
};
