import { randomUUID } from "node:crypto";
import { closeSync, fstatSync, mkdirSync, openSync, readSync, appendFileSync, existsSync } from "node:fs";
import path from "node:path";
import { getDb, type Db } from "../db";
import { env } from "../env";
import { assertCan, type Actor } from "../authz";
import { AppError } from "../errors";
import type { AuditCheckpoint } from "../generated/prisma/client";
import { wakeWorkers } from "../worker/wake";
import { checkpointMessage, checkpointSigner, trustedCheckpointKeys, verifiedMessage, verifySigned, type CheckpointFields } from "./checkpoint-keys";

// Signed checkpoints of the audit chain: the head's sequence number and hash and the number of
// events up to it, signed with a key kept outside the database, stored in AuditCheckpoint and
// appended to HOURGLASS_AUDIT_CHECKPOINT_FILE. Verification checks the chain against them, so a
// truncated tail or a chain rewritten by the table owner (with every hash recomputed) is found.

/** The audit chain's advisory lock (hourglass_append_audit takes it for every append). */
const AUDIT_CHAIN_LOCK = 1752135026;

export type CheckpointView = {
  id: string;
  seq: string;
  hash: string;
  events: string;
  keyId: string;
  createdAt: string;
  /** Signed by a trusted key. */
  signatureValid: boolean;
  /** When verification last confirmed the chain up to it (null: not yet). */
  verifiedAt: string | null;
};

export function checkpointView(c: AuditCheckpoint, keys = trustedCheckpointKeys()): CheckpointView {
  const signatureValid = verifySigned(keys, c.keyId, checkpointMessage(c), c.signature);
  return {
    id: c.id,
    seq: c.headSeq.toString(),
    hash: c.headHash,
    events: c.eventCount.toString(),
    keyId: c.keyId,
    createdAt: c.createdAt.toISOString(),
    signatureValid,
    verifiedAt: signatureValid && verifiedMarkValid(c, keys) ? c.verifiedAt!.toISOString() : null,
  };
}

/** The mark "verified up to here" is signed too (`keyId:signature`), so it cannot be forged in the table. */
export function verifiedMarkValid(c: AuditCheckpoint, keys = trustedCheckpointKeys()): boolean {
  if (!c.verifiedAt || !c.verifiedSignature) return false;
  const [keyId, signature] = c.verifiedSignature.split(":");
  return Boolean(keyId && signature) && verifySigned(keys, keyId, verifiedMessage(c, c.verifiedAt), signature);
}

/** Signs "the chain was verified up to `c`" with this process's key; null when it has none. */
export function signVerifiedMark(c: CheckpointFields, verifiedAt: Date): string | null {
  const signer = checkpointSigner();
  return signer ? `${signer.keyId}:${signer.sign(verifiedMessage(c, verifiedAt))}` : null;
}

/**
 * Signs a checkpoint of the chain's head now (on demand: anyone who may read the audit trail).
 * Nothing new since the last checkpoint: that one is returned. With `minIntervalSec`, a checkpoint
 * younger than that is returned instead (the worker's schedule, safe with several workers).
 */
export async function createAuditCheckpoint({ db = getDb(), actor, minIntervalSec = 0 }: { db?: Db; actor: Actor; minIntervalSec?: number }): Promise<CheckpointView | null> {
  assertCan(actor, "audit:read");
  const signer = checkpointSigner();
  if (!signer) throw new AppError("invalid_state", "Audit checkpoints are off: set HOURGLASS_AUDIT_SIGNING_KEY (an Ed25519 key kept outside the database)");
  const row = await db.$transaction(async (tx) => {
    // The chain's own lock: every append before it has committed, none can start until this commits.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}::bigint)`;
    const [{ now }] = await tx.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
    const last = await tx.auditCheckpoint.findFirst({ orderBy: { headSeq: "desc" } });
    if (last && minIntervalSec > 0 && last.createdAt.getTime() + minIntervalSec * 1000 > now.getTime()) return last;
    const head = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
    if (!head) return null;
    if (last && last.headSeq === head.seq) return last;
    const added = await tx.auditEvent.count({ where: { seq: { gt: last?.headSeq ?? BigInt(0), lte: head.seq } } });
    const fields: CheckpointFields = { id: randomUUID(), headSeq: head.seq, headHash: head.hash, eventCount: (last?.eventCount ?? BigInt(0)) + BigInt(added), createdAt: now };
    const toUrl = Boolean(env.HOURGLASS_AUDIT_CHECKPOINT_URL);
    const created = await tx.auditCheckpoint.create({ data: { ...fields, keyId: signer.keyId, signature: signer.sign(checkpointMessage(fields)), urlExportDueAt: toUrl ? now : null } });
    // Exported before commit: a checkpoint is never in the table without being outside it too.
    exportCheckpoint(created);
    // The URL is called after commit by the worker (lib/audit-log/export-checkpoints.ts), not under the chain's lock.
    if (toUrl) await wakeWorkers(tx, "audit.checkpoint");
    return created;
  });
  return row ? checkpointView(row) : null;
}

type ExportedCheckpoint = { id: string; headSeq: string; headHash: string; eventCount: string; keyId: string; signature: string; createdAt: string };

/** A checkpoint as it leaves the database: a line of the export file, the body sent to the export URL. */
export function exportedCheckpointLine(c: AuditCheckpoint): ExportedCheckpoint {
  return { id: c.id, headSeq: c.headSeq.toString(), headHash: c.headHash, eventCount: c.eventCount.toString(), keyId: c.keyId, signature: c.signature, createdAt: c.createdAt.toISOString() };
}

function exportCheckpoint(c: AuditCheckpoint) {
  const file = env.HOURGLASS_AUDIT_CHECKPOINT_FILE;
  if (!file) return;
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  appendFileSync(file, `${JSON.stringify(exportedCheckpointLine(c))}\n`, { mode: 0o600 });
}

/** The newest checkpoint in the export file (its last complete line), read from the file's end. */
export function latestExportedCheckpoint(): AuditCheckpoint | null {
  const file = env.HOURGLASS_AUDIT_CHECKPOINT_FILE;
  if (!file || !existsSync(file)) return null;
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    const lines = buf.toString("utf8").split("\n").filter((l) => l.trim());
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        const e = JSON.parse(lines[i]) as ExportedCheckpoint;
        return {
          id: e.id,
          headSeq: BigInt(e.headSeq),
          headHash: e.headHash,
          eventCount: BigInt(e.eventCount),
          keyId: e.keyId,
          signature: e.signature,
          createdAt: new Date(e.createdAt),
          verifiedAt: null,
          verifiedSignature: null,
          urlExportDueAt: null,
          urlExportedAt: null,
          urlExportAttempts: 0,
          urlExportError: null,
        };
      } catch {
        // A torn last line (a crash mid-write): the one before it is the newest whole one.
      }
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

export type CheckpointStatus = {
  enabled: boolean;
  keyId: string | null;
  exportFile: string | null;
  /** The export URL (its origin only), how many checkpoints wait to reach it, and why the oldest has not. */
  exportUrl: { origin: string; pending: number; lastError: string | null; lastExportedAt: string | null } | null;
  latest: CheckpointView | null;
};

/** For the Audit page: whether checkpoints are on, and the newest one with its verification state. */
export async function getAuditCheckpointStatus({ db = getDb(), actor }: { db?: Db; actor: Actor }): Promise<CheckpointStatus> {
  assertCan(actor, "audit:read");
  const signer = checkpointSigner();
  const latest = await db.auditCheckpoint.findFirst({ orderBy: { headSeq: "desc" } });
  const url = env.HOURGLASS_AUDIT_CHECKPOINT_URL;
  let exportUrl: CheckpointStatus["exportUrl"] = null;
  if (url) {
    const waiting = { urlExportedAt: null, urlExportDueAt: { not: null } };
    const [pending, oldest, last] = await Promise.all([
      db.auditCheckpoint.count({ where: waiting }),
      db.auditCheckpoint.findFirst({ where: waiting, orderBy: { headSeq: "asc" }, select: { urlExportError: true } }),
      db.auditCheckpoint.findFirst({ where: { urlExportedAt: { not: null } }, orderBy: { urlExportedAt: "desc" }, select: { urlExportedAt: true } }),
    ]);
    // The origin only: a path or query may carry a token.
    exportUrl = { origin: new URL(url).origin, pending, lastError: oldest?.urlExportError ?? null, lastExportedAt: last?.urlExportedAt?.toISOString() ?? null };
  }
  return { enabled: Boolean(signer), keyId: signer?.keyId ?? null, exportFile: env.HOURGLASS_AUDIT_CHECKPOINT_FILE ?? null, exportUrl, latest: latest ? checkpointView(latest) : null };
}

/** When this process's lane last looked (so a chain that did not move is not looked at again at once). */
let lastScheduledLook = 0;

/** The worker's lane: a checkpoint every HOURGLASS_AUDIT_CHECKPOINT_INTERVAL_SEC while the chain grows. */
export async function checkpointAuditOnSchedule({ db }: { db: Db }): Promise<number> {
  if (!checkpointSigner()) return 0;
  lastScheduledLook = Date.now();
  // Looked at outside a transaction first: most looks find a recent checkpoint and need no lock.
  const last = await db.auditCheckpoint.findFirst({ orderBy: { headSeq: "desc" }, select: { createdAt: true } });
  if (last && last.createdAt.getTime() + env.HOURGLASS_AUDIT_CHECKPOINT_INTERVAL_SEC * 1000 > Date.now()) return 0;
  await createAuditCheckpoint({ db, actor: { type: "system", name: "worker" }, minIntervalSec: env.HOURGLASS_AUDIT_CHECKPOINT_INTERVAL_SEC });
  return 0;
}

export async function nextAuditCheckpointDue(db: Db): Promise<Date | null> {
  if (!checkpointSigner()) return null;
  const interval = env.HOURGLASS_AUDIT_CHECKPOINT_INTERVAL_SEC * 1000;
  const last = await db.auditCheckpoint.findFirst({ orderBy: { headSeq: "desc" }, select: { createdAt: true } });
  return new Date(Math.max((last?.createdAt.getTime() ?? 0) + interval, lastScheduledLook + interval));
}
