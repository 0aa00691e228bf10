import type { Db } from "../db";
import { appendAudit } from "../audit";
import { systemActor } from "../authz";

/**
 * Moves pending requests whose answer window has passed to `expired`. Rows are claimed with
 * FOR UPDATE SKIP LOCKED, so several workers can run this at once without doing a row twice.
 */
export async function expireRequests({ db, now = new Date(), limit = 200 }: { db: Db; now?: Date; limit?: number }): Promise<number> {
  const actor = systemActor("worker");
  return db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "AccessRequest"
      WHERE status = 'pending' AND "expiresAt" <= ${now}
      ORDER BY "expiresAt" LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    if (due.length === 0) return 0;
    const ids = due.map((r) => r.id);
    await tx.accessRequest.updateMany({ where: { id: { in: ids } }, data: { status: "expired", decidedAt: now } });
    for (const id of ids) {
      await appendAudit(tx, actor, { action: "request.expired", subjectType: "access_request", subjectId: id, data: { reason: "no decision within the entitlement's window" } });
    }
    return ids.length;
  });
}

/** The next instant a pending request expires, for the worker's timer. */
export async function nextRequestExpiry(db: Db): Promise<Date | null> {
  const next = await db.accessRequest.findFirst({ where: { status: "pending" }, orderBy: { expiresAt: "asc" }, select: { expiresAt: true } });
  return next?.expiresAt ?? null;
}
