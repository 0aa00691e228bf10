import type { Db } from "../db";
import { appendAudit } from "../audit";
import { systemActor } from "../authz";
import { enqueueNotification } from "../notifications/enqueue";

type Due = {
  id: string;
  grantId: string;
  grantStatus: "revoked" | "issue_failed";
  revokeReason: string | null;
  revokedAt: Date | null;
  revokeRequestedAt: Date | null;
  identity: string;
  entitlement: string;
};

/**
 * An accepted exception follows its standing grant: once the worker has revoked the grant (and
 * the issuer confirmed it), the exception is closed as `expired` when it ended on its date, or
 * `revoked` when someone ended it early. A grant that never issued closes the exception once the
 * end date passes (or it was ended early): nothing is left in place. Until then an accepted
 * exception past its end shows as overdue, loudly, never closed silently.
 */
export async function closeEndedExceptions({ db, now = new Date(), limit = 100 }: { db: Db; now?: Date; limit?: number }): Promise<number> {
  return db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<Due[]>`
      SELECT e.id, g.id AS "grantId", g.status::text AS "grantStatus", g."revokeReason"::text AS "revokeReason", g."revokedAt",
             e."revokeRequestedAt", i.name AS identity, n.name AS entitlement
      FROM "Exception" e
      JOIN "Grant" g ON g."exceptionId" = e.id
      JOIN "Identity" i ON i.id = e."identityId"
      JOIN "Entitlement" n ON n.id = e."entitlementId"
      WHERE e.status = 'accepted'
        AND (g.status = 'revoked' OR (g.status = 'issue_failed' AND (e."revokeRequestedAt" IS NOT NULL OR e."expiresAt" <= ${now})))
      ORDER BY e."expiresAt"
      LIMIT ${limit}
      FOR UPDATE OF e SKIP LOCKED`;
    const worker = systemActor("worker");
    for (const d of due) {
      // Ended early: by the exception's own revoke, or by a revoke of its grant (emergency, quarantine).
      const early = d.revokeRequestedAt !== null || (d.grantStatus === "revoked" && d.revokeReason !== "exception_ended");
      const status = early ? "revoked" : "expired";
      const endedAt = d.revokedAt ?? now;
      await tx.exception.update({ where: { id: d.id }, data: { status, endedAt } });
      await appendAudit(tx, worker, {
        action: `exception.${status}`,
        subjectType: "exception",
        subjectId: d.id,
        data: { grantId: d.grantId, grantStatus: d.grantStatus, revokeReason: d.revokeReason, endedAt: endedAt.toISOString(), verifiedAtIssuer: d.grantStatus === "revoked" },
      });
      await enqueueNotification(tx, {
        event: "exception.ended",
        title: `Exception ${status}: ${d.entitlement} for ${d.identity}`,
        lines: [d.grantStatus === "revoked" ? "The standing access was revoked and the issuer confirmed it." : "The standing grant was never issued; nothing was left in place."],
        link: `/exceptions/${d.id}`,
      });
    }
    return due.length;
  });
}

const SETTLE_MS = 1000;

/**
 * When this lane next has work: the grants of accepted exceptions end (or retry their revoke) at
 * known instants, and the revoke itself runs in the revoke lane, so look a moment after each.
 */
export async function nextExceptionCloseDue(db: Db): Promise<Date | null> {
  const [row] = await db.$queryRaw<{ closable: boolean | null; revoking: boolean | null; activeEnd: Date | null; retryAt: Date | null; failedEnd: Date | null }[]>`
    SELECT
      bool_or(g.status = 'revoked' OR (g.status = 'issue_failed' AND e."revokeRequestedAt" IS NOT NULL)) AS closable,
      bool_or(g.status = 'revoking') AS revoking,
      min(g."expiresAt") FILTER (WHERE g.status IN ('active', 'issuing')) AS "activeEnd",
      min(g."nextAttemptAt") FILTER (WHERE g.status IN ('revoke_failed', 'irrevocable')) AS "retryAt",
      min(e."expiresAt") FILTER (WHERE g.status = 'issue_failed') AS "failedEnd"
    FROM "Exception" e JOIN "Grant" g ON g."exceptionId" = e.id
    WHERE e.status = 'accepted'`;
  if (!row) return null;
  const soon = Date.now() + SETTLE_MS;
  const candidates = [
    row.closable || row.revoking ? soon : null,
    row.activeEnd ? row.activeEnd.getTime() + SETTLE_MS : null,
    row.retryAt ? row.retryAt.getTime() + SETTLE_MS : null,
    row.failedEnd ? row.failedEnd.getTime() : null,
  ].filter((t): t is number => t !== null);
  if (candidates.length === 0) return null;
  // Work due now that `run` left (locked by another worker, or waiting for the revoke lane) is looked at again shortly, never in a tight loop.
  return new Date(Math.max(Math.min(...candidates), soon));
}
