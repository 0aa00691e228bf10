import { randomUUID } from "node:crypto";
import { getDb } from "../db";
import { AppError } from "../errors";

// Idempotency-Key for POSTs: the first request with a key reserves it; a repeat with the same
// body replays the stored response; a repeat with another body is a 409; a repeat while the first
// is still running is a 409 too (retry shortly). Keys are kept for a day.
//
// A reservation is a lease: its holder renews it while the call runs (`holdReservation`). A holder
// that crashed (kill -9, OOM, power loss) stops renewing, and once the lease has passed the next
// request with the same key and body takes the reservation over instead of answering "in progress"
// until the key expires. Every time is the database's, so processes with skewed clocks agree. The
// holder id fences a taken-over call: whatever its old holder writes later is ignored.

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** How long a reservation survives without renewal. The holder renews at a third of this. */
export const IDEMPOTENCY_LEASE_MS = 15_000;

export type Reservation = { id: string; holder: string; leaseMs: number };

type ExistingRow = { id: string; bodyHash: string; status: number | null; response: unknown; expired: boolean; abandoned: boolean };

export async function replayOrReserve(input: {
  tokenId: string;
  key: string;
  bodyHash: string;
  leaseMs?: number;
}): Promise<{ replay?: { status: number; body: unknown }; reserved?: Reservation }> {
  if (input.key.length > 200) throw new AppError("validation_failed", "Idempotency-Key may be at most 200 characters");
  const leaseMs = input.leaseMs ?? IDEMPOTENCY_LEASE_MS;
  const db = getDb();
  for (let attempt = 0; attempt < 5; attempt++) {
    const holder = randomUUID();
    const rows = await db.$queryRaw<{ id: string }[]>`
      INSERT INTO "IdempotencyRecord" (id, "tokenId", key, "bodyHash", holder, "leaseExpiresAt", "createdAt")
      VALUES (gen_random_uuid(), ${input.tokenId}, ${input.key}, ${input.bodyHash}, ${holder}::uuid, now() + ${leaseMs} * interval '1 millisecond', now())
      ON CONFLICT ("tokenId", key) DO NOTHING
      RETURNING id`;
    if (rows.length === 1) return { reserved: { id: rows[0].id, holder, leaseMs } };

    const [existing] = await db.$queryRaw<ExistingRow[]>`
      SELECT id, "bodyHash", status, response,
             "createdAt" < now() - ${IDEMPOTENCY_TTL_MS} * interval '1 millisecond' AS expired,
             status IS NULL AND COALESCE("leaseExpiresAt", "createdAt" + ${leaseMs} * interval '1 millisecond') <= now() AS abandoned
      FROM "IdempotencyRecord" WHERE "tokenId" = ${input.tokenId} AND key = ${input.key}`;
    if (!existing) continue; // expired and removed in between
    if (existing.expired) {
      await db.$executeRaw`DELETE FROM "IdempotencyRecord" WHERE id = ${existing.id}::uuid AND "createdAt" < now() - ${IDEMPOTENCY_TTL_MS} * interval '1 millisecond'`;
      continue;
    }
    if (existing.bodyHash !== input.bodyHash) {
      throw new AppError("conflict", "This Idempotency-Key was used with a different request", { reason: "idempotency_key_reused" });
    }
    if (existing.status !== null) return { replay: { status: existing.status, body: existing.response } };
    if (!existing.abandoned) {
      throw new AppError("conflict", "A request with this Idempotency-Key is still in progress; retry shortly", { reason: "idempotency_in_progress" });
    }
    // Its holder stopped renewing: take it over, unless another caller just did.
    const taken = await db.$queryRaw<{ id: string }[]>`
      UPDATE "IdempotencyRecord" SET holder = ${holder}::uuid, "leaseExpiresAt" = now() + ${leaseMs} * interval '1 millisecond'
      WHERE id = ${existing.id}::uuid AND status IS NULL
        AND COALESCE("leaseExpiresAt", "createdAt" + ${leaseMs} * interval '1 millisecond') <= now()
      RETURNING id`;
    if (taken.length === 1) return { reserved: { id: existing.id, holder, leaseMs } };
  }
  throw new AppError("conflict", "A request with this Idempotency-Key is still in progress; retry shortly", { reason: "idempotency_in_progress" });
}

/** Extends the lease; false when the reservation was taken over or is gone. */
export async function renewReservation(r: Reservation): Promise<boolean> {
  const n = await getDb().$executeRaw`
    UPDATE "IdempotencyRecord" SET "leaseExpiresAt" = now() + ${r.leaseMs} * interval '1 millisecond'
    WHERE id = ${r.id}::uuid AND holder = ${r.holder}::uuid AND status IS NULL`;
  return n === 1;
}

/** Renews the lease at a third of its length until the returned function is called. */
export function holdReservation(r: Reservation): () => void {
  const timer = setInterval(() => void renewReservation(r).catch(() => undefined), Math.max(10, Math.floor(r.leaseMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}

export async function storeResponse(r: Reservation, status: number, body: unknown): Promise<void> {
  const db = getDb();
  // Failures of our own are not remembered: the client may retry them with the same key.
  if (status >= 500) await db.idempotencyRecord.deleteMany({ where: { id: r.id, holder: r.holder, status: null } });
  // A credential is handed over once: a replay shows the rest of the response without it.
  else {
    const kept = JSON.parse(JSON.stringify(body ?? null, (k, v) => (k === "credential" ? undefined : v)));
    await db.idempotencyRecord.updateMany({ where: { id: r.id, holder: r.holder, status: null }, data: { status, response: kept as object } });
  }
}

export async function releaseReservation(r: Reservation): Promise<void> {
  await getDb().idempotencyRecord.deleteMany({ where: { id: r.id, holder: r.holder, status: null } });
}
