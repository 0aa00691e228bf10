import type { Db } from "../db";
import { appendAudit } from "../audit";
import { systemActor } from "../authz";
import { enqueueNotification } from "../notifications/enqueue";

type Due = { id: string; stage: "7d" | "1d"; expiresAt: Date; reminded7dAt: Date | null; identity: string; entitlement: string; proposedBy: string };

/**
 * Accepted exceptions ending within 7 days, and again within 1 day, remind the proposer and
 * security (through the notifier), once per threshold. An exception accepted with less than a day
 * left gets the 1-day reminder only.
 */
export async function remindExpiringExceptions({ db, now = new Date(), limit = 100 }: { db: Db; now?: Date; limit?: number }): Promise<number> {
  return db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<Due[]>`
      SELECT e.id, CASE WHEN e."expiresAt" - interval '1 day' <= ${now} THEN '1d' ELSE '7d' END AS stage,
             e."expiresAt", e."reminded7dAt", i.name AS identity, n.name AS entitlement, u.email AS "proposedBy"
      FROM "Exception" e
      JOIN "Identity" i ON i.id = e."identityId"
      JOIN "Entitlement" n ON n.id = e."entitlementId"
      JOIN "User" u ON u.id = e."proposedById"
      WHERE e.status = 'accepted' AND e."revokeRequestedAt" IS NULL AND e."expiresAt" > ${now} AND (
        (e."reminded1dAt" IS NULL AND e."expiresAt" - interval '1 day' <= ${now}) OR
        (e."reminded7dAt" IS NULL AND e."expiresAt" - interval '7 days' <= ${now}))
      ORDER BY e."expiresAt"
      LIMIT ${limit}
      FOR UPDATE OF e SKIP LOCKED`;
    const worker = systemActor("worker");
    for (const d of due) {
      await tx.exception.update({
        where: { id: d.id },
        // The 1-day reminder also stands for the 7-day one, so a late 7-day reminder never follows it.
        data: d.stage === "1d" ? { reminded1dAt: now, reminded7dAt: d.reminded7dAt ?? now } : { reminded7dAt: now },
      });
      const hoursLeft = Math.max(0, Math.round((d.expiresAt.getTime() - now.getTime()) / 3_600_000));
      await appendAudit(tx, worker, { action: "exception.reminded", subjectType: "exception", subjectId: d.id, data: { threshold: d.stage, expiresAt: d.expiresAt.toISOString() } });
      await enqueueNotification(tx, {
        event: "exception.expiring",
        severity: d.stage === "1d" ? "warning" : "info",
        title: `Exception ends ${d.stage === "1d" ? "within a day" : "within 7 days"}: ${d.entitlement} for ${d.identity}`,
        lines: [
          `Ends ${d.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC (${hoursLeft < 48 ? `${hoursLeft} h` : `${Math.round(hoursLeft / 24)} days`} left); the standing access is revoked then.`,
          `Still needed? ${d.proposedBy} can propose a renewal: it is a new security review.`,
        ],
        link: `/exceptions/${d.id}`,
      });
    }
    return due.length;
  });
}

/** The next instant an accepted exception crosses a reminder threshold. */
export async function nextExceptionReminderDue(db: Db): Promise<Date | null> {
  const [row] = await db.$queryRaw<{ end7: Date | null; end1: Date | null }[]>`
    SELECT min("expiresAt") FILTER (WHERE "reminded7dAt" IS NULL) AS end7, min("expiresAt") FILTER (WHERE "reminded1dAt" IS NULL) AS end1
    FROM "Exception" WHERE status = 'accepted' AND "revokeRequestedAt" IS NULL AND "expiresAt" > ${new Date()}`;
  const at = [row?.end7 ? row.end7.getTime() - 7 * 86_400_000 : null, row?.end1 ? row.end1.getTime() - 86_400_000 : null].filter((t): t is number => t !== null);
  if (at.length === 0) return null;
  // A reminder due now that `run` left (locked elsewhere) is looked at again in a second, not in a tight loop.
  return new Date(Math.max(Math.min(...at), Date.now() + 1000));
}
