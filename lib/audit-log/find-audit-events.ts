import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { Prisma, type AuditEvent } from "../generated/prisma/client";
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

/** Newest first, keyset-paged (the cursor is an event's sequence number) so deep pages stay fast. */
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
  // Plain SQL: the identity filter matches data->>'identityId', the expression its index is on
  // (prisma/migrations/…_metrics_audit_indexes), which Prisma's JSON path filter does not produce.
  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  // A time range without a narrower filter (actor, identity, subject) reads newest first by time,
  // walking the (at, seq) index from the range's end: ordered by seq alone, PostgreSQL would walk
  // every newer event before reaching a range far in the past. Within the range the two orders
  // agree but for events appended in the same instant from several transactions.
  const byTime = (filters.from !== undefined || filters.to !== undefined) && !filters.actor && !filters.identityId && !filters.subjectId;
  if (before !== undefined) {
    where.push(byTime ? Prisma.sql`(at, seq) < ((SELECT b.at FROM "AuditEvent" b WHERE b.seq = ${before}), ${before})` : Prisma.sql`seq < ${before}`);
  }
  if (filters.action) where.push(Prisma.sql`action LIKE ${filters.action.replace(/[\\%_]/g, (c) => `\\${c}`) + "%"}`);
  if (filters.subjectType) where.push(Prisma.sql`"subjectType" = ${filters.subjectType}`);
  if (filters.subjectId) where.push(Prisma.sql`"subjectId" = ${filters.subjectId}`);
  // An actor is named by its label (e-mail, identity name, "system:…") or its id.
  if (filters.actor) where.push(Prisma.sql`("actorLabel" = ${filters.actor} OR "actorId" = ${filters.actor})`);
  if (filters.from) where.push(Prisma.sql`at >= (${filters.from}::timestamptz AT TIME ZONE 'UTC')`);
  if (filters.to) where.push(Prisma.sql`at < (${filters.to}::timestamptz AT TIME ZONE 'UTC')`);
  // Events about an identity: on the identity itself, or recording it in their data.
  if (filters.identityId) where.push(Prisma.sql`(("subjectType" = 'identity' AND "subjectId" = ${filters.identityId}) OR data->>'identityId' = ${filters.identityId})`);
  const rows = await getDb().$queryRaw<AuditEvent[]>`
    SELECT seq, id::text, at, "actorLabel", action, "subjectType", "subjectId", data, hash
    FROM "AuditEvent" WHERE ${Prisma.join(where, " AND ")}
    ORDER BY ${byTime ? Prisma.sql`at DESC, seq DESC` : Prisma.sql`seq DESC`} LIMIT ${take + 1}`;
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
