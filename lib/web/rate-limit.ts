import { getDb, type Db } from "../db";
import { env } from "../env";

// Per-token rate limit: a token bucket per API token (a rate per second, a burst at once), kept in
// PostgreSQL so that every replica takes from the same bucket: N replicas allow the limit, not N
// times it (HOURGLASS_API_RATE_PER_SECOND, HOURGLASS_API_BURST). One statement per call: the row
// lock serializes takers of one token (exact, never over), and time is the database's clock, so
// replicas whose clocks differ still agree.

/**
 * Takes one request from the token's bucket; resolves to 0 if allowed, else milliseconds to wait.
 * `now` (epoch ms) replaces the database's clock, for tests of the refill.
 */
export async function takeToken(tokenId: string, now?: number, rate = env.HOURGLASS_API_RATE_PER_SECOND, burst = env.HOURGLASS_API_BURST, db: Db = getDb()): Promise<number> {
  // The refilled level, as of now: what the bucket held, plus what accrued since, up to the burst.
  const [row] = await db.$queryRaw<{ tokens: number; allowed: boolean }[]>`
    WITH t AS (SELECT coalesce(${now ?? null}::float8, extract(epoch FROM clock_timestamp()) * 1000) AS now)
    INSERT INTO "RateLimitBucket" AS b (key, tokens, "atMs", allowed)
    SELECT ${tokenId}, ${burst}::float8 - 1, t.now, true FROM t
    ON CONFLICT (key) DO UPDATE SET
      tokens = least(${burst}::float8, b.tokens + greatest(0, EXCLUDED."atMs" - b."atMs") / 1000 * ${rate}::float8)
             - CASE WHEN least(${burst}::float8, b.tokens + greatest(0, EXCLUDED."atMs" - b."atMs") / 1000 * ${rate}::float8) >= 1 THEN 1 ELSE 0 END,
      "atMs" = greatest(b."atMs", EXCLUDED."atMs"),
      allowed = least(${burst}::float8, b.tokens + greatest(0, EXCLUDED."atMs" - b."atMs") / 1000 * ${rate}::float8) >= 1
    RETURNING tokens, allowed`;
  return row.allowed ? 0 : Math.ceil(((1 - row.tokens) / rate) * 1000);
}

/** Empties every bucket (tests that call the API many times start each case from a full bucket). */
export async function resetRateLimits(db: Db = getDb()): Promise<void> {
  await db.rateLimitBucket.deleteMany();
}
