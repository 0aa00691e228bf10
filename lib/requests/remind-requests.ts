import type { Db } from "../db";
import { appendAudit } from "../audit";
import { systemActor } from "../authz";
import { enqueueNotification } from "../notifications/enqueue";

/**
 * Requests waiting past their entitlement's response target remind the approvers; past twice the
 * target they escalate to the entitlement's fallback team.
 */
export async function remindRequests({ db, now = new Date(), limit = 100 }: { db: Db; now?: Date; limit?: number }): Promise<number> {
  return db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<{ id: string; stage: "remind" | "escalate" }[]>`
      SELECT r.id, CASE WHEN r."remindedAt" IS NULL THEN 'remind' ELSE 'escalate' END AS stage
      FROM "AccessRequest" r JOIN "Entitlement" e ON e.id = r."entitlementId"
      WHERE r.status = 'pending' AND (
        (r."remindedAt" IS NULL AND r."createdAt" + make_interval(secs => e."responseTargetSec") <= ${now}) OR
        (r."remindedAt" IS NOT NULL AND r."escalatedAt" IS NULL AND r."createdAt" + make_interval(secs => 2 * e."responseTargetSec") <= ${now}))
      ORDER BY r."createdAt" LIMIT ${limit}
      FOR UPDATE OF r SKIP LOCKED`;
    for (const { id, stage } of due) {
      const r = await tx.accessRequest.findUniqueOrThrow({ where: { id }, include: { identity: true, entitlement: true } });
      const team = stage === "escalate" && r.entitlement.escalationTeamId ? await tx.team.findUnique({ where: { id: r.entitlement.escalationTeamId } }) : null;
      await tx.accessRequest.update({ where: { id }, data: stage === "remind" ? { remindedAt: now } : { escalatedAt: now } });
      await appendAudit(tx, systemActor("worker"), {
        action: stage === "remind" ? "request.reminded" : "request.escalated",
        subjectType: "access_request",
        subjectId: id,
        data: { waitingSec: Math.round((now.getTime() - r.createdAt.getTime()) / 1000), ...(team ? { team: team.name } : {}) },
      });
      await enqueueNotification(tx, {
        event: stage === "remind" ? "request.reminder" : "request.escalated",
        severity: stage === "remind" ? "info" : "warning",
        title: `${stage === "remind" ? "Still waiting" : `Escalated${team ? ` to ${team.name}` : ""}`}: ${r.entitlement.name} for ${r.identity.name}`,
        lines: [`Waiting ${Math.round((now.getTime() - r.createdAt.getTime()) / 60000)} min; expires ${r.expiresAt.toISOString()}`],
        link: `/approvals?request=${id}`,
      });
    }
    return due.length;
  });
}

export async function nextReminderDue(db: Db): Promise<Date | null> {
  const [row] = await db.$queryRaw<{ at: Date | null }[]>`
    SELECT min(CASE WHEN r."remindedAt" IS NULL THEN r."createdAt" + make_interval(secs => e."responseTargetSec")
                    ELSE r."createdAt" + make_interval(secs => 2 * e."responseTargetSec") END) AS at
    FROM "AccessRequest" r JOIN "Entitlement" e ON e.id = r."entitlementId"
    WHERE r.status = 'pending' AND r."escalatedAt" IS NULL`;
  return row?.at ?? null;
}
