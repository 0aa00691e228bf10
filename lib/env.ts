import { z } from "zod";
import { outboundUrlProblem } from "./http/outbound-url";

// The only module that reads process.env. Everything else imports `env`.

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .optional()
  .transform((v) => v === "true" || v === "1" || v === "yes");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url().optional(),
  /**
   * Connections each server or worker process keeps open to PostgreSQL. The pool has a fixed size:
   * opening a connection costs a backend start and a SCRAM exchange, and a pool that closes what a
   * burst opened pays that again, in the middle of the next burst.
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(10),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional(),
  /** Newest key that seals issuer secrets, signing keys and one-time credentials at rest (any string; hashed to 256 bits). */
  HOURGLASS_SECRET_KEY: z.string().min(32, "HOURGLASS_SECRET_KEY must be at least 32 characters").optional(),
  /** Older seal keys, comma-separated: they still open what they sealed until `npm run keys:reseal`. */
  HOURGLASS_SECRET_KEYS_OLD: z.string().optional(),
  /** Ed25519 private key that signs audit checkpoints (base64url of the 32-byte seed, or PKCS#8 PEM); kept outside the database. */
  HOURGLASS_AUDIT_SIGNING_KEY: z.string().min(32, "HOURGLASS_AUDIT_SIGNING_KEY must be an Ed25519 key").optional(),
  /** More public keys whose checkpoints verify (comma-separated base64url raw Ed25519 keys), e.g. the key before a rotation. */
  HOURGLASS_AUDIT_TRUSTED_KEYS: z.string().default(""),
  /** Where each audit checkpoint is also appended, one JSON line each (a file outside the database's reach). */
  HOURGLASS_AUDIT_CHECKPOINT_FILE: z.string().optional(),
  /** Where each audit checkpoint is also POSTed as JSON (https, or http to loopback), after commit, retried until accepted. */
  HOURGLASS_AUDIT_CHECKPOINT_URL: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      const problem = v ? outboundUrlProblem(v, "HOURGLASS_AUDIT_CHECKPOINT_URL") : null;
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  /** How often the worker signs a checkpoint of the audit chain's head (when it moved). */
  HOURGLASS_AUDIT_CHECKPOINT_INTERVAL_SEC: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Enables email + password sign-in for local users. Off unless set: production uses SSO. */
  HOURGLASS_LOCAL_SIGNIN: bool,
  /** "inline" runs the worker inside the web process; "off" leaves it to `npm run worker`. */
  HOURGLASS_WORKER: z.enum(["inline", "off"]).default("inline"),
  /** bench:api's floor: POST /api/bench/bare answers (one insert, one ES256 signature, one audit append) instead of 404. Never set in production. */
  HOURGLASS_BENCH_BARE_ROUTE: bool,
  HOURGLASS_ADMIN_TOKEN: z.string().min(32, "HOURGLASS_ADMIN_TOKEN must be at least 32 characters").optional(),
  /** Where notifications go: a Slack-compatible incoming webhook or any HTTPS endpoint. */
  HOURGLASS_NOTIFY_URL: z.string().url().optional(),
  /** HMAC key for the X-Hourglass-Signature header of notifications. */
  HOURGLASS_NOTIFY_SECRET: z.string().min(16).optional(),
  /** Public base URL, for links in notifications. */
  HOURGLASS_PUBLIC_URL: z.string().url().optional(),
  /** Password of every demo user the seed creates. */
  HOURGLASS_DEMO_PASSWORD: z.string().min(8).default("hourglass-demo"),
  /** Admin connection string of the database the demo PostgreSQL issuer grants roles in (default: hourglass_target on the app's server). */
  HOURGLASS_TARGET_URL: z.string().url().optional(),
  HOURGLASS_DATA_DIR: z.string().default(".data"),
  /** Loopback port of the demo's ops system (the signed-webhook issuer's endpoint); default: the embedded PostgreSQL's port + 1. */
  HOURGLASS_DEMO_OPS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Set by the launcher for the seed: where the demo's webhook issuer calls, and the key that signs its calls. */
  HOURGLASS_DEMO_OPS_URL: z.string().url().optional(),
  HOURGLASS_DEMO_OPS_SECRET: z.string().min(16).optional(),
  HOURGLASS_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** Lease on a grant claimed by a worker, renewed every third of it while its issuer call runs; a dead worker's grants are taken over after it. */
  HOURGLASS_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  /** A demo: the sign-in page lists the demo accounts (set by `npm start` on the embedded, seeded database). */
  HOURGLASS_DEMO: bool,
  /** The machine API's per-token rate limit, shared by every replica: requests per second, and at once. */
  HOURGLASS_API_RATE_PER_SECOND: z.coerce.number().positive().max(1_000_000).default(100),
  HOURGLASS_API_BURST: z.coerce.number().int().min(1).max(1_000_000).default(200),
  /** Seed demo data into an empty external database too (the embedded one is always seeded). */
  HOURGLASS_SEED: bool,
  /** Initial old-generation size of the web server's V8 heap, in MB (fewer full collections under load); 0 leaves V8's default. */
  HOURGLASS_SERVER_OLD_SPACE_MB: z.coerce.number().int().min(0).max(65_536).default(768),
  /** Address the web server binds to: loopback unless set, so the demo and its published passwords stay on this machine. */
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  AUTH_OIDC_ISSUER: z.string().url().optional(),
  AUTH_OIDC_CLIENT_ID: z.string().optional(),
  AUTH_OIDC_CLIENT_SECRET: z.string().optional(),
  AUTH_OIDC_NAME: z.string().default("SSO"),
  /** Claim in the ID token that lists the user's groups. */
  AUTH_OIDC_GROUPS_CLAIM: z.string().default("groups"),
  /** Comma-separated `group=role` pairs, e.g. `platform-admins=admin,secops=security`. */
  AUTH_OIDC_ROLE_MAP: z.string().default(""),
});

export type Env = z.infer<typeof schema>;

function load(): Env {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

let cached: Env | undefined;

/** Validated environment, read once. Tests may call `reloadEnv()` after changing process.env. */
export const env: Env = new Proxy({} as Env, {
  get(_target, key: string) {
    cached ??= load();
    return cached[key as keyof Env];
  },
});

export function reloadEnv(): Env {
  cached = load();
  return cached;
}

/** Sets a variable for this process and the processes it starts (launcher and test setup only). */
export function setProcessEnv(values: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  cached = undefined;
}

/** The environment to hand to a child process. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/** Whether a variable was given at all (to tell "unset" from an explicit "false"). */
export function envIsSet(key: keyof Env): boolean {
  return process.env[key] !== undefined && process.env[key] !== "";
}

export function requireDatabaseUrl(): string {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set (the launcher sets it when it starts the embedded PostgreSQL)");
  return env.DATABASE_URL;
}

/**
 * The address Auth.js builds its sign-in and callback URLs on: HOURGLASS_PUBLIC_URL (the address people
 * use, also behind a reverse proxy), never the request's Host header, so the redirect URI the provider
 * sees is always the registered one. Unset, it is the address the request came to (a local install
 * is opened as localhost or 127.0.0.1 alike).
 */
export function authBaseUrl(): string | undefined {
  return env.HOURGLASS_PUBLIC_URL ? `${new URL(env.HOURGLASS_PUBLIC_URL).origin}/api/auth` : undefined;
}

/** Auth.js reads its address from AUTH_URL at every request; it follows HOURGLASS_PUBLIC_URL when set. */
export function applyAuthUrl(): void {
  const url = authBaseUrl();
  if (url) process.env.AUTH_URL = url;
}

export function oidcConfigured(): boolean {
  return Boolean(env.AUTH_OIDC_ISSUER && env.AUTH_OIDC_CLIENT_ID && env.AUTH_OIDC_CLIENT_SECRET);
}
