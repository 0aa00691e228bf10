import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createWebhookVerifier, signPayload, signWebhookRequest, verifySignature } from "./hmac";

const secret = "webhook-secret-0123456789";
const body = JSON.stringify({ event: "grant", grantId: "g1" });
const now = new Date("2030-01-01T00:00:00Z");
const ts = String(Math.floor(now.getTime() / 1000));

describe("hmac signatures", () => {
  it("signs `${timestamp}.${body}` as sha256=<hex>", () => {
    const expected = createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex");
    expect(signPayload(secret, ts, body)).toBe(`sha256=${expected}`);
    expect(signPayload(secret, Number(ts), body)).toBe(`sha256=${expected}`);
  });

  it("accepts a good signature", () => {
    expect(verifySignature(secret, signPayload(secret, ts, body), ts, body, 300, now)).toBe(true);
    expect(verifySignature(secret, signPayload(secret, ts, body), Number(ts), body, 300, now)).toBe(true);
  });

  it("accepts a timestamp within the tolerance either way", () => {
    for (const skew of [-300, -1, 1, 300]) {
      const t = String(Number(ts) + skew);
      expect(verifySignature(secret, signPayload(secret, t, body), t, body, 300, now)).toBe(true);
    }
  });

  it("uses the current time by default", () => {
    const t = String(Math.floor(Date.now() / 1000));
    expect(verifySignature(secret, signPayload(secret, t, body), t, body)).toBe(true);
  });

  it("rejects a tampered body", () => {
    const sig = signPayload(secret, ts, body);
    expect(verifySignature(secret, sig, ts, body.replace("g1", "g2"), 300, now)).toBe(false);
    expect(verifySignature(secret, sig, ts, body + " ", 300, now)).toBe(false);
  });

  it("rejects a wrong secret", () => {
    expect(verifySignature("another-secret-0123456789", signPayload(secret, ts, body), ts, body, 300, now)).toBe(false);
  });

  it("rejects a stale or future timestamp, even when correctly signed", () => {
    for (const skew of [-301, 301, -86400]) {
      const t = String(Number(ts) + skew);
      expect(verifySignature(secret, signPayload(secret, t, body), t, body, 300, now)).toBe(false);
    }
  });

  it("rejects a signature moved to another timestamp", () => {
    const sig = signPayload(secret, ts, body);
    expect(verifySignature(secret, sig, String(Number(ts) + 1), body, 300, now)).toBe(false);
  });

  it("rejects malformed headers and timestamps without throwing", () => {
    const sig = signPayload(secret, ts, body);
    const hex = sig.slice("sha256=".length);
    for (const header of [undefined, null, "", hex, `sha1=${hex}`, "sha256=", `sha256=${hex.slice(2)}`, `sha256=${hex}00`, `sha256=${"z".repeat(64)}`]) {
      expect(verifySignature(secret, header, ts, body, 300, now)).toBe(false);
    }
    for (const t of [undefined, null, "", "abc", `${ts}.5`, `-${ts}`, " " + ts]) {
      expect(verifySignature(secret, sig, t, body, 300, now)).toBe(false);
    }
  });

  it("accepts an upper-case hex signature", () => {
    const sig = signPayload(secret, ts, body);
    expect(verifySignature(secret, `sha256=${sig.slice(7).toUpperCase()}`, ts, body, 300, now)).toBe(true);
  });
});

describe("signed webhook requests", () => {
  it("signs the documented lines: version, timestamp, nonce, method, path, idempotency key, body digest", () => {
    const body = '{"event":"grant"}';
    const headers = signWebhookRequest("s3cret-0123456789", { method: "post", url: "https://ops.example/h?x=1", body, idempotencyKey: "g:grant", now: new Date(1_700_000_000_000) });
    const digest = createHash("sha256").update(body).digest("hex");
    const lines = ["hourglass-webhook-v1", "1700000000", headers["X-Hourglass-Nonce"], "POST", "/h?x=1", "g:grant", digest].join("\n");
    expect(headers["X-Hourglass-Signature"]).toBe(`v1=${createHmac("sha256", "s3cret-0123456789").update(lines).digest("hex")}`);
    expect(headers["X-Hourglass-Content-SHA256"]).toBe(digest);
    expect(headers["Idempotency-Key"]).toBe("g:grant");
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const verifier = createWebhookVerifier("s3cret-0123456789");
    const at = new Date(1_700_000_100_000);
    expect(verifier.verify({ method: "POST", path: "/h?x=1", headers: lower, body, now: at })).toEqual({ ok: true });
    expect(verifier.verify({ method: "POST", path: "/h?x=1", headers: lower, body, now: at })).toEqual({ ok: false, reason: "replayed" });
    expect(createWebhookVerifier("another-secret-0123").verify({ method: "POST", path: "/h?x=1", headers: lower, body, now: at })).toEqual({ ok: false, reason: "bad_signature" });
    // Remembered nonces are forgotten only once their timestamps could no longer pass.
    expect(verifier.verify({ method: "POST", path: "/h?x=1", headers: lower, body, now: new Date(1_700_000_299_000) })).toEqual({ ok: false, reason: "replayed" });
    expect(verifier.verify({ method: "POST", path: "/h?x=1", headers: lower, body, now: new Date(1_700_000_301_000) })).toEqual({ ok: false, reason: "stale" });
  });
});
