import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { reloadEnv, setProcessEnv } from "../env";
import { appendAuditMany } from "../audit";
import { systemActor } from "../authz";
import { useFreshDatabase } from "../testing/database";
import { createAuditCheckpoint, getAuditCheckpointStatus } from "./checkpoints";
import { checkpointMessage, trustedCheckpointKeys, verifySigned } from "./checkpoint-keys";
import { exportCheckpointsToUrl, nextCheckpointExportDue } from "./export-checkpoints";

// Signed checkpoints leave the database for HOURGLASS_AUDIT_CHECKPOINT_URL: a real HTTP receiver
// on loopback that refuses, goes away, and accepts.

const seed = randomBytes(32).toString("base64url");
const system = systemActor("test");
let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let receiver: Server;
let url = "";
let answer = 200;
let received: { body: Record<string, string>; idempotencyKey: string | undefined }[] = [];

async function appendEvents(n: number) {
  await getDb().$transaction((tx) => appendAuditMany(tx, system, Array.from({ length: n }, (_, i) => ({ action: "test.event", subjectType: "test", subjectId: `e${i}`, data: {} }))));
}

/** Makes every waiting export due now, instead of sleeping through its backoff. */
const makeDue = () => getDb().$executeRaw`UPDATE "AuditCheckpoint" SET "urlExportDueAt" = now() - interval '1 second' WHERE "urlExportedAt" IS NULL AND "urlExportDueAt" IS NOT NULL`;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = "";
    req.on("data", (d) => (text += d));
    req.on("end", () => {
      received.push({ body: JSON.parse(text), idempotencyKey: req.headers["idempotency-key"] as string | undefined });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/checkpoints?token=receiver-secret`;
  setProcessEnv({ HOURGLASS_AUDIT_SIGNING_KEY: seed, HOURGLASS_AUDIT_CHECKPOINT_URL: url, HOURGLASS_NOTIFY_URL: "http://127.0.0.1:9/notify" });
});
beforeEach(async () => {
  database = await useFreshDatabase();
  received = [];
  answer = 200;
});
afterEach(() => database.drop());
afterAll(async () => {
  setProcessEnv({ HOURGLASS_AUDIT_SIGNING_KEY: undefined, HOURGLASS_AUDIT_CHECKPOINT_URL: undefined, HOURGLASS_NOTIFY_URL: undefined });
  await new Promise((r) => receiver.close(r));
});

describe("audit checkpoints sent to a URL", () => {
  it("posts each checkpoint once, signed so the receiver can check it with the public key alone", async () => {
    await appendEvents(5);
    const c = await createAuditCheckpoint({ db: getDb(), actor: system });
    expect(await nextCheckpointExportDue(getDb())).not.toBeNull();
    expect(await exportCheckpointsToUrl({ db: getDb() })).toBe(1);
    expect(received).toHaveLength(1);
    const body = received[0].body;
    expect(body).toMatchObject({ id: c!.id, headSeq: c!.seq, headHash: c!.hash, eventCount: "5", keyId: c!.keyId });
    expect(received[0].idempotencyKey).toBe(c!.id);
    const fields = { id: body.id, headSeq: BigInt(body.headSeq), headHash: body.headHash, eventCount: BigInt(body.eventCount), createdAt: new Date(body.createdAt) };
    expect(verifySigned(trustedCheckpointKeys(), body.keyId, checkpointMessage(fields), body.signature)).toBe(true);
    // Sent: never again, and nothing left due.
    await makeDue();
    expect(await exportCheckpointsToUrl({ db: getDb() })).toBe(0);
    expect(received).toHaveLength(1);
    expect(await nextCheckpointExportDue(getDb())).toBeNull();
    const status = await getAuditCheckpointStatus({ db: getDb(), actor: system });
    expect(status.exportUrl).toMatchObject({ origin: new URL(url).origin, pending: 0, lastError: null });
    expect(status.exportUrl!.lastExportedAt).not.toBeNull();
  });

  it("a refusing or absent receiver: the checkpoint waits with its error, is retried, notified after three tries, and arrives once", async () => {
    await appendEvents(3);
    await createAuditCheckpoint({ db: getDb(), actor: system });
    answer = 503;
    expect(await exportCheckpointsToUrl({ db: getDb() })).toBe(1);
    let row = await getDb().auditCheckpoint.findFirstOrThrow();
    expect(row).toMatchObject({ urlExportedAt: null, urlExportAttempts: 1, urlExportError: "HTTP 503" });
    // Backoff: not due again at once.
    expect(await exportCheckpointsToUrl({ db: getDb() })).toBe(0);
    const status = await getAuditCheckpointStatus({ db: getDb(), actor: system });
    expect(status.exportUrl).toMatchObject({ pending: 1, lastError: "HTTP 503" });

    // The receiver goes away: a connection refused is a failure like any other.
    setProcessEnv({ HOURGLASS_AUDIT_CHECKPOINT_URL: "http://127.0.0.1:9/checkpoints" });
    await makeDue();
    expect(await exportCheckpointsToUrl({ db: getDb() })).toBe(1);
    await makeDue();
    expect(await exportCheckpointsToUrl({ db: getDb() })).toBe(1);
    row = await getDb().auditCheckpoint.findFirstOrThrow();
    expect(row.urlExportAttempts).toBe(3);
    expect(row.urlExportError).toMatch(/fetch failed|ECONNREFUSED/);
    expect(await getDb().notificationDelivery.count({ where: { event: "audit.checkpoint_export_failed" } })).toBe(1);

    setProcessEnv({ HOURGLASS_AUDIT_CHECKPOINT_URL: url });
    answer = 200;
    await makeDue();
    expect(await exportCheckpointsToUrl({ db: getDb() })).toBe(1);
    row = await getDb().auditCheckpoint.findFirstOrThrow();
    expect(row.urlExportedAt).not.toBeNull();
    expect(row.urlExportError).toBeNull();
    // Reached the receiver twice (refused with 503, then accepted); the refused-connection tries never arrived.
    expect(received.map((r) => r.body.id)).toEqual([row.id, row.id]);
  });

  it("several workers at once send each checkpoint once, oldest first", async () => {
    for (let i = 0; i < 4; i++) {
      await appendEvents(2);
      await createAuditCheckpoint({ db: getDb(), actor: system });
    }
    const sent = await Promise.all([1, 2, 3].map(() => exportCheckpointsToUrl({ db: getDb() })));
    expect(sent.reduce((a, b) => a + b, 0)).toBe(4);
    expect(received).toHaveLength(4);
    expect(new Set(received.map((r) => r.body.id)).size).toBe(4);
    received = [];
    await appendEvents(1);
    await createAuditCheckpoint({ db: getDb(), actor: system });
    await appendEvents(1);
    await createAuditCheckpoint({ db: getDb(), actor: system });
    expect(await exportCheckpointsToUrl({ db: getDb() })).toBe(2);
    const seqs = received.map((r) => Number(r.body.headSeq));
    expect(seqs).toHaveLength(2);
    expect(seqs[0]).toBeLessThan(seqs[1]);
  });

  it("refuses a plain http URL to another host at start-up", () => {
    setProcessEnv({ HOURGLASS_AUDIT_CHECKPOINT_URL: "http://audit.example.com/checkpoints" });
    try {
      expect(() => reloadEnv()).toThrow(/HOURGLASS_AUDIT_CHECKPOINT_URL must use https/);
    } finally {
      setProcessEnv({ HOURGLASS_AUDIT_CHECKPOINT_URL: url });
    }
  });
});
