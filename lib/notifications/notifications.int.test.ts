import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { setProcessEnv } from "../env";
import { verifySignature } from "../crypto/hmac";
import { useFreshDatabase } from "../testing/database";
import { createIssuerAndEntitlement, createUser } from "../testing/factories";
import { createRequest } from "../requests/create-request";
import { remindRequests } from "../requests/remind-requests";
import { deliverNotifications, NOTIFY_MAX_ATTEMPTS } from "./deliver-notifications";

const SECRET = "notify-secret-0123456789";
let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let server: http.Server;
const received: { body: Record<string, unknown>; signed: boolean }[] = [];
let failNext = 0;

beforeAll(async () => {
  database = await useFreshDatabase();
  server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      if (failNext > 0) {
        failNext--;
        return void res.writeHead(502).end();
      }
      received.push({ body: JSON.parse(raw), signed: verifySignature(SECRET, String(req.headers["x-hourglass-signature"]), String(req.headers["x-hourglass-timestamp"]), raw) });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  setProcessEnv({ HOURGLASS_NOTIFY_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack`, HOURGLASS_NOTIFY_SECRET: SECRET });
});
afterAll(async () => {
  setProcessEnv({ HOURGLASS_NOTIFY_URL: undefined, HOURGLASS_NOTIFY_SECRET: undefined });
  await new Promise((r) => server.close(r));
  await database.drop();
});

async function pendingRequest(responseTargetSec = 3600) {
  const owner = await createUser(["owner"]);
  const identity = await getDb().identity.create({ data: { name: `svc-n-${Math.random()}`, kind: "bot", environment: "prod", system: "x", ownerUserId: owner.id } });
  const { entitlement } = await createIssuerAndEntitlement({ environment: "prod" });
  await getDb().entitlement.update({ where: { id: entitlement.id }, data: { responseTargetSec } });
  return createRequest({ actor: owner, identityId: identity.id, entitlementId: entitlement.id, durationSec: 600, justification: "nightly reconciliation run", ticketRef: "OPS-9" });
}

describe("notifications", () => {
  it("sends a new request as Slack-compatible JSON, HMAC-signed, and records the delivery", async () => {
    const req = await pendingRequest();
    received.length = 0;
    expect(await deliverNotifications({ db: getDb() })).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0].signed).toBe(true);
    expect(received[0].body).toMatchObject({ text: expect.stringContaining("Access request"), hourglass: { event: "request.created" } });
    expect((received[0].body.blocks as unknown[]).length).toBeGreaterThan(0);
    const d = await getDb().notificationDelivery.findFirstOrThrow({ where: { event: "request.created" } });
    expect(d).toMatchObject({ status: "delivered", attempts: 1, lastStatus: 200 });
    expect(JSON.stringify(d.payload)).toContain(req.id);
  });

  it("retries a failing endpoint with backoff, then gives up and says so", async () => {
    await pendingRequest();
    received.length = 0;
    failNext = 2;
    await deliverNotifications({ db: getDb() });
    let d = await getDb().notificationDelivery.findFirstOrThrow({ where: { status: "pending" } });
    expect(d).toMatchObject({ attempts: 1, lastStatus: 502, lastError: "HTTP 502" });
    await deliverNotifications({ db: getDb(), now: new Date(Date.now() + 60_000) });
    await deliverNotifications({ db: getDb(), now: new Date(Date.now() + 120_000) });
    d = await getDb().notificationDelivery.findUniqueOrThrow({ where: { id: d.id } });
    expect(d).toMatchObject({ status: "delivered", attempts: 3 });
    expect(received).toHaveLength(1);

    failNext = 1000;
    await pendingRequest();
    for (let i = 1; i <= NOTIFY_MAX_ATTEMPTS; i++) await deliverNotifications({ db: getDb(), now: new Date(Date.now() + i * 120_000) });
    failNext = 0;
    expect(await getDb().notificationDelivery.count({ where: { status: "failed", attempts: NOTIFY_MAX_ATTEMPTS } })).toBe(1);
  });

  it("reminds approvers past the response target, then escalates past twice the target, once each", async () => {
    const req = await pendingRequest(600);
    const in11min = new Date(Date.now() + 11 * 60_000);
    const in21min = new Date(Date.now() + 21 * 60_000);
    expect(await remindRequests({ db: getDb(), now: new Date() })).toBe(0);
    expect(await remindRequests({ db: getDb(), now: in11min })).toBe(1);
    expect(await remindRequests({ db: getDb(), now: in11min })).toBe(0);
    expect(await remindRequests({ db: getDb(), now: in21min })).toBe(1);
    const r = await getDb().accessRequest.findUniqueOrThrow({ where: { id: req.id } });
    expect(r.remindedAt).not.toBeNull();
    expect(r.escalatedAt).not.toBeNull();
    expect(await getDb().notificationDelivery.count({ where: { event: { in: ["request.reminder", "request.escalated"] } } })).toBe(2);
  });
});
