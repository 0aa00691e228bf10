import type { Tx } from "../db";
import { assertAuditNotAppended, type AuditInput } from "../audit";
import { invalidState, notFound } from "../errors";
import { wakeWorkers } from "../worker/wake";

/**
 * An approved extension moves the grant's end; the worker moves the issuer's native expiry.
 * Returns the event for the caller to append with its own, after its last row lock.
 */
export async function applyExtension(tx: Tx, grantId: string, durationSec: number, requestId: string, now: Date): Promise<{ event: AuditInput; expiresAt: Date }> {
  assertAuditNotAppended(tx, "the grant");
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Grant" WHERE id = ${grantId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw notFound("Grant");
  const grant = await tx.grant.findUniqueOrThrow({ where: { id: grantId } });
  if (grant.status !== "active") throw invalidState(`The grant is ${grant.status}; it can no longer be extended`);
  const base = Math.max(now.getTime(), grant.expiresAt.getTime());
  const expiresAt = new Date(base + durationSec * 1000);
  await tx.grant.update({
    where: { id: grantId },
    data: { expiresAt, extensions: { increment: 1 }, issuerMeta: { ...(grant.issuerMeta as object), extendPending: true } },
  });
  await wakeWorkers(tx, "grant.extended");
  return {
    event: { action: "grant.extended", subjectType: "grant", subjectId: grantId, data: { from: grant.expiresAt.toISOString(), to: expiresAt.toISOString(), requestId } },
    expiresAt,
  };
}
