// Per-token rate limit: a token bucket in each process (RATE per second, BURST at once). With
// several replicas the effective limit is per replica; a shared limit would live in PostgreSQL.

export const RATE_PER_SECOND = 100;
export const BURST = 200;

const buckets = new Map<string, { tokens: number; at: number }>();

/** Takes one request from the token's bucket; returns 0 if allowed, else milliseconds to wait. */
export function takeToken(tokenId: string, now = Date.now(), rate = RATE_PER_SECOND, burst = BURST): number {
  const b = buckets.get(tokenId) ?? { tokens: burst, at: now };
  b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
  b.at = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    buckets.set(tokenId, b);
    return 0;
  }
  buckets.set(tokenId, b);
  return Math.ceil(((1 - b.tokens) / rate) * 1000);
}

export function resetRateLimits(): void {
  buckets.clear();
}
