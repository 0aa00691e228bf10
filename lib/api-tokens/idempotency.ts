import { getDb } from "../db";
import { AppError } from "../errors";

// Idempotency-Key for POSTs: the first request with a key reserves it; a repeat with the same
// body replays the stored response; a repeat with another body is a 409; a repeat while the first
// is still running is a 409 too (retry shortly). Keys are kept for a day.

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export type Reservation = { id: string };

export async function replayOrReserve(input: { tokenId: string; key: string; bodyHash: string }): Promise<{ replay?: { status: number; body: unknown }; reserved?: Reservation }> {
  if (input.key.length > 200) throw new AppError("validation_failed", "Idempotency-Key may be at most 200 characters");
  const db = getDb();
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO "IdempotencyRecord" (id, "tokenId", key, "bodyHash", "createdAt")
    VALUES (gen_random_uuid(), ${input.tokenId}, ${input.key}, ${input.bodyHash}, now())
    ON CONFLICT ("tokenId", key) DO NOTHING
    RETURNING id`;
  if (rows.length === 1) return { reserved: { id: rows[0].id } };
  const existing = await db.idempotencyRecord.findUnique({ where: { tokenId_key: { tokenId: input.tokenId, key: input.key } } });
  if (!existing) return replayOrReserve(input); // expired and removed in between
  if (existing.createdAt.getTime() < Date.now() - IDEMPOTENCY_TTL_MS) {
    await db.idempotencyRecord.delete({ where: { id: existing.id } }).catch(() => undefined);
    return replayOrReserve(input);
  }
  if (existing.bodyHash !== input.bodyHash) {
    throw new AppError("conflict", "This Idempotency-Key was used with a different request", { reason: "idempotency_key_reused" });
  }
  if (existing.status === null) throw new AppError("conflict", "A request with this Idempotency-Key is still in progress; retry shortly", { reason: "idempotency_in_progress" });
  return { replay: { status: existing.status, body: existing.response } };
}

export async function storeResponse(r: Reservation, status: number, body: unknown): Promise<void> {
  const db = getDb();
  // Failures of our own are not remembered: the client may retry them with the same key.
  if (status >= 500) await db.idempotencyRecord.delete({ where: { id: r.id } });
  // A credential is handed over once: a replay shows the rest of the response without it.
  else {
    const kept = JSON.parse(JSON.stringify(body ?? null, (k, v) => (k === "credential" ? undefined : v)));
    await db.idempotencyRecord.update({ where: { id: r.id }, data: { status, response: kept as object } });
  }
}

export async function releaseReservation(r: Reservation): Promise<void> {
  await getDb().idempotencyRecord.delete({ where: { id: r.id } });
}
