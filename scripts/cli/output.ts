import type { Env } from "./args";
import { DEFAULT_TIMEOUT, DEFAULT_URL } from "./args";
import type { AccessRequest, Credential, Grant } from "./http";

// What the CLI prints and hands on: the credential as environment variables, request states,
// progress and summaries, the help text.

// ---------------------------------------------------------------------------------------------
// Credentials → environment

/**
 * The variables a credential becomes, in a stable order. PostgreSQL: HOURGLASS_PG_* and the
 * standard libpq names; a token: HOURGLASS_TOKEN_VALUE (HOURGLASS_TOKEN is the API token);
 * a webhook's (or any other) credential: HOURGLASS_CREDENTIAL_JSON.
 */
export function credentialEnv(credential: Credential | undefined, grant: Pick<Grant, "id" | "expiresAt">, requestId?: string): Record<string, string> {
  const vars: Record<string, string> = {};
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
      // A credential type this CLI does not know yet: handed on whole.
      vars.HOURGLASS_CREDENTIAL_JSON = JSON.stringify(credential);
  }
  return vars;
}

/** The child's environment: ours without the API token, plus the credential's variables. */
export function buildChildEnv(parentEnv: Env, credential: Credential | undefined, grant: Pick<Grant, "id" | "expiresAt">, requestId?: string): Env {
  const env = { ...parentEnv };
  delete env.HOURGLASS_TOKEN;
  return { ...env, ...credentialEnv(credential, grant, requestId) };
}

/** A value a POSIX shell reads back unchanged (single-quoted unless it needs no quotes). */
export function shellQuote(value: unknown): string {
  const v = String(value);
  if (v !== "" && /^[A-Za-z0-9_./:@%+=,-]+$/.test(v)) return v;
  return `'${v.replaceAll("'", `'\\''`)}'`;
}

/** `NAME=value` lines: `set -a; eval "$(hourglass request …)"; set +a` exports them. */
export function formatEnvLines(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join("\n");
}

// ---------------------------------------------------------------------------------------------
// Request states

export type RequestState = "pending" | "issuing" | "ready" | "taken" | "ended" | "failed";

/**
 * Where a request stands for the CLI:
 * - pending: waiting for approvals
 * - issuing: approved, the grant is being issued
 * - ready: the grant is active and this response carries the credential
 * - taken: the grant is active but its credential was handed out before (not to this read)
 * - ended: denied, cancelled or expired, or the grant ended before it was used
 * - failed: the grant could not be issued
 */
export function classifyRequest(r: AccessRequest): RequestState {
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
export function describeEnded(r: AccessRequest): string {
  const reasons = r.decision?.reasons?.filter(Boolean) ?? [];
  const why = reasons.length ? `: ${reasons.join("; ")}` : "";
  if (r.status === "denied") return `request ${r.id} was denied${why}`;
  if (r.status === "cancelled") return `request ${r.id} was cancelled`;
  if (r.status === "expired") return `request ${r.id} expired before it was approved (${r.approvals?.given ?? 0}/${r.approvals?.required ?? "?"} approvals)`;
  if (r.grant) return `grant ${r.grant.id} is already ${String(r.grant.status).replaceAll("_", " ")}${r.grant.revokeReason ? ` (${r.grant.revokeReason})` : ""}`;
  return `request ${r.id} is ${r.status}`;
}

/** "45s", "2m05s", "1h02m" — for progress lines. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m) return `${m}m${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}

/** The progress line while waiting. */
export function progressLine(r: AccessRequest, elapsedMs: number): string {
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
export function summarizeRequest(r: AccessRequest): string {
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

/** A failure nobody may miss: between two bars of `!`. */
export function loudLines(line: string): string {
  const bar = "!".repeat(72);
  return `${bar}\n${line}\n${bar}\n`;
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
