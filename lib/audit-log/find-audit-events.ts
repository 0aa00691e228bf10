import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import type { Prisma } from "../generated/prisma/client";
import { toHistory } from "./history";
import type { SentencePart } from "./describe-event";

export type AuditRow = {
  seq: string;
  id: string;
  at: string;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  data: unknown;
  hash: string;
  /** The event as a sentence, when asked for (pages; the export carries the recorded fields only). */
  sentence?: SentencePart[];
};

/** Newest first, keyset-paged by sequence number so deep pages stay fast. */
export async function findAuditEvents({
  actor,
  before,
  take = 50,
  filters = {},
  describe = false,
}: {
  actor: Actor;
  before?: bigint;
  take?: number;
  filters?: { action?: string; subjectType?: string; subjectId?: string; actor?: string; identityId?: string; from?: Date; to?: Date };
  describe?: boolean;
}): Promise<{ rows: AuditRow[]; nextBefore: string | null }> {
  assertCan(actor, "audit:read");
  const where: Prisma.AuditEventWhereInput = {
    ...(before !== undefined ? { seq: { lt: before } } : {}),
    ...(filters.action ? { action: { startsWith: filters.action } } : {}),
    ...(filters.subjectType ? { subjectType: filters.subjectType } : {}),
    ...(filters.subjectId ? { subjectId: filters.subjectId } : {}),
    // An actor is named by its label (e-mail, identity name, "system:…") or its id.
    ...(filters.actor ? { OR: [{ actorLabel: filters.actor }, { actorId: filters.actor }] } : {}),
    ...(filters.from || filters.to ? { at: { ...(filters.from ? { gte: filters.from } : {}), ...(filters.to ? { lt: filters.to } : {}) } } : {}),
    // Events about an identity: on the identity itself, or recording it in their data.
    ...(filters.identityId
      ? { AND: [{ OR: [{ subjectType: "identity", subjectId: filters.identityId }, { data: { path: ["identityId"], equals: filters.identityId } }] }] }
      : {}),
  };
  const rows = await getDb().auditEvent.findMany({ where, orderBy: { seq: "desc" }, take: take + 1 });
  const page = rows.slice(0, take);
  const sentences = describe ? (await toHistory(getDb(), page)).map((h) => h.sentence) : null;
  return {
    rows: page.map((r, n) => ({
      seq: r.seq.toString(),
      id: r.id,
      at: r.at.toISOString(),
      actorLabel: r.actorLabel,
      action: r.action,
      subjectType: r.subjectType,
      subjectId: r.subjectId,
      data: r.data,
      hash: r.hash,
      ...(sentences ? { sentence: sentences[n] } : {}),
    })),
    nextBefore: rows.length > take ? page[page.length - 1].seq.toString() : null,
  };
}
