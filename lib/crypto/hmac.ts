import { createHmac, timingSafeEqual } from "node:crypto";

// HMAC-SHA256 signatures for outgoing webhooks (the webhook issuer, the notifier).
// The signed string is `${timestamp}.${body}`, timestamp in Unix seconds, sent as
// `X-Hourglass-Timestamp`; the signature header is `sha256=<hex>`. A receiver recomputes it over
// the raw body and rejects timestamps outside its tolerance (replays).

const PREFIX = "sha256=";

export function signPayload(secret: string, timestamp: number | string, body: string): string {
  return PREFIX + createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/**
 * True when `header` is a valid signature of `${timestamp}.${body}` under `secret` and the
 * timestamp is within `toleranceSec` of now (either way). Constant-time comparison.
 */
export function verifySignature(
  secret: string,
  header: string | null | undefined,
  timestamp: string | number | null | undefined,
  body: string,
  toleranceSec = 300,
  now: Date = new Date(),
): boolean {
  if (typeof header !== "string" || !header.startsWith(PREFIX)) return false;
  const ts = typeof timestamp === "number" ? String(timestamp) : timestamp;
  if (typeof ts !== "string" || !/^\d{1,12}$/.test(ts)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(ts)) > toleranceSec) return false;
  const given = header.slice(PREFIX.length);
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  const expected = createHmac("sha256", secret).update(`${ts}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, "hex"));
}
