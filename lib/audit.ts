import { randomUUID } from "node:crypto";
import type { Db, Tx } from "./db";
import { actorId, actorLabel, assertCan, type Actor } from "./authz";
import { sha256Hex } from "./crypto/seal";
import { WAKE_CHANNEL, wakePayload, wakeWorkers, type Wake } from "./worker/wake";

// Append-only, hash-chained audit trail. Each event's hash covers the previous event's hash,
// so editing, deleting or reordering a row breaks the chain from that row on.

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

/** JSON with object keys sorted at every depth, so jsonb's reordering cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

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

export type AuditVerification = {
  ok: boolean;
  events: number;
  firstBroken?: { seq: string; id: string; reason: "hash_mismatch" | "chain_broken" };
};

/** Recomputes every hash in order. Needs audit:read. */
export async function verifyAuditChain({ db, actor, batchSize = 5000 }: { db: Db; actor: Actor; batchSize?: number }): Promise<AuditVerification> {
  assertCan(actor, "audit:read");
  let prevHash = GENESIS_HASH;
  let cursor: bigint | undefined;
  let events = 0;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: cursor === undefined ? {} : { seq: { gt: cursor } },
      orderBy: { seq: "asc" },
      take: batchSize,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      const broken = (reason: "hash_mismatch" | "chain_broken") => ({
        ok: false,
        events,
        firstBroken: { seq: row.seq.toString(), id: row.id, reason },
      });
      if (row.prevHash !== prevHash) return broken("chain_broken");
      const expected = eventHash(prevHash, { ...row, data: row.data });
      if (expected !== row.hash) return broken("hash_mismatch");
      prevHash = row.hash;
      events++;
    }
    cursor = rows[rows.length - 1].seq;
  }
  return { ok: true, events };
}
