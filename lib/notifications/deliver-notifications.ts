import type { Db } from "../db";
import { env } from "../env";
import { signPayload } from "../crypto/hmac";
import { mapWithConcurrency } from "../concurrency";
import { retryDelayMs } from "../grants/backoff";

export const NOTIFY_MAX_ATTEMPTS = 10;
const TIMEOUT_MS = 5000;

/** Sends due notifications (HMAC-signed POST), retrying with backoff; every attempt is recorded. */
export async function deliverNotifications({ db, now = new Date(), limit = 20 }: { db: Db; now?: Date; limit?: number }): Promise<number> {
  const url = env.HOURGLASS_NOTIFY_URL;
  if (!url) return 0;
  const lease = new Date(now.getTime() + TIMEOUT_MS * 3);
  const claimed = await db.$queryRaw<{ id: string; payload: unknown; attempts: number }[]>`
    UPDATE "NotificationDelivery" d SET attempts = d.attempts + 1, "nextAttemptAt" = ${lease}
    WHERE d.id IN (SELECT id FROM "NotificationDelivery" WHERE status = 'pending' AND "nextAttemptAt" <= ${now}
                   ORDER BY "nextAttemptAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING d.id, d.payload, d.attempts`;
  await mapWithConcurrency(claimed, 4, async (d) => {
    const body = JSON.stringify(d.payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Hourglass-Timestamp": timestamp,
          ...(env.HOURGLASS_NOTIFY_SECRET ? { "X-Hourglass-Signature": signPayload(env.HOURGLASS_NOTIFY_SECRET, timestamp, body) } : {}),
          "Idempotency-Key": d.id,
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = res.status;
      await res.body?.cancel();
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (e) {
      error = (e as Error).message;
    }
    if (!error) {
      await db.notificationDelivery.update({ where: { id: d.id }, data: { status: "delivered", deliveredAt: new Date(), lastStatus: status, lastError: null } });
    } else {
      const failed = d.attempts >= NOTIFY_MAX_ATTEMPTS;
      await db.notificationDelivery.update({
        where: { id: d.id },
        data: { status: failed ? "failed" : "pending", lastStatus: status, lastError: error.slice(0, 500), nextAttemptAt: new Date(Date.now() + retryDelayMs(d.attempts + 1)) },
      });
    }
  });
  return claimed.length;
}

export async function nextNotificationDue(db: Db): Promise<Date | null> {
  if (!env.HOURGLASS_NOTIFY_URL) return null;
  const next = await db.notificationDelivery.findFirst({ where: { status: "pending" }, orderBy: { nextAttemptAt: "asc" }, select: { nextAttemptAt: true } });
  return next?.nextAttemptAt ?? null;
}
