import pg from "pg";
import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { AppError, notFound } from "../errors";
import { parseInput } from "../validation";
import { unsealJson } from "../crypto/seal";
import { HOURGLASS_ROLE_PREFIX, driftPrincipal, driftPrivilege, issuerIdInput } from "./drift-rules";

// Removes a standing privilege found by discovery, at the target itself. For PostgreSQL: REVOKE
// the group role from the login role — once for each grantor, since PostgreSQL 16 records role
// memberships per grantor and a membership lasts while any grant of it remains — then check
// that it is gone and, by default, end the role's open sessions (a session keeps what it had:
// a `SET ROLE` to the group outlives the REVOKE).
//
// There is no grant row to bracket this call with durable states, so the audit trail does: a
// `drift.revoke_requested` event commits before the target is touched, then `drift.revoked` or
// `drift.revoke_failed`.

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
const CONNECT_TIMEOUT_MS = 5_000;
const STATEMENT_TIMEOUT_MS = 15_000;

const input = z.object({
  issuerId: issuerIdInput,
  principal: driftPrincipal.pipe(z.string().regex(IDENTIFIER, "principal must be a PostgreSQL role name")),
  privilege: driftPrivilege
    .pipe(z.string().regex(IDENTIFIER, "privilege must be a PostgreSQL role name"))
    .refine((p) => !p.startsWith(HOURGLASS_ROLE_PREFIX), "privilege must not be an Hourglass role"),
  reason: z.string().trim().min(5, "Say why, in at least 5 characters").max(2000),
  /** End the principal's open sessions too, so nobody keeps the privilege until they reconnect. */
  endSessions: z.boolean().default(true),
});

export type DriftRevocation = { principal: string; privilege: string; grantors: string[]; sessionsEnded: number };

export async function revokeDrift({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<DriftRevocation> {
  assertCan(actor, "identity:quarantine");
  const v = parseInput(input, raw);
  const db = getDb();
  const issuer = await db.issuer.findUnique({ where: { id: v.issuerId } });
  if (!issuer) throw notFound("Issuer");
  if (issuer.type !== "postgres") throw new AppError("invalid_state", `Revoking drift is supported for PostgreSQL issuers; ${issuer.name} is a ${issuer.type} issuer`);
  const url = adminUrl(issuer.secretSealed, issuer.name);
  const finding = { issuerId: issuer.id, issuer: issuer.name, principal: v.principal, privilege: v.privilege };

  await db.$transaction((tx) =>
    appendAudit(tx, actor, { action: "drift.revoke_requested", subjectType: "issuer", subjectId: issuer.id, data: { ...finding, reason: v.reason, endSessions: v.endSessions } }),
  );
  try {
    const result = await revokeMembership(url, issuer.name, v.principal, v.privilege, v.endSessions);
    await db.$transaction((tx) =>
      appendAudit(tx, actor, {
        action: "drift.revoked",
        subjectType: "issuer",
        subjectId: issuer.id,
        data: { ...finding, reason: v.reason, grantors: result.grantors, sessionsEnded: result.sessionsEnded },
      }),
    );
    return result;
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    await db.$transaction((tx) => appendAudit(tx, actor, { action: "drift.revoke_failed", subjectType: "issuer", subjectId: issuer.id, data: { ...finding, reason: v.reason, error } }));
    throw e;
  }
}

function adminUrl(secretSealed: string | null, name: string): string {
  let secret: unknown;
  try {
    secret = secretSealed ? unsealJson<unknown>(secretSealed) : null;
  } catch {
    throw new AppError("issuer_unavailable", `The secret of ${name} cannot be unsealed (is the key that sealed it still in HOURGLASS_SECRET_KEY or HOURGLASS_SECRET_KEYS_OLD?)`);
  }
  const url = (secret as { url?: unknown } | null)?.url;
  if (typeof url !== "string" || !url) throw new AppError("issuer_unavailable", `${name} has no admin connection string configured`);
  return url;
}

async function revokeMembership(url: string, issuerName: string, principal: string, privilege: string, endSessions: boolean): Promise<DriftRevocation> {
  const c = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    lock_timeout: STATEMENT_TIMEOUT_MS,
    application_name: "hourglass-drift",
  });
  c.on("error", () => undefined); // a dropped connection fails the pending query, handled below
  const fail = (e: unknown): never => {
    if (e instanceof AppError) throw e;
    throw new AppError("issuer_unavailable", `${issuerName}: ${e instanceof Error ? e.message : String(e)}`);
  };
  try {
    await c.connect().catch(fail);
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
    const before = await memberships().catch(fail);
    if (before.length === 0) throw new AppError("not_found", `${principal} is not a member of ${privilege} on ${issuerName} (already revoked?)`);
    if (before.some((m) => m.is_admin)) {
      throw new AppError("invalid_state", `${principal} is the admin role ${issuerName} connects as; revoking its membership would break the issuer`);
    }
    const grantors = [...new Set(before.map((m) => m.grantor).filter((g): g is string => g !== null))];
    const ident = (s: string) => c.escapeIdentifier(s);
    const statements = grantors.length
      ? grantors.map((g) => `REVOKE ${ident(privilege)} FROM ${ident(principal)} GRANTED BY ${ident(g)}`)
      : [`REVOKE ${ident(privilege)} FROM ${ident(principal)}`];
    try {
      await c.query(["BEGIN", ...statements, "COMMIT"].join("; "));
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      fail(e);
    }
    const after = await memberships().catch(fail);
    if (after.length) {
      throw new AppError("issuer_unavailable", `${issuerName}: ${principal} is still a member of ${privilege} after REVOKE (granted by ${after.map((m) => m.grantor ?? "?").join(", ")})`);
    }
    let sessionsEnded = 0;
    if (endSessions) {
      const ended = await c
        .query<{ ok: boolean }>("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()", [principal])
        .catch(fail);
      sessionsEnded = ended.rows.filter((r) => r.ok).length;
    }
    return { principal, privilege, grantors, sessionsEnded };
  } finally {
    await c.end().catch(() => undefined);
  }
}
