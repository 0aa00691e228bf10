import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { signWebhookRequest } from "../crypto/hmac";
import { createWebhookIssuer } from "../issuers/webhook";
import { IssuerError, type GrantRef } from "../issuers/types";
import { startOpsEndpoint } from "./ops-endpoint";

// The demo's ops system, driven by the real signed-webhook issuer over loopback HTTP.

const SECRET = "demo-ops-secret-0123456789abcdef";
const dir = mkdtempSync(path.join(tmpdir(), "hourglass-ops-"));
const stateFile = path.join(dir, "demo-ops.json");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const driverFor = (url: string, hmacSecret = SECRET) => createWebhookIssuer({ id: randomUUID(), name: "ops-webhook", config: { url, timeoutMs: 2000 }, secret: { hmacSecret } });
const grantInput = () => ({
  grantId: randomUUID(),
  identity: { id: randomUUID(), name: "erp-sync-bot", kind: "bot", environment: "staging" },
  entitlement: { id: randomUUID(), name: "warehouse-erp-operator-staging", target: { action: "grant-operator" } },
  expiresAt: new Date(Date.now() + 600_000),
});

describe("the demo ops endpoint", () => {
  it("grants, verifies and revokes what the webhook issuer asks, and keeps live grants across a restart", async () => {
    let endpoint = await startOpsEndpoint({ secret: SECRET, stateFile });
    const driver = driverFor(endpoint.url);
    expect(await driver.health()).toMatchObject({ ok: true });
    const input = grantInput();
    const issued = await driver.grant(input);
    expect(issued.reference).toBe(`ops-${input.grantId}`);
    expect(issued.credential).toMatchObject({ type: "webhook", data: { apiKey: expect.stringMatching(/^ops_/) } });
    const ref: GrantRef = { grantId: input.grantId, reference: issued.reference, meta: issued.meta ?? {}, expiresAt: input.expiresAt };
    expect(await driver.verifyRevoked(ref)).toBe(false);
    expect(JSON.parse(readFileSync(stateFile, "utf8"))).toEqual({ live: [input.grantId] });

    // Restarted from its state file: the grant is still live, and revoking it ends it.
    await endpoint.close();
    endpoint = await startOpsEndpoint({ secret: SECRET, stateFile });
    const restarted = driverFor(endpoint.url);
    expect(await restarted.verifyRevoked(ref)).toBe(false);
    await restarted.revoke(ref);
    expect(await restarted.verifyRevoked(ref)).toBe(true);
    await restarted.revoke(ref); // already gone (404) counts as revoked
    expect(JSON.parse(readFileSync(stateFile, "utf8"))).toEqual({ live: [] });
    await endpoint.close();
  });

  it("refuses calls with a wrong or stale signature, bad JSON and unknown events", async () => {
    const endpoint = await startOpsEndpoint({ secret: SECRET });
    const wrongKey = await driverFor(endpoint.url, "another-secret-0123456789abcdef").grant(grantInput()).catch((e: unknown) => e);
    expect(wrongKey).toBeInstanceOf(IssuerError);
    expect((wrongKey as IssuerError).kind).toBe("permanent");
    expect((wrongKey as IssuerError).message).toMatch(/401/);

    const post = (body: string, now = new Date()) =>
      fetch(endpoint.url, { method: "POST", headers: { "content-type": "application/json", ...signWebhookRequest(SECRET, { method: "POST", url: endpoint.url, body, now }) }, body });
    const grant = JSON.stringify({ event: "grant", grantId: randomUUID() });
    expect((await post(grant, new Date(Date.now() - 3600_000))).status).toBe(401);
    expect((await post("{not json")).status).toBe(400);
    // Signed JSON that is not an object: refused, and the endpoint keeps serving.
    for (const notObject of ["null", "42", "[]"]) expect(await (await post(notObject)).json()).toEqual({ error: "body must be a JSON object" });
    const unknown = await post(JSON.stringify({ event: "escalate", grantId: "x" }));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: 'unknown event "escalate"' });
    expect((await post(JSON.stringify({ event: "grant" }))).status).toBe(400);
    expect((await fetch(endpoint.url)).status).toBe(405);
    expect((await post(grant)).status).toBe(200);
    await endpoint.close();
  });

  it("accepts a signed request once: a replay, or one with another idempotency key, path or body, is refused", async () => {
    const endpoint = await startOpsEndpoint({ secret: SECRET });
    const grantId = randomUUID();
    const body = JSON.stringify({ event: "grant", grantId });
    const headers = { "content-type": "application/json", ...signWebhookRequest(SECRET, { method: "POST", url: endpoint.url, body, idempotencyKey: `${grantId}:grant` }) };
    const send = (h: Record<string, string>, b = body, url = endpoint.url) => fetch(url, { method: "POST", headers: h, body: b });

    expect((await send({ ...headers, "idempotency-key": `${randomUUID()}:grant` })).status).toBe(401);
    expect((await send(headers, body, `${endpoint.url}/elsewhere`)).status).toBe(401);
    expect((await send(headers, JSON.stringify({ event: "revoke", grantId }))).status).toBe(401);
    const first = await send(headers);
    expect(first.status).toBe(200);
    const replay = await send(headers);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ error: "replayed signature" });
    // A retry is signed anew (new timestamp and nonce) with the same idempotency key: accepted.
    const retry = { "content-type": "application/json", ...signWebhookRequest(SECRET, { method: "POST", url: endpoint.url, body, idempotencyKey: `${grantId}:grant` }) };
    expect((await send(retry)).status).toBe(200);
    await endpoint.close();
  });
});
