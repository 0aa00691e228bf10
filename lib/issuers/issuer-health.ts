import type { Db } from "../db";
import { driverFor } from "./registry";
import { wakeWorkers } from "../worker/wake";

/** Records an issuer's health; a change back to healthy makes its failed revokes due at once. */
export async function markIssuerHealth(db: Db, issuerId: string, ok: boolean, error?: string): Promise<void> {
  const now = new Date();
  if (ok) {
    const changed = await db.issuer.updateMany({ where: { id: issuerId, OR: [{ lastHealthOk: false }, { lastHealthOk: null }] }, data: { lastHealthOk: true, lastHealthAt: now, lastHealthError: null } });
    if (changed.count > 0) {
      // Back up: every failed revoke through it is due now, and every worker process is told.
      await db.$transaction(async (tx) => {
        await tx.grant.updateMany({ where: { issuerId, status: { in: ["revoke_failed", "irrevocable"] } }, data: { nextAttemptAt: now } });
        await wakeWorkers(tx, "issuer.recovered");
      });
    } else {
      await db.issuer.update({ where: { id: issuerId }, data: { lastHealthAt: now } });
    }
    return;
  }
  const data = { lastHealthOk: false, lastHealthError: error?.slice(0, 500) ?? "unhealthy", lastHealthAt: now };
  // On the step from healthy to failing, wake the workers so their probes start at once.
  const fell = await db.issuer.updateMany({ where: { id: issuerId, OR: [{ lastHealthOk: true }, { lastHealthOk: null }] }, data });
  if (fell.count > 0) await db.$transaction((tx) => wakeWorkers(tx, "issuer.failing"));
  else await db.issuer.updateMany({ where: { id: issuerId }, data });
}

/** Checks every issuer marked unhealthy; the worker runs this about once a second while any is. */
export async function probeUnhealthyIssuers({ db }: { db: Db }): Promise<number> {
  const unhealthy = await db.issuer.findMany({ where: { enabled: true, lastHealthOk: false } });
  let recovered = 0;
  for (const issuer of unhealthy) {
    try {
      const h = await (await driverFor(issuer)).health();
      await markIssuerHealth(db, issuer.id, h.ok, h.detail);
      if (h.ok) recovered++;
    } catch (e) {
      await markIssuerHealth(db, issuer.id, false, (e as Error).message);
    }
  }
  return recovered;
}

export async function anyUnhealthyIssuer(db: Db): Promise<boolean> {
  return (await db.issuer.count({ where: { enabled: true, lastHealthOk: false } })) > 0;
}

/** Checks every enabled issuer and records the result (shown on the Admin page and /api/v1/health). */
export async function checkAllIssuers({ db }: { db: Db }): Promise<number> {
  const issuers = await db.issuer.findMany({ where: { enabled: true } });
  for (const issuer of issuers) {
    try {
      const h = await (await driverFor(issuer)).health();
      await markIssuerHealth(db, issuer.id, h.ok, h.detail);
    } catch (e) {
      await markIssuerHealth(db, issuer.id, false, (e as Error).message);
    }
  }
  return issuers.length;
}
