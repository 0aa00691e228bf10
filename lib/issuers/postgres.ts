import { createHash, createHmac, pbkdf2, randomBytes } from "node:crypto";
import { isUuid } from "../validation";
import { promisify } from "node:util";
import pg from "pg";
import { mapWithConcurrency } from "../concurrency";
import { z } from "zod";
import { IssuerError, type GrantRef, type IssuerDriver, type IssuerFactory, type IssueResult, type StandingPrivilege, type StandingRevocation } from "./types";

// The PostgreSQL issuer: a grant is a login role `hg_<grant id hex>` created as a member of the
// entitlement's group role, with a random password and VALID UNTIL at the end of the window.
//
// Facts this is built on (verified on this machine, see shared/notes/issuers.md):
// - Open sessions survive REVOKE, NOLOGIN, VALID UNTIL passing, and even DROP ROLE; a session that
//   did `SET ROLE <group>` keeps the group's privileges. So revoke terminates every backend whose
//   `usesysid` is the role's OID, which is captured at grant time (meta.oid) because after a DROP
//   the OID is the only way to find the orphaned sessions (`usename` becomes NULL).
// - pg_terminate_backend(pid) without a timeout returns at once; we poll pg_stat_activity until the
//   backends are gone instead of using its built-in 100 ms wait loop.
// - DDL takes no bind parameters: identifiers and literals are quoted with pg's escapeIdentifier /
//   escapeLiteral, on top of strict validation of every identifier.
//
// The password never reaches the server in clear: the driver sends a SCRAM-SHA-256 verifier, so
// a server logging DDL (log_statement = ddl) or failing statements (log_min_error_statement) does
// not write the credential to its log.
//
/**
 * Why membership in the group role `g` would give more than data access, or null. A member can
 * SET ROLE to the group and to every role the group is a member of, and then use that role's
 * attributes: superuser, CREATEROLE (make and join any role), CREATEDB, REPLICATION, BYPASSRLS,
 * the server-program and server-file roles, and the issuer's own admin role are all refused.
 */
const DANGEROUS_MEMBERSHIP_SQL = `
  SELECT CASE WHEN s.oid = g.oid THEN 'is' ELSE 'can become ' || quote_ident(s.rolname) || ', which is' END || ' ' ||
         CASE WHEN s.rolsuper THEN 'a superuser'
              WHEN s.rolname = current_user THEN 'the issuer''s own admin role'
              WHEN s.rolcreaterole THEN 'allowed to create roles (CREATEROLE)'
              WHEN s.rolcreatedb THEN 'allowed to create databases (CREATEDB)'
              WHEN s.rolreplication THEN 'a replication role'
              WHEN s.rolbypassrls THEN 'exempt from row-level security (BYPASSRLS)'
              ELSE 'a server-program or server-file role (' || s.rolname || ')' END
    FROM pg_roles s
   WHERE g.oid IS NOT NULL
     AND (s.rolsuper OR s.rolcreaterole OR s.rolcreatedb OR s.rolreplication OR s.rolbypassrls OR s.rolname = current_user
          OR s.rolname IN ('pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files'))
     AND pg_has_role(g.oid, s.oid, 'MEMBER')
   ORDER BY s.oid = g.oid DESC, s.rolname
   LIMIT 1`;

// Privileges the admin connection needs: superuser, or CREATEROLE + ADMIN OPTION on each group
// role + membership in pg_signal_backend (to end sessions of roles it does not belong to — and of
// dropped roles). health() reports a missing privilege.

const SCRAM_ITERATIONS = 4096;
const CONNECTION_LIMIT = 10;
const POOL_MAX = 8;
const CONNECT_TIMEOUT_MS = 5_000;
const STATEMENT_TIMEOUT_MS = 15_000;
const LOCK_TIMEOUT_MS = 5_000;
const HEALTH_TIMEOUT_MS = 3_000;
const TERMINATE_POLL_MS = 5;
const TERMINATE_WAIT_MS = 2_000;

export const ROLE_PREFIX = "hg_";
/** The privilege-less group that revocation-drill canaries join. */
export const CANARY_GROUP = "hourglass_drill_canary";
/** Unquoted-identifier shape: no quoting surprises, and at most 63 bytes (NAMEDATALEN - 1). */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
const OUR_ROLE = /^hg_[0-9a-f]{32}$/;
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+|[0-9A-Fa-f:.]+)$/;

// ---------------------------------------------------------------------------------------------
// Configuration

function isPostgresUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === "postgres:" || u.protocol === "postgresql:";
  } catch {
    return false;
  }
}

export const postgresIssuerSecretSchema = z.strictObject({
  /** Admin connection string: a superuser, or a CREATEROLE role (see the header). */
  url: z.string().trim().min(1, "url is required").refine(isPostgresUrl, "url must be a postgres:// or postgresql:// connection string"),
});

export const postgresIssuerConfigSchema = z.strictObject({
  /** Overrides for the connection string handed to grantees (the admin url's values otherwise). */
  host: z.string().trim().min(1).max(253).regex(HOST, "host must be a host name or IP address").optional(),
  /** The host grantees connect to when it differs from the one Hourglass reaches (takes precedence over host). */
  connectHost: z.string().trim().min(1).max(253).regex(HOST, "connectHost must be a host name or IP address").optional(),
  port: z.coerce.number().int().min(1).max(65535).optional(),
  database: z.string().trim().min(1).max(63).optional(),
});

export const postgresTargetSchema = z.strictObject({
  role: z
    .string()
    .regex(IDENTIFIER, "role must be a PostgreSQL identifier: 1-63 letters, digits, _ or $, not starting with a digit")
    .refine((r) => !r.startsWith(ROLE_PREFIX), `role must not be an Hourglass login role (${ROLE_PREFIX}...)`),
});

function describeIssues(error: z.ZodError, what: string): string {
  return error.issues.map((i) => `${what}${i.path.length ? "." + i.path.join(".") : ""}: ${i.message}`).join("; ");
}

/** Connection-string parameters safe to pass on to a grantee (never user, password or client keys). */
const FORWARDED_PARAMS = new Set(["sslmode", "connect_timeout", "target_session_attrs"]);

type Endpoint = { host: string; port: number; database: string; params: URLSearchParams };

function credentialEndpoint(adminUrl: string, cfg: z.infer<typeof postgresIssuerConfigSchema>): Endpoint {
  const u = new URL(adminUrl);
  const host = cfg.connectHost ?? cfg.host ?? decodeURIComponent(u.hostname);
  if (!host) {
    throw new IssuerError("Invalid PostgreSQL issuer configuration: the url has no host, so config.connectHost is required", "permanent");
  }
  const urlDb = decodeURIComponent(u.pathname.replace(/^\//, ""));
  const params = new URLSearchParams();
  for (const [k, v] of u.searchParams) if (FORWARDED_PARAMS.has(k)) params.set(k, v);
  return { host, port: cfg.port ?? (u.port ? Number(u.port) : 5432), database: cfg.database ?? (urlDb || "postgres"), params };
}

function connectionString(ep: Endpoint, username: string, password: string): string {
  const host = ep.host.includes(":") && !ep.host.startsWith("[") ? `[${ep.host}]` : ep.host;
  const query = ep.params.size ? `?${ep.params.toString()}` : "";
  return `postgresql://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${host}:${ep.port}/${encodeURIComponent(ep.database)}${query}`;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** The login role for a grant: deterministic, so a retried grant finds the role it created. */
export function roleNameFor(grantId: string): string {
  if (!isUuid(grantId)) throw new IssuerError(`Grant id ${JSON.stringify(grantId)} is not a UUID`, "permanent");
  return ROLE_PREFIX + grantId.replaceAll("-", "").toLowerCase();
}

const pbkdf2Async = promisify(pbkdf2);

/** A SCRAM-SHA-256 verifier (RFC 5802/7677, PostgreSQL's format): the server stores it as is. */
export async function scramVerifier(password: string, iterations = SCRAM_ITERATIONS): Promise<string> {
  // SASLprep is the identity for the printable ASCII of a generated password.
  const salt = randomBytes(16);
  const salted = await pbkdf2Async(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

const ident = (name: string) => pg.escapeIdentifier(name);
const literal = (value: string) => pg.escapeLiteral(value);

function oidOf(value: unknown): number | null {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) && n > 0 && n <= 0xffffffff ? n : null;
}

function assertOurRole(reference: string): string {
  if (!OUR_ROLE.test(reference)) {
    throw new IssuerError(`Refusing to act on role ${JSON.stringify(reference)}: not a role created by Hourglass (${ROLE_PREFIX}<32 hex>)`, "permanent");
  }
  return reference;
}

/** rolvaliduntil as pg parses it: a Date, ±Infinity for 'infinity', or null (no expiry). */
function validUntilText(v: Date | number | null): string | null {
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.toISOString() : null;
  if (typeof v === "number") return v > 0 ? "infinity" : "-infinity";
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// SQLSTATE classes that retrying will not fix: bad credentials, unknown database, privileges and
// unknown objects, invalid data, invalid grantor / role specification.
const PERMANENT_CLASSES = new Set(["28", "3D", "42", "22", "0L", "0P"]);

function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Wraps anything thrown while talking to the server into an IssuerError. */
function toIssuerError(e: unknown, action: string): IssuerError {
  if (e instanceof IssuerError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const state = sqlState(e);
  let kind: "transient" | "permanent" = "transient";
  if (state && PERMANENT_CLASSES.has(state.slice(0, 2))) kind = "permanent";
  // pg raises these before talking to the server when the url lacks a password the server wants.
  if (!state && /client password must be a string|SASL: /.test(message)) kind = "permanent";
  return new IssuerError(`PostgreSQL issuer: ${action} failed: ${message}${state ? ` (SQLSTATE ${state})` : ""}`, kind, { cause: e });
}

function isDuplicateRole(e: unknown): boolean {
  const state = sqlState(e);
  return state === "42710" || state === "23505";
}

/**
 * DROP ROLE refused because objects depend on the role (SQLSTATE 2BP01): it cannot log in, holds no
 * group and has no sessions, but it still exists. Retried on the grant's schedule until someone
 * cleans up. Not an outage: the server answered, so the issuer is not marked unhealthy — which
 * would make every failing revoke through it due again the moment a probe finds it healthy.
 */
function cannotDrop(role: string, e: unknown): IssuerError {
  const detail = ((e as { detail?: string }).detail ?? "").split("\n");
  const shown = detail.slice(0, 5).join("; ") + (detail.length > 5 ? `; ... (${detail.length - 5} more lines)` : "");
  return new IssuerError(
    `PostgreSQL issuer: role ${role} was disabled (NOLOGIN, group memberships revoked, sessions ended) but cannot be dropped because ` +
      `objects depend on it${shown ? ` (${shown})` : ""}. Run REASSIGN OWNED BY ${role} TO <owner>; DROP OWNED BY ${role} ` +
      `in each database concerned, then the revoke completes on its next attempt.`,
    "permanent",
    { cause: e },
  );
}

type MultiResult = pg.QueryResult | pg.QueryResult[];
const lastResult = (r: MultiResult) => (Array.isArray(r) ? r[r.length - 1] : r);

/** Two ALTERs of one role at once (concurrent retries of one grant) fail with "tuple concurrently updated". */
async function alterWithRetry(c: pg.PoolClient, sql: string): Promise<MultiResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await c.query(sql);
    } catch (e) {
      if (attempt >= 3 || !["XX000", "40001", "40P01"].includes(sqlState(e) ?? "")) throw e;
      await sleep(5 * attempt);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Driver

export const createPostgresIssuer: IssuerFactory = ({ name, config, secret }) => {
  const secretParsed = postgresIssuerSecretSchema.safeParse(secret ?? {});
  if (!secretParsed.success) {
    throw new IssuerError(`Invalid PostgreSQL issuer secret for ${name}: ${describeIssues(secretParsed.error, "secret")}`, "permanent");
  }
  const configParsed = postgresIssuerConfigSchema.safeParse(config ?? {});
  if (!configParsed.success) {
    throw new IssuerError(`Invalid PostgreSQL issuer configuration for ${name}: ${describeIssues(configParsed.error, "config")}`, "permanent");
  }
  const adminUrl = secretParsed.data.url;
  const endpoint = credentialEndpoint(adminUrl, configParsed.data);

  let pool: pg.Pool | undefined;
  function getPool(): pg.Pool {
    if (!pool) {
      pool = new pg.Pool({
        connectionString: adminUrl,
        max: POOL_MAX,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        idleTimeoutMillis: 30_000,
        allowExitOnIdle: true,
        statement_timeout: STATEMENT_TIMEOUT_MS,
        lock_timeout: LOCK_TIMEOUT_MS,
        query_timeout: STATEMENT_TIMEOUT_MS + 2_000,
        application_name: "hourglass-issuer",
      });
      // An idle connection dropped by the server must not crash the process; the pool replaces it.
      pool.on("error", () => undefined);
    }
    return pool;
  }

  async function withClient<T>(action: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await getPool().connect();
    } catch (e) {
      throw toIssuerError(e, `${action} (connecting)`);
    }
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (e) {
      const err = toIssuerError(e, action);
      // Connection-level failures: do not hand this connection to the next caller.
      if (!(e instanceof IssuerError) && !sqlState(e)) broken = err;
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Waits until pg_stat_activity shows no backend whose session user is one of `oids`, signalling
   * any newcomer. `initial` are the pids already signalled: none means nothing to wait for, and no
   * round trip at all.
   */
  async function waitForSessionsGone(c: pg.PoolClient, oids: number[], initial: number[], role: string): Promise<void> {
    if (initial.length === 0 || oids.length === 0) return;
    const signalled = new Set(initial);
    const deadline = Date.now() + TERMINATE_WAIT_MS;
    for (let round = 0; ; round++) {
      // A terminated backend usually exits within a few ms: look early, then every TERMINATE_POLL_MS.
      await sleep(round < 2 ? 1 : TERMINATE_POLL_MS);
      const left = await c.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE usesysid = ANY($1::oid[]) AND pid <> pg_backend_pid()",
        [oids],
      );
      if (left.rowCount === 0) return;
      const fresh = left.rows.map((r) => r.pid).filter((p) => !signalled.has(p));
      if (fresh.length) {
        await c.query("SELECT pg_terminate_backend(p) FROM unnest($1::int[]) AS p", [fresh]);
        fresh.forEach((p) => signalled.add(p));
      }
      if (Date.now() > deadline) {
        throw new IssuerError(
          `PostgreSQL issuer: ${left.rowCount} session(s) of role ${role} still present ${TERMINATE_WAIT_MS} ms after pg_terminate_backend (pids ${left.rows.map((r) => r.pid).join(", ")})`,
          "transient",
        );
      }
    }
  }

  const terminateSql = (oids: number[]) =>
    `SELECT pid, pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE usesysid IN (${oids.map((o) => String(o)).join(", ")}) AND pid <> pg_backend_pid()`;

  const driver: IssuerDriver = {
    type: "postgres",

    referenceFor: roleNameFor,

    async grant(input): Promise<IssueResult> {
      const target = postgresTargetSchema.safeParse(input.entitlement.target ?? {});
      if (!target.success) {
        throw new IssuerError(`Invalid target for entitlement ${input.entitlement.name}: ${describeIssues(target.error, "target")}`, "permanent");
      }
      const group = target.data.role;
      const role = roleNameFor(input.grantId);
      const expiresAt = input.expiresAt;
      if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) {
        throw new IssuerError("PostgreSQL issuer: expiresAt is not a valid date", "permanent");
      }
      if (expiresAt.getTime() <= Date.now()) {
        throw new IssuerError(`The grant window already ended at ${expiresAt.toISOString()}`, "permanent");
      }
      const password = randomBytes(24).toString("base64url"); // 32 characters, 192 bits
      const verifier = await scramVerifier(password);
      const validUntil = expiresAt.toISOString();
      const attrs = `LOGIN INHERIT CONNECTION LIMIT ${CONNECTION_LIMIT} PASSWORD ${literal(verifier)} VALID UNTIL ${literal(validUntil)}`;
      const oidSql = `SELECT oid FROM pg_roles WHERE rolname = ${literal(role)}`;

      return withClient("grant", async (c) => {
        const found = await c.query<{ group_oid: number | null; group_danger: string | null; role_oid: number | null }>(
          `SELECT g.oid AS group_oid, (${DANGEROUS_MEMBERSHIP_SQL}) AS group_danger, r.oid AS role_oid
             FROM (SELECT 1) AS one
             LEFT JOIN pg_roles g ON g.rolname = $1
             LEFT JOIN pg_roles r ON r.rolname = $2`,
          [group, role],
        );
        const row = found.rows[0];
        if (row.group_oid == null) throw new IssuerError(`PostgreSQL issuer: group role ${group} does not exist`, "permanent");
        if (row.group_danger) throw new IssuerError(`PostgreSQL issuer: group role ${group} ${row.group_danger}; Hourglass does not grant membership in it`, "permanent");

        const alter = `ALTER ROLE ${ident(role)} ${attrs}; GRANT ${ident(group)} TO ${ident(role)}; ${oidSql}`;
        let result: MultiResult;
        if (row.role_oid == null) {
          try {
            result = await c.query(`CREATE ROLE ${ident(role)} ${attrs} IN ROLE ${ident(group)}; ${oidSql}`);
          } catch (e) {
            // Created meanwhile by a concurrent call for the same grant: take the retry path.
            if (!isDuplicateRole(e)) throw e;
            result = await alterWithRetry(c, alter);
          }
        } else {
          // A retry after a crash: same role, fresh password, window and membership.
          result = await alterWithRetry(c, alter);
        }
        const oid = oidOf(lastResult(result).rows[0]?.oid);
        if (oid == null) throw new IssuerError(`PostgreSQL issuer: role ${role} vanished right after it was created`, "transient");
        return {
          reference: role,
          credential: { type: "postgres", username: role, password, connectionString: connectionString(endpoint, role, password) },
          expiresAt,
          meta: { oid, group, database: endpoint.database },
        };
      });
    },

    async revoke(ref: GrantRef): Promise<void> {
      const role = assertOurRole(ref.reference);
      const knownOid = oidOf(ref.meta?.oid);
      await withClient("revoke", async (c) => {
        const found = await c.query<{ oid: number; groups: string[] }>(
          `SELECT r.oid,
                  array(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) AS groups
             FROM pg_roles r WHERE r.rolname = $1`,
          [role],
        );
        const current = found.rows[0];
        const oids = [...new Set([knownOid, current ? oidOf(current.oid) : null].filter((o): o is number => o != null))];

        if (!current) {
          // Already dropped — but a session survives DROP ROLE: end any left under the old OID.
          if (oids.length === 0) return;
          const killed = await c.query<{ pid: number }>(terminateSql(oids));
          await waitForSessionsGone(c, oids, killed.rows.map((r) => r.pid), role);
          return;
        }

        // 1. No new logins, no group privileges, and every live session signalled. Sessions go
        //    before the DROP: a session's temporary tables belong to the role and block DROP ROLE
        //    until the backend has exited (it drops them on its way out).
        const groups = current.groups.filter((g) => g !== role);
        const disabled = lastResult(
          await c.query(
            [`ALTER ROLE ${ident(role)} NOLOGIN`, ...groups.map((g) => `REVOKE ${ident(g)} FROM ${ident(role)}`), terminateSql(oids)].join("; "),
          ),
        );
        await waitForSessionsGone(c, oids, disabled.rows.map((r: { pid: number }) => r.pid), role);

        // 2. Drop the role, and sweep once more by OID for a login that raced the NOLOGIN.
        let swept: pg.QueryResult;
        try {
          swept = lastResult(await c.query(`DROP ROLE IF EXISTS ${ident(role)}; ${terminateSql(oids)}`));
        } catch (e) {
          if (sqlState(e) !== "2BP01") throw e;
          throw cannotDrop(role, e);
        }
        await waitForSessionsGone(c, oids, swept.rows.map((r: { pid: number }) => r.pid), role);
      });
    },

    /**
     * The batch revoke: each step is one statement for the whole batch, and access ends in one
     * commit. Role DDL commits one WAL flush each, so a role at a time is bound by the target's
     * commit rate; a batch pays it once. A batch the server refuses as a whole (another change to
     * one of its roles at the same instant) is revoked grant by grant.
     */
    async revokeMany(refs: GrantRef[]): Promise<(Error | null)[]> {
      const results: (Error | null)[] = refs.map(() => null);
      const batch: { i: number; role: string; knownOid: number | null }[] = [];
      refs.forEach((ref, i) => {
        try {
          batch.push({ i, role: assertOurRole(ref.reference), knownOid: oidOf(ref.meta?.oid) });
        } catch (e) {
          results[i] = toIssuerError(e, "revoke");
        }
      });
      if (batch.length === 0) return results;
      const one = async (b: (typeof batch)[number]) => {
        try {
          await driver.revoke(refs[b.i]);
          results[b.i] = (await driver.verifyRevoked(refs[b.i])) ? null : new IssuerError(`PostgreSQL issuer: role ${b.role} still present after the revoke`, "transient");
        } catch (e) {
          results[b.i] = toIssuerError(e, "revoke");
        }
      };
      try {
        await withClient("revoke", async (c) => {
          const found = await c.query<{ rolname: string; oid: number; groups: string[] }>(
            `SELECT r.rolname, r.oid,
                    array(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) AS groups
               FROM pg_roles r WHERE r.rolname = ANY($1::text[])`,
            [batch.map((b) => b.role)],
          );
          const current = new Map(found.rows.map((r) => [r.rolname, r]));
          const oidsOf = (b: (typeof batch)[number]) => [...new Set([b.knownOid, oidOf(current.get(b.role)?.oid)].filter((o): o is number => o != null))];
          const oids = [...new Set(batch.flatMap(oidsOf))];
          const label = `of ${batch.length} roles (${batch[0].role}…)`;

          // 1. End access, the whole batch in one implicit transaction: no new logins, no group
          //    privileges; then every live session signalled and waited for.
          //    One REVOKE per group for all its members in the batch: the server reads every
          //    member of the group for each REVOKE, so one per role would cost the group's size each.
          const live = batch.filter((b) => current.has(b.role));
          const membersOf = new Map<string, string[]>();
          for (const b of live) for (const g of current.get(b.role)!.groups) if (g !== b.role) membersOf.set(g, [...(membersOf.get(g) ?? []), b.role]);
          const statements = [
            ...live.map((b) => `ALTER ROLE ${ident(b.role)} NOLOGIN`),
            ...[...membersOf].map(([g, roles]) => `REVOKE ${ident(g)} FROM ${roles.map(ident).join(", ")}`),
          ];
          if (statements.length) await c.query(statements.join("; "));
          if (oids.length) {
            const killed = await c.query<{ pid: number }>(terminateSql(oids));
            await waitForSessionsGone(c, oids, killed.rows.map((r) => r.pid), label);
          }

          // 2. Drop the roles in one statement; when one of them cannot go, drop each on its own
          //    so the others still do. Then sweep once more by OID for a login that raced the NOLOGIN.
          if (live.length) {
            try {
              await c.query(`DROP ROLE IF EXISTS ${live.map((b) => ident(b.role)).join(", ")}`);
            } catch (e) {
              if (sqlState(e) !== "2BP01") throw e;
              for (const b of live) {
                try {
                  await c.query(`DROP ROLE IF EXISTS ${ident(b.role)}`);
                } catch (err) {
                  if (sqlState(err) !== "2BP01") throw err;
                  results[b.i] = cannotDrop(b.role, err);
                }
              }
            }
            const swept = await c.query<{ pid: number }>(terminateSql(oids));
            await waitForSessionsGone(c, oids, swept.rows.map((r) => r.pid), label);
          }

          // 3. Verify against the server: no role by that name, no session under any of its OIDs.
          const left = await c.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])", [batch.map((b) => b.role)]);
          const sessions = await c.query<{ oid: number }>("SELECT DISTINCT usesysid::int AS oid FROM pg_stat_activity WHERE usesysid = ANY($1::oid[])", [oids]);
          const stillThere = new Set(left.rows.map((r) => r.rolname));
          const withSessions = new Set(sessions.rows.map((r) => Number(r.oid)));
          for (const b of batch) {
            if (results[b.i]) continue;
            if (stillThere.has(b.role)) results[b.i] = new IssuerError(`PostgreSQL issuer: role ${b.role} still present after the revoke`, "transient");
            else if (oidsOf(b).some((o) => withSessions.has(o))) results[b.i] = new IssuerError(`PostgreSQL issuer: a session of role ${b.role} is still present after the revoke`, "transient");
          }
        });
      } catch (e) {
        // Refused by the server as a batch: each grant on its own (with the single revoke's retries).
        // A connection that failed fails every grant of the batch alike.
        if (!sqlState((e as { cause?: unknown }).cause ?? e)) {
          for (const b of batch) results[b.i] = toIssuerError(e, "revoke");
          return results;
        }
        await mapWithConcurrency(batch, 4, one);
      }
      return results;
    },

    async verifyRevoked(ref: GrantRef): Promise<boolean> {
      const role = assertOurRole(ref.reference);
      const oid = oidOf(ref.meta?.oid);
      return withClient("verifyRevoked", async (c) => {
        const r = await c.query<{ role_exists: boolean; sessions: number }>(
          `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS role_exists,
                  (SELECT count(*)::int FROM pg_stat_activity WHERE usesysid = $2::oid) AS sessions`,
          [role, oid ?? 0],
        );
        return !r.rows[0].role_exists && r.rows[0].sessions === 0;
      });
    },

    async canaryTarget() {
      // A group with no privileges at all: a drill proves login, session and revoke, nothing more.
      await withClient("canaryTarget", (c) =>
        c.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(CANARY_GROUP)}) THEN CREATE ROLE ${ident(CANARY_GROUP)} NOLOGIN; END IF; END $$`),
      );
      return { role: CANARY_GROUP };
    },

    async extend(ref: GrantRef, expiresAt: Date): Promise<void> {
      const role = assertOurRole(ref.reference);
      if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) {
        throw new IssuerError("PostgreSQL issuer: expiresAt is not a valid date", "permanent");
      }
      await withClient("extend", async (c) => {
        try {
          await c.query(`ALTER ROLE ${ident(role)} VALID UNTIL ${literal(expiresAt.toISOString())}`);
        } catch (e) {
          if (sqlState(e) === "42704") throw new IssuerError(`PostgreSQL issuer: role ${role} does not exist (revoked?)`, "permanent", { cause: e });
          throw e;
        }
      });
    },

    async health(): Promise<{ ok: boolean; detail?: string }> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
      });
      try {
        const r = await Promise.race([
          getPool().query<{ version: string; rolsuper: boolean; rolcreaterole: boolean; can_signal: boolean }>(
            `SELECT current_setting('server_version') AS version, r.rolsuper, r.rolcreaterole,
                    pg_has_role(current_user, 'pg_signal_backend', 'USAGE') AS can_signal
               FROM pg_roles r WHERE r.rolname = current_user`,
          ),
          timeout,
        ]);
        const row = r.rows[0];
        const version = `PostgreSQL ${row?.version ?? "?"}`;
        if (!row || row.rolsuper) return { ok: true, detail: version };
        const missing = [!row.rolcreaterole && "CREATEROLE", !row.can_signal && "membership in pg_signal_backend"].filter(Boolean);
        return missing.length ? { ok: false, detail: `${version}; the admin role lacks ${missing.join(" and ")}` } : { ok: true, detail: version };
      } catch (e) {
        return { ok: false, detail: toIssuerError(e, "health check").message };
      } finally {
        clearTimeout(timer);
      }
    },

    async discover(): Promise<StandingPrivilege[]> {
      return withClient("discover", async (c) => {
        const r = await c.query<{ principal: string; privilege: string; superuser: boolean; valid_until: Date | number | null; admin_option: boolean; issuer_admin: boolean }>(
          `SELECT u.rolname AS principal, g.rolname AS privilege, u.rolsuper AS superuser, u.rolvaliduntil AS valid_until,
                  bool_or(m.admin_option) AS admin_option, u.rolname = current_user AS issuer_admin
             FROM pg_auth_members m
             JOIN pg_roles u ON u.oid = m.member
             JOIN pg_roles g ON g.oid = m.roleid
            WHERE u.rolcanlogin AND left(u.rolname, 3) <> $1 AND left(g.rolname, 3) <> $1
            GROUP BY u.rolname, g.rolname, u.rolsuper, u.rolvaliduntil
            ORDER BY u.rolname, g.rolname`,
          [ROLE_PREFIX],
        );
        return r.rows.map((row) => ({
          principal: row.principal,
          privilege: row.privilege,
          detail: {
            superuser: row.superuser,
            validUntil: validUntilText(row.valid_until),
            adminOption: row.admin_option,
            ...(row.issuer_admin ? { issuerAdmin: true } : {}),
          },
        }));
      });
    },

    // PostgreSQL 16+ records a membership per grantor and it lasts while any grant of it remains,
    // so the group is revoked once for each grantor, in one transaction, then checked gone. A
    // session keeps what it had (a `SET ROLE` to the group outlives the REVOKE): ending them is
    // what makes the removal immediate.
    async revokeStanding({ principal, privilege }, { endSessions }): Promise<StandingRevocation> {
      return withClient(`revoke ${privilege} from ${principal}`, async (c) => {
        const memberships = async () =>
          (
            await c.query<{ grantor: string | null; is_admin: boolean }>(
              `SELECT gr.rolname AS grantor, u.rolname = current_user AS is_admin
                 FROM pg_auth_members m
                 JOIN pg_roles u ON u.oid = m.member
                 JOIN pg_roles g ON g.oid = m.roleid
                 LEFT JOIN pg_roles gr ON gr.oid = m.grantor
                WHERE u.rolname = $1 AND g.rolname = $2`,
              [principal, privilege],
            )
          ).rows;
        const before = await memberships();
        if (before.length === 0) return { outcome: "not_member" };
        if (before.some((m) => m.is_admin)) return { outcome: "issuer_admin" };
        const grantors = [...new Set(before.map((m) => m.grantor).filter((g): g is string => g !== null))];
        const ident = (s: string) => c.escapeIdentifier(s);
        const statements = grantors.length
          ? grantors.map((g) => `REVOKE ${ident(privilege)} FROM ${ident(principal)} GRANTED BY ${ident(g)}`)
          : [`REVOKE ${ident(privilege)} FROM ${ident(principal)}`];
        try {
          await c.query(["BEGIN", ...statements, "COMMIT"].join("; "));
        } catch (e) {
          await c.query("ROLLBACK").catch(() => undefined);
          throw e;
        }
        const after = await memberships();
        if (after.length) {
          throw new IssuerError(`${principal} is still a member of ${privilege} after REVOKE (granted by ${after.map((m) => m.grantor ?? "?").join(", ")})`, "transient");
        }
        let sessionsEnded = 0;
        if (endSessions) {
          const ended = await c.query<{ ok: boolean }>("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()", [principal]);
          sessionsEnded = ended.rows.filter((r) => r.ok).length;
        }
        return { outcome: "revoked", grantors, sessionsEnded };
      });
    },

    async close(): Promise<void> {
      const p = pool;
      pool = undefined;
      await p?.end();
    },
  };
  return driver;
};
