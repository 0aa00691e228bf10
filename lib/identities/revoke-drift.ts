import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { AppError, notFound } from "../errors";
import { parseInput } from "../validation";
import { driverFor } from "../issuers/registry";
import { HOURGLASS_ROLE_PREFIX, driftPrincipal, driftPrivilege, issuerIdInput } from "./drift-rules";

// Removes a standing privilege found by discovery, at the target itself, through the issuer's
// driver (for PostgreSQL: REVOKE the group from the login role for each grantor, check it is
// gone and, by default, end the role's open sessions).
//
// There is no grant row to bracket this call with durable states, so the audit trail does: a
// `drift.revoke_requested` event commits before the target is touched, then `drift.revoked` or
// `drift.revoke_failed`.

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

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
  const finding = { issuerId: issuer.id, issuer: issuer.name, principal: v.principal, privilege: v.privilege };

  await db.$transaction((tx) =>
    appendAudit(tx, actor, { action: "drift.revoke_requested", subjectType: "issuer", subjectId: issuer.id, data: { ...finding, reason: v.reason, endSessions: v.endSessions } }),
  );
  try {
    const result = await revokeAtTarget(issuer, v.principal, v.privilege, v.endSessions);
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

async function revokeAtTarget(issuer: Parameters<typeof driverFor>[0], principal: string, privilege: string, endSessions: boolean): Promise<DriftRevocation> {
  let outcome;
  try {
    const driver = await driverFor(issuer);
    if (!driver.revokeStanding) throw new AppError("invalid_state", `${issuer.name} cannot remove standing privileges`);
    outcome = await driver.revokeStanding({ principal, privilege }, { endSessions });
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError("issuer_unavailable", `${issuer.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (outcome.outcome === "not_member") throw new AppError("not_found", `${principal} is not a member of ${privilege} on ${issuer.name} (already revoked?)`);
  if (outcome.outcome === "issuer_admin") {
    throw new AppError("invalid_state", `${principal} is the admin role ${issuer.name} connects as; revoking its membership would break the issuer`);
  }
  return { principal, privilege, grantors: outcome.grantors, sessionsEnded: outcome.sessionsEnded };
}
