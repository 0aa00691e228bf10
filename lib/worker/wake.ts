import type { Tx } from "../db";

export const WAKE_CHANNEL = "hourglass_wake";

/** Wakes every worker after the caller's transaction commits (NOTIFY is delivered on commit). */
export async function wakeWorkers(tx: Tx, reason: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, ${reason})`;
}
