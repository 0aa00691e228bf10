import type { Db } from "../db";
import { appendAudit } from "../audit";
import { systemActor } from "../authz";
import { driverFor } from "../issuers/registry";

/**
 * After an approved extension, moves the issuer's native expiry (VALID UNTIL, token exp) to the new
 * end. Until this runs the native backstop ends the privilege early, which fails safe.
 */
export async function syncExtensions({ db, limit = 20 }: { db: Db; limit?: number }): Promise<number> {
  const due = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Grant" WHERE status = 'active' AND ("issuerMeta"->>'extendPending') = 'true' LIMIT ${limit}`;
  let done = 0;
  for (const { id } of due) {
    const grant = await db.grant.findUnique({ where: { id }, include: { issuer: true } });
    if (!grant || grant.status !== "active") continue;
    const meta = { ...(grant.issuerMeta as Record<string, unknown>) };
    delete meta.extendPending;
    try {
      const driver = await driverFor(grant.issuer);
      await driver.extend?.({ grantId: grant.id, reference: grant.issuerRef ?? "", meta, expiresAt: grant.expiresAt }, grant.expiresAt);
      await db.$transaction(async (tx) => {
        await tx.grant.update({ where: { id }, data: { issuerMeta: meta as object } });
        await appendAudit(tx, systemActor("worker"), { action: "grant.native_expiry_moved", subjectType: "grant", subjectId: id, data: { expiresAt: grant.expiresAt.toISOString(), supported: !!driver.extend } });
      });
      done++;
    } catch (e) {
      await db.grant.update({ where: { id }, data: { lastError: `extend: ${(e as Error).message}`.slice(0, 500) } });
    }
  }
  return done;
}
