import type { Db } from "../db";
import { driverFor } from "./registry";

/** Records an issuer's health; a change back to healthy makes its failed revokes due at once. */
export async function markIssuerHealth(db: Db, issuerId: string, ok: boolean, error?: string): Promise<void> {
  const now = new Date();
  if (ok) {
    const changed = await db.issuer.updateMany({ where: { id: issuerId, OR: [{ lastHealthOk: false }, { lastHealthOk: null }] }, data: { lastHealthOk: true, lastHealthAt: now, lastHealthError: null } });
    if (changed.count > 0) {
      await db.grant.updateMany({ where: { issuerId, status: { in: ["revoke_failed", "irrevocable"] } }, data: { nextAttemptAt: now } });
    } else {
      await db.issuer.update({ where: { id: issuerId }, data: { lastHealthAt: now } });
    }
    return;
  }
  await db.issuer.updateMany({
    where: { id: issuerId },
    data: { lastHealthOk: false, lastHealthError: error?.slice(0, 500) ?? "unhealthy", lastHealthAt: now },
  });
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
