import { createHash, randomUUID } from "node:crypto";
import type { components } from "./api-types";
import { usageError } from "./errors";

// The command line and the environment → what to do. Every mistake a person must fix is a
// usage error (exit 2) that says what to change.

export type Env = Record<string, string | undefined>;
export type AccessRequestBody = components["schemas"]["CreateAccessRequest"];

type Connection = { url: string; token: string; json: boolean };
export type RequestOptions = Connection & {
  command: "request";
  body: AccessRequestBody;
  idempotencyKey: string | undefined;
  wait: boolean;
  timeoutMs: number;
  /** The command to run after `--`, or null without one. */
  commandArgs: string[] | null;
};
export type RevokeOptions = Connection & { command: "revoke"; grantId: string; reason: string };
export type StatusOptions = Connection & { command: "status"; requestId: string };
export type ParsedArgs = { command: "help"; topic: Command | null } | { command: "version" } | RequestOptions | RevokeOptions | StatusOptions;

// ---------------------------------------------------------------------------------------------
// Durations

const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Seconds in an ISO 8601 duration (PT10M, PT1H30M, P1D), or null when it is not one. */
export function parseIsoDuration(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const v = value.trim().toUpperCase();
  if (v === "P" || v.endsWith("T")) return null;
  const m = ISO_DURATION.exec(v);
  if (!m) return null;
  const [d, h, min, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const total = d * 86400 + h * 3600 + min * 60 + s;
  return total > 0 ? total : null;
}

// ---------------------------------------------------------------------------------------------
// Flags

type FlagType = "string" | "boolean";

const GLOBAL_FLAGS: Record<string, FlagType> = {
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
} satisfies Record<string, Record<string, FlagType>>;

type Command = keyof typeof COMMAND_FLAGS;
const isCommand = (arg: string): arg is Command => Object.hasOwn(COMMAND_FLAGS, arg);
const commandFlag = (command: Command, name: string): FlagType | undefined => (COMMAND_FLAGS[command] as Record<string, FlagType>)[name];

const SHORT: Record<string, string> = { h: "help", v: "version" };

export const DEFAULT_URL = "http://localhost:3000";
export const DEFAULT_TIMEOUT = "PT30M";

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

type Flags = Record<string, string | boolean>;

/**
 * Parses the command line (without `node` and the script) and the environment into what to do.
 * Throws a CliError with exit code 2 for anything a person must fix.
 */
export function parseArgs(argv: string[], env: Env = {}): ParsedArgs {
  const args = [...argv];
  const dashdash = args.indexOf("--");
  const commandArgs = dashdash === -1 ? null : args.slice(dashdash + 1);
  const own = dashdash === -1 ? args : args.slice(0, dashdash);

  let command: Command | null = null;
  const positionals: string[] = [];
  const flags: Flags = {};

  for (let i = 0; i < own.length; i++) {
    const arg = own[i];
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
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
    const type = GLOBAL_FLAGS[name] ?? (command ? commandFlag(command, name) : undefined);
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
  let parsedUrl: URL;
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

function commandOptions(command: Command, flags: Flags, positionals: string[], commandArgs: string[] | null, base: Connection): RequestOptions | RevokeOptions | StatusOptions {
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
    const context: NonNullable<AccessRequestBody["context"]> = {};
    for (const f of ["ticket", "incident", "change", "job-ref"] as const) if (flags[f] !== undefined) context[camel(f) as keyof typeof context] = String(flags[f]);
    return {
      command,
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
    return { command, ...base, grantId: id, reason };
  }
  return { command, ...base, requestId: id };
}

// ---------------------------------------------------------------------------------------------
// CI defaults

/**
 * The Idempotency-Key for a request when none is given: stable within one CI job run (so a retry
 * of the same call finds the same request), random elsewhere.
 */
export function defaultIdempotencyKey(env: Env, body: unknown): string {
  const digest = (parts: string[]) => createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16);
  const bodyPart = JSON.stringify(body);
  if (env.GITHUB_RUN_ID) {
    return `gh-${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? "1"}-${digest([env.GITHUB_JOB ?? "", env.GITHUB_ACTION ?? "", bodyPart])}`;
  }
  if (env.CI_JOB_ID) return `gl-${env.CI_JOB_ID}-${digest([env.CI_PIPELINE_ID ?? "", bodyPart])}`;
  if (env.BUILDKITE_JOB_ID) return `bk-${env.BUILDKITE_JOB_ID}-${digest([bodyPart])}`;
  return `cli-${randomUUID()}`;
}

/** A CI job reference for the request's context when --job-ref is not given. */
export function defaultJobRef(env: Env): string | undefined {
  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY) {
    const server = env.GITHUB_SERVER_URL ?? "https://github.com";
    return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`.slice(0, 200);
  }
  if (env.CI_JOB_URL) return env.CI_JOB_URL.slice(0, 200);
  if (env.BUILDKITE_BUILD_URL) return env.BUILDKITE_BUILD_URL.slice(0, 200);
  return undefined;
}
