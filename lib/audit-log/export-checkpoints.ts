import type { Db } from "../db";
import { env } from "../env";
import { retryDelayMs } from "../grants/backoff";
import { outboundUrlProblem } from "../http/outbound-url";
import { enqueueNotification } from "../notifications/enqueue";
import { exportedCheckpointLine } from "./checkpoints";

// Each signed checkpoint also leaves for HOURGLASS_AUDIT_CHECKPOINT_URL (a log service, another
// account's bucket behind a small receiver): POSTed after its transaction commits, never while the
// audit chain's lock is held, and retried with backoff until the endpoint accepts it, so a checkpoint
// is never only in the database it vouches for. The body is the line of the export file; its
// Ed25519 signature lets the receiver check it with the public key alone.

const TIMEOUT_MS = 10_000;
/** After this many failed tries in a row the failure is notified (once per checkpoint). */
const LOUD_AFTER = 3;

/** Sends every checkpoint due for export, oldest first; several workers never send one twice at once. */
export async function exportCheckpointsToUrl({ db, limit = 20 }: { db: Db; limit?: number }): Promise<number> {
  const url = env.HOURGLASS_AUDIT_CHECKPOINT_URL;
  if (!url) return 0;
  // Claimed by moving its due instant past the call's deadline (a lease): a dead worker's claim lapses.
  const claimed = await db.$queryRaw<{ id: string }[]>`
    UPDATE "AuditCheckpoint" c
       SET "urlExportDueAt" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${(TIMEOUT_MS * 3) / 1000}::float8)
     WHERE c.id IN (SELECT id FROM "AuditCheckpoint"
                     WHERE "urlExportedAt" IS NULL AND "urlExportDueAt" <= (now() AT TIME ZONE 'UTC')
                     ORDER BY "headSeq" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING c.id::text`;
  if (claimed.length === 0) return 0;
  const rows = await db.auditCheckpoint.findMany({ where: { id: { in: claimed.map((c) => c.id) } }, orderBy: { headSeq: "asc" } });
  // One at a time, in order: a receiver that keeps only the newest sees them arrive oldest first.
  for (const c of rows) {
    let error: string | null = outboundUrlProblem(url, "HOURGLASS_AUDIT_CHECKPOINT_URL");
    if (!error) {
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json", "Idempotency-Key": c.id },
          body: JSON.stringify(exportedCheckpointLine(c)),
          redirect: "error",
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        await res.body?.cancel();
        if (!res.ok) error = `HTTP ${res.status}`;
      } catch (e) {
        error = (e as Error).message;
      }
    }
    if (!error) {
      await db.$executeRaw`UPDATE "AuditCheckpoint" SET "urlExportedAt" = (now() AT TIME ZONE 'UTC'), "urlExportError" = NULL, "urlExportAttempts" = "urlExportAttempts" + 1 WHERE id = ${c.id}::uuid`;
      continue;
    }
    const attempts = c.urlExportAttempts + 1;
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`
        UPDATE "AuditCheckpoint" SET "urlExportAttempts" = ${attempts}, "urlExportError" = ${error!.slice(0, 500)},
               "urlExportDueAt" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${retryDelayMs(attempts) / 1000}::float8)
         WHERE id = ${c.id}::uuid AND "urlExportedAt" IS NULL`;
      if (attempts === LOUD_AFTER) {
        await enqueueNotification(tx, {
          event: "audit.checkpoint_export_failed",
          severity: "warning",
          title: "Audit checkpoints are not reaching their export URL",
          lines: [`${attempts} tries: ${error}`, "Until one arrives, a rewrite of the audit trail since the last exported checkpoint would be found only against the database's own copy."],
          link: "/audit",
        });
      }
    });
  }
  return rows.length;
}

export async function nextCheckpointExportDue(db: Db): Promise<Date | null> {
  if (!env.HOURGLASS_AUDIT_CHECKPOINT_URL) return null;
  const next = await db.auditCheckpoint.findFirst({ where: { urlExportedAt: null, urlExportDueAt: { not: null } }, orderBy: { urlExportDueAt: "asc" }, select: { urlExportDueAt: true } });
  return next?.urlExportDueAt ?? null;
}
