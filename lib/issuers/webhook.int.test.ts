import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createWebhookVerifier, type WebhookVerdict } from "../crypto/hmac";
import { IssuerError, type GrantRef, type IssueInput } from "./types";
import { createWebhookIssuer } from "./webhook";

// A real HTTP endpoint on loopback that checks the signature like a customer's would.

const SECRET = "webhook-test-secret-0123456789";

type Recorded = { method: string; path: string; headers: http.IncomingHttpHeaders; body: string; json: Record<string, unknown>; signatureOk: boolean; verdict: WebhookVerdict };
type Reply = { status: number; body?: unknown; raw?: string; headers?: Record<string, string> } | "hang";

let server: http.Server;
let baseUrl: string;
let requests: Recorded[] = [];
let reply: (req: Recorded) => Reply = () => ({ status: 200, body: {} });

beforeAll(async () => {
  const verifier = createWebhookVerifier(SECRET);
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const verdict = verifier.verify({ method: req.method!, path: req.url!, headers: req.headers, body });
      const rec: Recorded = { method: req.method!, path: req.url!, headers: req.headers, body, json: JSON.parse(body), signatureOk: verdict.ok, verdict };
      requests.push(rec);
      if (!rec.signatureOk) {
        res.writeHead(401).end("bad signature");
        return;
      }
      const r = reply(rec);
      if (r === "hang") return;
      const text = r.raw ?? (r.body === undefined ? "" : JSON.stringify(r.body));
      res.writeHead(r.status, { "Content-Type": "application/json", ...r.headers }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hourglass`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  requests = [];
  reply = () => ({ status: 200, body: {} });
});

function driver(config: Record<string, unknown> = {}, secret: unknown = { hmacSecret: SECRET }) {
  return createWebhookIssuer({ id: randomUUID(), name: "hook", config: { url: baseUrl, timeoutMs: 2000, ...config }, secret });
}

function input(): IssueInput {
  return {
    grantId: randomUUID(),
    identity: { id: randomUUID(), name: "svc-deploy", kind: "service_account", environment: "prod" },
    entitlement: { id: randomUUID(), name: "deploy-prod", target: { group: "deployers" } },
    expiresAt: new Date(Date.now() + 15 * 60_000),
  };
}

async function issuerError(p: Promise<unknown>): Promise<IssuerError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(IssuerError);
  return e as IssuerError;
}

describe("webhook issuer: grant", () => {
  it("posts a signed grant and returns the endpoint's credential", async () => {
    const i = input();
    const nativeExpiry = new Date(i.expiresAt.getTime() - 60_000);
    reply = () => ({ status: 201, body: { reference: "ext-42", credential: { apiKey: "k-123", user: "u" }, expiresAt: nativeExpiry.toISOString() } });
    const r = await driver().grant(i);

    expect(r).toMatchObject({ reference: "ext-42", credential: { type: "webhook", data: { apiKey: "k-123", user: "u" } } });
    expect(r.expiresAt.getTime()).toBe(nativeExpiry.getTime());
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req.signatureOk).toBe(true);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["idempotency-key"]).toBe(`${i.grantId}:grant`);
    expect(Number(req.headers["x-hourglass-timestamp"])).toBeCloseTo(Date.now() / 1000, -1);
    expect(req.headers["x-hourglass-signature"]).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(req.headers["x-hourglass-nonce"]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(req.json).toEqual({
      event: "grant",
      grantId: i.grantId,
      identity: i.identity,
      entitlement: i.entitlement,
      expiresAt: i.expiresAt.toISOString(),
    });
  });

  it("sends the same idempotency key when a grant is retried", async () => {
    const i = input();
    const d = driver();
    await d.grant(i);
    await d.grant(i);
    expect(requests.map((r) => r.headers["idempotency-key"])).toEqual([`${i.grantId}:grant`, `${i.grantId}:grant`]);
  });

  it("defaults the reference to the grant id and the expiry to the window, with an empty answer", async () => {
    const i = input();
    reply = () => ({ status: 204 });
    const r = await driver().grant(i);
    expect(r.reference).toBe(i.grantId);
    expect(r.credential).toBeUndefined();
    expect(r.expiresAt).toEqual(i.expiresAt);
  });

  it("treats 5xx, 429 and timeouts as transient", async () => {
    reply = () => ({ status: 500, raw: "database down" });
    const e500 = await issuerError(driver().grant(input()));
    expect(e500.kind).toBe("transient");
    expect(e500.message).toContain("500");

    reply = () => ({ status: 429 });
    expect((await issuerError(driver().grant(input()))).kind).toBe("transient");

    reply = () => "hang";
    const started = Date.now();
    const timeout = await issuerError(driver({ timeoutMs: 150 }).grant(input()));
    expect(timeout.kind).toBe("transient");
    expect(timeout.message).toMatch(/timed out after 150 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("treats a refused connection as transient", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const e = await issuerError(driver({ url: `http://127.0.0.1:${port}/` }).grant(input()));
    expect(e.kind).toBe("transient");
    expect(e.message).toMatch(/ECONNREFUSED/);
  });

  it("treats other 4xx as permanent, with the status and an excerpt of the body", async () => {
    reply = () => ({ status: 400, raw: JSON.stringify({ error: "unknown group deployers" }) + " ".repeat(50) + "x".repeat(500) });
    const e = await issuerError(driver().grant(input()));
    expect(e.kind).toBe("permanent");
    expect(e.message).toContain("400");
    expect(e.message).toContain("unknown group deployers");
    expect(e.message.length).toBeLessThan(300);

    // A wrong secret: the endpoint refuses the signature.
    const wrong = await issuerError(driver({}, { hmacSecret: "another-secret-0123456789" }).grant(input()));
    expect(wrong.kind).toBe("permanent");
    expect(wrong.message).toContain("401");
  });

  it("does not follow redirects", async () => {
    reply = () => ({ status: 307, headers: { Location: "http://127.0.0.1:1/elsewhere" } });
    const e = await issuerError(driver().grant(input()));
    expect(e.kind).toBe("permanent");
    expect(e.message).toMatch(/redirect/);
    expect(requests).toHaveLength(1);
  });

  it("refuses a 2xx answer it cannot read, as permanent", async () => {
    reply = () => ({ status: 200, raw: "<html>ok</html>" });
    expect((await issuerError(driver().grant(input()))).kind).toBe("permanent");
    reply = () => ({ status: 200, body: { expiresAt: "tomorrow" } });
    expect((await issuerError(driver().grant(input()))).kind).toBe("permanent");
  });
});

describe("webhook issuer: revoke and verify", () => {
  async function granted(): Promise<GrantRef> {
    const i = input();
    reply = () => ({ status: 200, body: { reference: `ext-${i.grantId}` } });
    const r = await driver().grant(i);
    requests = [];
    return { grantId: i.grantId, reference: r.reference, meta: r.meta ?? {}, expiresAt: r.expiresAt };
  }

  it("posts a signed revoke with the grant's identity, entitlement and reference", async () => {
    const ref = await granted();
    reply = () => ({ status: 200, body: { ok: true } });
    await driver().revoke(ref);
    const [req] = requests;
    expect(req.signatureOk).toBe(true);
    expect(req.headers["idempotency-key"]).toBe(`${ref.grantId}:revoke`);
    expect(req.json).toMatchObject({
      event: "revoke",
      grantId: ref.grantId,
      reference: ref.reference,
      expiresAt: ref.expiresAt.toISOString(),
      identity: { name: "svc-deploy" },
      entitlement: { name: "deploy-prod", target: { group: "deployers" } },
    });
  });

  it("counts 404 and 410 on revoke as already gone", async () => {
    const ref = await granted();
    for (const status of [404, 410, 204]) {
      reply = () => ({ status });
      await expect(driver().revoke(ref)).resolves.toBeUndefined();
    }
  });

  it("classifies revoke failures", async () => {
    const ref = await granted();
    reply = () => ({ status: 503 });
    expect((await issuerError(driver().revoke(ref))).kind).toBe("transient");
    reply = () => ({ status: 403, raw: "forbidden" });
    expect((await issuerError(driver().revoke(ref))).kind).toBe("permanent");
  });

  it("parses {revoked} on verify", async () => {
    const ref = await granted();
    reply = () => ({ status: 200, body: { revoked: true } });
    expect(await driver().verifyRevoked(ref)).toBe(true);
    expect(requests[0].json).toMatchObject({ event: "verify", reference: ref.reference });
    expect(requests[0].headers["idempotency-key"]).toBe(`${ref.grantId}:verify`);
    reply = () => ({ status: 200, body: { revoked: false } });
    expect(await driver().verifyRevoked(ref)).toBe(false);
    reply = () => ({ status: 200, body: { revoked: "yes" } });
    expect((await issuerError(driver().verifyRevoked(ref))).kind).toBe("permanent");
    reply = () => ({ status: 200 });
    expect((await issuerError(driver().verifyRevoked(ref))).kind).toBe("permanent");
    reply = () => ({ status: 502 });
    expect((await issuerError(driver().verifyRevoked(ref))).kind).toBe("transient");
  });
});

describe("webhook issuer: health and configuration", () => {
  it("is healthy when the endpoint answers a signed health event with 2xx", async () => {
    expect(await driver().health()).toEqual({ ok: true });
    expect(requests[0].json).toEqual({ event: "health" });
    expect(requests[0].signatureOk).toBe(true);
    expect(requests[0].headers["idempotency-key"]).toBeUndefined();
    reply = () => ({ status: 500 });
    expect(await driver().health()).toMatchObject({ ok: false, detail: expect.stringContaining("500") });
    reply = () => "hang";
    expect(await driver({ timeoutMs: 100 }).health()).toMatchObject({ ok: false, detail: expect.stringContaining("timed out") });
  });

  it("refuses bad configuration and secrets", () => {
    for (const config of [{ url: "ftp://example.test/" }, { url: "not a url" }, { url: baseUrl, timeoutMs: -1 }, { url: baseUrl, extra: true }]) {
      expect(() => createWebhookIssuer({ id: "x", name: "x", config, secret: { hmacSecret: SECRET } })).toThrow(IssuerError);
    }
    expect(() => createWebhookIssuer({ id: "x", name: "x", config: { url: baseUrl }, secret: null })).toThrow(/hmacSecret/);
    expect(() => createWebhookIssuer({ id: "x", name: "x", config: { url: baseUrl }, secret: { hmacSecret: "short" } })).toThrow(/16/);
  });
});

describe("webhook issuer: what the signature covers", () => {
  /** One real signed request, as the endpoint received it. */
  async function captured(): Promise<Recorded> {
    const i = input();
    await driver({ url: `${baseUrl}?tenant=a` }).grant(i);
    expect(requests).toHaveLength(1);
    return requests[0];
  }
  const verify = (rec: Recorded, change: Partial<{ method: string; path: string; body: string; headers: http.IncomingHttpHeaders }> = {}) =>
    createWebhookVerifier(SECRET).verify({ method: change.method ?? rec.method, path: change.path ?? rec.path, headers: { ...rec.headers, ...change.headers }, body: change.body ?? rec.body });

  it("signs the idempotency key, method, path, query, body digest, timestamp and nonce", async () => {
    const rec = await captured();
    expect(rec.path).toBe("/hourglass?tenant=a");
    expect(verify(rec)).toEqual({ ok: true });
    const other = `${randomUUID()}:revoke`;
    expect(verify(rec, { headers: { "idempotency-key": other } })).toEqual({ ok: false, reason: "bad_signature" });
    expect(verify(rec, { headers: { "idempotency-key": undefined } })).toEqual({ ok: false, reason: "bad_signature" });
    expect(verify(rec, { method: "PUT" })).toEqual({ ok: false, reason: "bad_signature" });
    expect(verify(rec, { path: "/hourglass?tenant=b" })).toEqual({ ok: false, reason: "bad_signature" });
    expect(verify(rec, { path: "/other" })).toEqual({ ok: false, reason: "bad_signature" });
    expect(verify(rec, { headers: { "x-hourglass-nonce": "A".repeat(22) } })).toEqual({ ok: false, reason: "bad_signature" });
    expect(verify(rec, { headers: { "x-hourglass-timestamp": String(Number(rec.headers["x-hourglass-timestamp"]) - 1) } })).toEqual({ ok: false, reason: "bad_signature" });
    const body = rec.body.replace('"event":"grant"', '"event":"revoke"');
    expect(verify(rec, { body })).toEqual({ ok: false, reason: "bad_digest" });
    expect(verify(rec, { body, headers: { "x-hourglass-content-sha256": undefined } })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("is refused when replayed, and a retry is a new request with the same idempotency key", async () => {
    const rec = await captured();
    // The endpoint accepted it once; the same signed request again is a replay.
    expect(rec.signatureOk).toBe(true);
    const replay = await fetch(`${baseUrl}?tenant=a`, { method: "POST", headers: rec.headers as Record<string, string>, body: rec.body });
    expect(replay.status).toBe(401);
    expect(requests[1].verdict).toEqual({ ok: false, reason: "replayed" });

    requests = [];
    const i = input();
    reply = () => ({ status: 503 });
    await issuerError(driver().grant(i));
    reply = () => ({ status: 200, body: {} });
    await driver().grant(i);
    expect(requests.map((r) => r.signatureOk)).toEqual([true, true]);
    expect(requests[0].headers["idempotency-key"]).toBe(requests[1].headers["idempotency-key"]);
    expect(requests[0].headers["x-hourglass-nonce"]).not.toBe(requests[1].headers["x-hourglass-nonce"]);
  });

  it("refuses a stale timestamp", async () => {
    const rec = await captured();
    const later = new Date(Number(rec.headers["x-hourglass-timestamp"]) * 1000 + 301_000);
    expect(createWebhookVerifier(SECRET).verify({ method: rec.method, path: rec.path, headers: rec.headers, body: rec.body, now: later })).toEqual({ ok: false, reason: "stale" });
  });
});

describe("webhook issuer: endpoint URLs", () => {
  it("refuses plain http:// except to loopback, when the driver is built from a stored row", async () => {
    for (const url of ["http://ops.example.com/hook", "http://10.1.2.3:8080/hook", "http://127.0.0.1.nip.io/hook"]) {
      const e = (() => {
        try {
          driver({ url });
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(IssuerError);
      expect((e as IssuerError).kind).toBe("permanent");
      expect((e as IssuerError).message).toMatch(/url must use https:\/\/ \(plain http:\/\/ is allowed only to loopback/);
    }
    for (const url of ["https://ops.example.com/hook", "http://localhost:9/hook", "http://[::1]:9/hook", baseUrl]) expect(() => driver({ url })).not.toThrow();
  });
});
