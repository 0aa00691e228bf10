import type { Tx } from "../db";
import type { Actor } from "../authz";
import { appendAudit } from "../audit";
import { invalidState, notFound } from "../errors";
import { wakeWorkers } from "../worker/wake";

/** An approved extension moves the grant's end; the worker moves the issuer's native expiry. */
export async function applyExtension(tx: Tx, actor: Actor, grantId: string, durationSec: number, requestId: string): Promise<string> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Grant" WHERE id = ${grantId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw notFound("Grant");
  const grant = await tx.grant.findUniqueOrThrow({ where: { id: grantId } });
  if (grant.status !== "active") throw invalidState(`The grant is ${grant.status}; it can no longer be extended`);
  const base = Math.max(Date.now(), grant.expiresAt.getTime());
  const expiresAt = new Date(base + durationSec * 1000);
  await tx.grant.update({
    where: { id: grantId },
    data: { expiresAt, extensions: { increment: 1 }, issuerMeta: { ...(grant.issuerMeta as object), extendPending: true } },
  });
  await appendAudit(tx, actor, {
    action: "grant.extended",
    subjectType: "grant",
    subjectId: grantId,
    data: { from: grant.expiresAt.toISOString(), to: expiresAt.toISOString(), requestId },
  });
  await wakeWorkers(tx, "grant.extended");
  return grantId;
}
