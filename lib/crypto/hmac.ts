import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { sha256Hex } from "./seal";

// HMAC-SHA256 signatures for outgoing calls. Notifications: the signed string is
// `${timestamp}.${body}`, timestamp in Unix seconds, sent as `X-Hourglass-Timestamp`; the
// signature header is `sha256=<hex>`. A receiver recomputes it over the raw body and rejects
// timestamps outside its tolerance. The webhook issuer signs more (see below).

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

// Signed webhook requests (the webhook issuer). The signature covers everything in the request
// that carries meaning, so none of it can be changed or moved to another call:
//   "hourglass-webhook-v1\n" + timestamp + "\n" + nonce + "\n" + METHOD + "\n" + path?query
//   + "\n" + Idempotency-Key ("" when absent) + "\n" + hex SHA-256 of the raw body
// Headers: X-Hourglass-Timestamp (Unix seconds), X-Hourglass-Nonce (random, per request),
// X-Hourglass-Content-SHA256 (hex), Idempotency-Key, X-Hourglass-Signature: v1=<hex HMAC-SHA256>.
// A receiver recomputes the digest from the body it read, rejects timestamps outside its
// tolerance, and rejects a nonce it has already accepted within that window (a replay). A retry
// of a call is a new request (new timestamp and nonce) with the same Idempotency-Key.

const V1 = "v1=";

export type WebhookRequestParts = { timestamp: string; nonce: string; method: string; path: string; idempotencyKey: string; body: string };

export function webhookSigningString(p: WebhookRequestParts): string {
  const digest = sha256Hex(p.body);
  return ["hourglass-webhook-v1", p.timestamp, p.nonce, p.method.toUpperCase(), p.path, p.idempotencyKey, digest].join("\n");
}

/** The headers that sign one request to `url`. */
export function signWebhookRequest(
  secret: string,
  { method, url, body, idempotencyKey, now = new Date() }: { method: string; url: string; body: string; idempotencyKey?: string; now?: Date },
): Record<string, string> {
  const u = new URL(url);
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const nonce = randomBytes(16).toString("base64url");
  const path = `${u.pathname}${u.search}`;
  const signature = createHmac("sha256", secret).update(webhookSigningString({ timestamp, nonce, method, path, idempotencyKey: idempotencyKey ?? "", body })).digest("hex");
  return {
    "X-Hourglass-Timestamp": timestamp,
    "X-Hourglass-Nonce": nonce,
    "X-Hourglass-Content-SHA256": sha256Hex(body),
    ...(idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {}),
    "X-Hourglass-Signature": V1 + signature,
  };
}

export type WebhookVerdict = { ok: true } | { ok: false; reason: "unsigned" | "stale" | "bad_digest" | "bad_signature" | "replayed" };

type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * Checks signed webhook requests for one secret and remembers the nonces it accepted for twice
 * the tolerance (a timestamp may be that far either side of now), so each signed request is
 * accepted once. One verifier per receiving process; replicas behind one URL share the nonces
 * in a common store instead.
 */
export function createWebhookVerifier(secret: string, { toleranceSec = 300 }: { toleranceSec?: number } = {}) {
  const seen = new Map<string, number>();
  let nextSweep = 0;
  const header = (h: HeaderBag, name: string) => {
    const v = h[name.toLowerCase()];
    return Array.isArray(v) ? undefined : v;
  };
  return {
    verify({ method, path, headers, body, now = new Date() }: { method: string; path: string; headers: HeaderBag; body: string; now?: Date }): WebhookVerdict {
      const timestamp = header(headers, "x-hourglass-timestamp");
      const nonce = header(headers, "x-hourglass-nonce");
      const signature = header(headers, "x-hourglass-signature");
      const digest = header(headers, "x-hourglass-content-sha256");
      if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !nonce || !/^[A-Za-z0-9_-]{16,128}$/.test(nonce) || !signature?.startsWith(V1)) return { ok: false, reason: "unsigned" };
      const given = signature.slice(V1.length);
      if (!/^[0-9a-f]{64}$/i.test(given)) return { ok: false, reason: "unsigned" };
      const nowMs = now.getTime();
      if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSec) return { ok: false, reason: "stale" };
      if (digest !== undefined && digest.toLowerCase() !== sha256Hex(body)) return { ok: false, reason: "bad_digest" };
      const expected = createHmac("sha256", secret)
        .update(webhookSigningString({ timestamp, nonce, method, path, idempotencyKey: header(headers, "idempotency-key") ?? "", body }))
        .digest();
      if (!timingSafeEqual(expected, Buffer.from(given, "hex"))) return { ok: false, reason: "bad_signature" };
      if (nowMs >= nextSweep) {
        for (const [n, until] of seen) if (until <= nowMs) seen.delete(n);
        nextSweep = nowMs + 10_000;
      }
      const until = seen.get(nonce);
      if (until !== undefined && until > nowMs) return { ok: false, reason: "replayed" };
      seen.set(nonce, nowMs + 2 * toleranceSec * 1000);
      return { ok: true };
    },
  };
}
