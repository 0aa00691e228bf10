import type { Tx } from "../db";

export const WAKE_CHANNEL = "hourglass_wake";

/**
 * Wakes the workers after the caller's transaction commits (NOTIFY is delivered on commit).
 * `dueAt` says when the new work is due (a grant's expiry): lanes already due to wake earlier stay
 * asleep, so a busy API does not make every lane re-read the database on every grant.
 */
export async function wakeWorkers(tx: Tx, reason: string, opts: { dueAt?: Date } = {}): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, ${wakePayload(reason, opts.dueAt)})`;
}

export type Wake = { reason: string; dueAt?: Date };

export function wakePayload(reason: string, dueAt?: Date): string {
  return dueAt ? `${reason}@${dueAt.getTime()}` : reason;
}

/** A wake's reason and the instant its work is due (0 = now). */
export function parseWake(payload: string | undefined): { reason: string; at: number } {
  const text = payload ?? "";
  const i = text.lastIndexOf("@");
  const at = i >= 0 ? Number(text.slice(i + 1)) : 0;
  return i >= 0 && Number.isFinite(at) ? { reason: text.slice(0, i), at } : { reason: text, at: 0 };
}
