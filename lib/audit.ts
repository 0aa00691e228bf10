import { randomUUID } from "node:crypto";
import { getDb, type Db, type Tx } from "./db";
import { actorId, actorLabel, assertCan, type Actor } from "./authz";
import { sha256Hex } from "./crypto/seal";
import { WAKE_CHANNEL, wakePayload, wakeWorkers, type Wake } from "./worker/wake";
import type { AuditCheckpoint } from "./generated/prisma/client";
import { checkpointMessage, trustedCheckpointKeys, verifySigned } from "./audit-log/checkpoint-keys";
import { chainRowId, openChainRows } from "./audit-log/chain-rows";
import { canonicalJson, canonicalJsonbText } from "./audit-log/canonical";
import { checkpointView, latestExportedCheckpoint, signVerifiedMark, verifiedMarkValid, type CheckpointView } from "./audit-log/checkpoints";

// Append-only, hash-chained audit trail. Each event's hash covers the previous event's hash,
// so editing, deleting or reordering a row breaks the chain from that row on; signed checkpoints
// (lib/audit-log/checkpoints.ts) catch what the chain alone cannot: a cut tail, a recomputed chain.

export { canonicalJson };

export const GENESIS_HASH = "0".repeat(64);

// All audited transactions append through one advisory lock (0x686f7572, "hour", taken by the
// database function hourglass_append_audit), so the chain has one order even when several
// processes write at once. It is held only until the caller's transaction commits.
//
// Lock order: a transaction takes its row locks (FOR UPDATE, and the key-share locks its inserts
// take on referenced rows) first and appends its audit events last. One that appended and then
// locked a row would deadlock against one that locked that row and then appended.
const chainLocked = new WeakSet<object>();

/** Refuses a row lock taken after this transaction appended to the audit chain (see lock order above). */
export function assertAuditNotAppended(tx: Tx, what: string): void {
  if (chainLocked.has(tx)) throw new Error(`Lock order: ${what} is locked after the audit chain; lock rows first, append audit events last`);
}

export type AuditInput = {
  /** Another actor than the batch's, for an event recorded by the same transaction on their behalf. */
  actor?: Actor;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  data?: Record<string, unknown>;
};

type HashedFields = {
  id: string;
  at: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  data: unknown;
};

/**
 * The canonical JSON of an event's hashed fields as it continues after the previous hash:
 * canonicalJson([prevHash, ...fields]) is '["' + prevHash + '",' + tail. The database chains
 * events from their tails (hourglass_append_audit), so it hashes exactly what is verified here.
 */
export function hashedTail(e: HashedFields): string {
  return canonicalJson([e.id, e.at.toISOString(), e.actorType, e.actorId, e.actorLabel, e.action, e.subjectType, e.subjectId, e.data ?? {}]).slice(1);
}

export function eventHash(prevHash: string, e: HashedFields): string {
  return sha256Hex(`[${JSON.stringify(prevHash)},${hashedTail(e)}`);
}

/** Appends one event inside the caller's transaction; it commits or rolls back with the change. */
export async function appendAudit(tx: Tx, actor: Actor, input: AuditInput): Promise<{ id: string; hash: string }> {
  const [one] = await appendAuditMany(tx, actor, [input]);
  return one;
}

/**
 * Appends several events in order inside the caller's transaction, taking the chain's lock once
 * (the worker records a batch of revocations this way).
 */
export async function appendAuditMany(tx: Tx, actor: Actor, inputs: AuditInput[], opts: { wake?: Wake } = {}): Promise<{ id: string; hash: string }[]> {
  if (inputs.length === 0) {
    if (opts.wake) await wakeWorkers(tx, opts.wake.reason, { dueAt: opts.wake.dueAt });
    return [];
  }
  const events = auditEventsJson(actor, inputs);
  chainLocked.add(tx);
  // One round trip: the function takes the chain's lock, reads the head and inserts in order;
  // a wake rides along (identical notifications in a transaction are delivered once, on commit).
  const rows = opts.wake
    ? await tx.$queryRaw<{ event_id: string; event_hash: string }[]>`SELECT a.event_id::text, a.event_hash, pg_notify(${WAKE_CHANNEL}, ${wakePayload(opts.wake.reason, opts.wake.dueAt)})::text AS woke FROM hourglass_append_audit(${events}::jsonb) a`
    : await tx.$queryRaw<{ event_id: string; event_hash: string }[]>`SELECT event_id::text, event_hash FROM hourglass_append_audit(${events}::jsonb)`;
  return rows.map((r) => ({ id: r.event_id, hash: r.event_hash }));
}

/** The events as the argument of hourglass_append_audit: fields plus the canonical tail each is chained from. */
export function auditEventsJson(actor: Actor, inputs: AuditInput[]): string {
  const at = new Date();
  return JSON.stringify(
    inputs.map((input) => {
      const who = input.actor ?? actor;
      const fields: HashedFields = {
        id: randomUUID(),
        at,
        actorType: who.type,
        actorId: actorId(who),
        actorLabel: actorLabel(who),
        action: input.action,
        subjectType: input.subjectType,
        subjectId: input.subjectId ?? null,
        // Round-trip through JSON so what is hashed is exactly what jsonb stores (no undefined, Dates as strings).
        data: JSON.parse(JSON.stringify(input.data ?? {})),
      };
      return { ...fields, at: at.toISOString(), tail: hashedTail(fields) };
    }),
  );
}

/** a < b for sequence numbers as PostgreSQL prints them (no sign, no leading zero). */
function seqBefore(a: string, b: string): boolean {
  return a.length < b.length || (a.length === b.length && a < b);
}

/** How often verification yields to the event loop, so the next batch is read while one is hashed. */
const YIELD_EVERY = 4096;

export type BrokenReason =
  | "hash_mismatch" // a row's hash is not the hash of its fields: the row was edited
  | "chain_broken" // a row does not point at the row before it: rows were deleted or reordered
  | "truncated" // fewer events than a checkpoint vouches for: rows are gone
  | "checkpoint_mismatch" // the event at a checkpoint has another hash: the chain was rewritten
  | "checkpoint_untrusted"; // a checkpoint is not signed by a trusted key

export type AuditVerification = {
  ok: boolean;
  events: number;
  firstBroken?: { seq: string; id: string | null; reason: BrokenReason; detail?: string };
  /** Audit rows read: from the last verified checkpoint on, not the whole chain. */
  rowsRead: number;
  /** Where this verification started: after a checkpoint already verified, or at the genesis (seq 0). */
  from: { seq: string; checkpointId: string | null };
  /** The newest checkpoint the chain was checked against. */
  checkpoint?: CheckpointView;
};

/**
 * Checks the chain, incrementally: from the newest checkpoint an earlier verification confirmed
 * (its signature and its "verified" mark both check, and its event still has its hash), every
 * later row is recomputed and every later checkpoint (in the table, and the newest one in the
 * export file) is compared: its event must carry its hash, with its count of events before it.
 * `full` starts at the genesis. Needs audit:read.
 */
export async function verifyAuditChain({ db = getDb(), actor, batchSize = 50_000, full = false }: { db?: Db; actor: Actor; batchSize?: number; full?: boolean }): Promise<AuditVerification> {
  assertCan(actor, "audit:read");
  const keys = trustedCheckpointKeys();
  let rowsRead = 0;

  // The starting point: the newest checkpoint confirmed before whose event is still as it was.
  let start: AuditCheckpoint | null = null;
  if (!full) {
    const marked = await db.auditCheckpoint.findMany({ where: { verifiedAt: { not: null } }, orderBy: { headSeq: "desc" }, take: 5 });
    start = marked.find((c) => verifySigned(keys, c.keyId, checkpointMessage(c), c.signature) && verifiedMarkValid(c, keys)) ?? null;
    if (start) {
      const anchor = await db.auditEvent.findUnique({ where: { seq: start.headSeq }, select: { hash: true } });
      rowsRead++;
      // Changed since it was verified: look at everything, to name the first checkpoint that no longer holds.
      if (anchor?.hash !== start.headHash) start = null;
    }
  }
  const pending = await db.auditCheckpoint.findMany({ where: start ? { headSeq: { gt: start.headSeq } } : {}, orderBy: { headSeq: "asc" } });
  const exported = latestExportedCheckpoint();
  if (exported && exported.headSeq > (start?.headSeq ?? BigInt(0)) && !pending.some((c) => c.id === exported.id)) {
    pending.push(exported);
    pending.sort((a, b) => (a.headSeq < b.headSeq ? -1 : a.headSeq > b.headSeq ? 1 : 0));
  }
  const from = { seq: (start?.headSeq ?? BigInt(0)).toString(), checkpointId: start?.id ?? null };
  const newest = pending.at(-1) ?? start ?? undefined;
  const result = (events: number, firstBroken?: AuditVerification["firstBroken"]): AuditVerification => ({
    ok: !firstBroken,
    events,
    ...(firstBroken ? { firstBroken } : {}),
    rowsRead,
    from,
    ...(newest ? { checkpoint: checkpointView(newest, keys) } : {}),
  });
  for (const c of pending) {
    if (!verifySigned(keys, c.keyId, checkpointMessage(c), c.signature)) {
      return result(0, { seq: c.headSeq.toString(), id: null, reason: "checkpoint_untrusted", detail: `Checkpoint ${c.id} (event #${c.headSeq}) is not signed by a trusted key (key ${c.keyId})` });
    }
  }

  let prevHash = start?.headHash ?? GENESIS_HASH;
  // The previous hash as the next event's hash input spells it; after the first row, a verified sha256 hex.
  let prevJson = JSON.stringify(prevHash);
  // Sequence numbers as PostgreSQL prints them (digits, no leading zero): compared by length, then text.
  let cursorText = start?.headSeq.toString();
  const cursor = () => (cursorText === undefined ? undefined : BigInt(cursorText));
  let events = Number(start?.eventCount ?? 0);
  let lastGood = start;
  const confirmed: AuditCheckpoint[] = [];
  const truncated = (c: AuditCheckpoint) => {
    const at = cursor();
    return result(events, {
      seq: c.headSeq.toString(),
      id: null,
      reason: "truncated",
      detail: `Checkpoint of ${c.createdAt.toISOString()} vouches for ${c.eventCount} events up to #${c.headSeq}; the chain has ${events} up to #${at ?? 0} and then ${at !== undefined && at > c.headSeq ? "goes on without it" : "ends"}`,
    });
  };
  let nextCheckpoint = pending[0]?.headSeq.toString();
  const reader = await openChainRows(cursor() ?? BigInt(0), batchSize);
  try {
    for await (const rows of reader.batches) {
      rowsRead += rows.length;
      for (let i = 0; i < rows.length; i++) {
        // Let the next batch's rows arrive while this one is hashed.
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise(setImmediate);
        const row = rows[i];
        const [seqText, head, dataText, rowPrevHash, rowHash] = row;
        if (nextCheckpoint !== undefined && seqBefore(nextCheckpoint, seqText)) return truncated(pending[0]);
        if (rowPrevHash !== prevHash) return result(events, { seq: seqText, id: chainRowId(row), reason: "chain_broken" });
        const expected = sha256Hex(`[${prevJson},${head}${canonicalJsonbText(dataText)}]`);
        if (expected !== rowHash) return result(events, { seq: seqText, id: chainRowId(row), reason: "hash_mismatch" });
        prevHash = rowHash;
        prevJson = `"${rowHash}"`;
        events++;
        cursorText = seqText;
        if (nextCheckpoint === seqText) {
          const c = pending[0];
          if (rowHash !== c.headHash) {
            return result(events, {
              seq: seqText,
              id: chainRowId(row),
              reason: "checkpoint_mismatch",
              detail: `Event #${seqText} no longer has the hash its checkpoint of ${c.createdAt.toISOString()} signed: the chain was rewritten after #${lastGood?.headSeq ?? 0} and at or before #${seqText}`,
            });
          }
          if (BigInt(events) !== c.eventCount) return truncated(c);
          confirmed.push(c);
          lastGood = c;
          pending.shift();
          nextCheckpoint = pending[0]?.headSeq.toString();
        }
      }
    }
  } finally {
    await reader.close();
  }
  if (pending[0]) return truncated(pending[0]);

  // Mark the newest confirmed checkpoint, so the next verification starts after it.
  const mark = confirmed.filter((c) => c.verifiedAt === null || !verifiedMarkValid(c, keys)).at(-1);
  if (mark && (await db.auditCheckpoint.findUnique({ where: { id: mark.id }, select: { id: true } }))) {
    const verifiedAt = new Date();
    const verifiedSignature = signVerifiedMark(mark, verifiedAt);
    if (verifiedSignature) await db.auditCheckpoint.update({ where: { id: mark.id }, data: { verifiedAt, verifiedSignature } });
  }
  return result(events);
}
