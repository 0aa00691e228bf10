import type { Tx } from "../db";

// Which identity a principal found by discovery belongs to. Recorded as `drift.attached` audit
// events (subject: the identity) rather than a table: the latest event for an issuer and
// principal wins, so attaching again to another identity moves it.

export const DRIFT_ATTACHED = "drift.attached";

export type DriftAttachment = { issuerId: string; issuer: string; principal: string; identityId: string; at: Date };

export const attachmentKey = (issuerId: string, principal: string) => `${issuerId}\u0000${principal}`;

/** Current attachments, keyed by attachmentKey(issuerId, principal). */
export async function loadDriftAttachments(db: Tx, where: { issuerId?: string } = {}): Promise<Map<string, DriftAttachment>> {
  const events = await db.auditEvent.findMany({
    where: { action: DRIFT_ATTACHED, subjectType: "identity", ...(where.issuerId ? { data: { path: ["issuerId"], equals: where.issuerId } } : {}) },
    orderBy: { seq: "asc" },
    select: { subjectId: true, at: true, data: true },
  });
  const map = new Map<string, DriftAttachment>();
  for (const e of events) {
    const d = e.data as { issuerId?: unknown; issuer?: unknown; principal?: unknown };
    if (typeof d.issuerId !== "string" || typeof d.principal !== "string" || !e.subjectId) continue;
    map.set(attachmentKey(d.issuerId, d.principal), {
      issuerId: d.issuerId,
      issuer: typeof d.issuer === "string" ? d.issuer : "",
      principal: d.principal,
      identityId: e.subjectId,
      at: e.at,
    });
  }
  return map;
}
