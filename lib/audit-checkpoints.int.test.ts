import { generateKeyPairSync, randomBytes, randomUUID, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "./db";
import { setProcessEnv } from "./env";
import { appendAuditMany, eventHash, GENESIS_HASH, verifyAuditChain } from "./audit";
import { systemActor, type UserActor } from "./authz";
import { useFreshDatabase, withAdminClient } from "./testing/database";
import { createUser } from "./testing/factories";
import { checkpointAuditOnSchedule, createAuditCheckpoint, getAuditCheckpointStatus } from "./audit-log/checkpoints";
import { checkpointMessage, keyIdOf } from "./audit-log/checkpoint-keys";

// Signed checkpoints against a real PostgreSQL, tampered with the way the owner of the tables
// can: with its triggers disabled, rows deleted or rewritten with every hash recomputed.

const dir = mkdtempSync(path.join(tmpdir(), "hourglass-checkpoints-"));
const file = path.join(dir, "audit-checkpoints.ndjson");
const seed = randomBytes(32).toString("base64url");
const system = systemActor("test");

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let auditor: UserActor;

beforeAll(() => setProcessEnv({ HOURGLASS_AUDIT_SIGNING_KEY: seed, HOURGLASS_AUDIT_CHECKPOINT_FILE: file, HOURGLASS_AUDIT_TRUSTED_KEYS: undefined }));
beforeEach(async () => {
  rmSync(file, { force: true });
  database = await useFreshDatabase();
  auditor = await createUser(["auditor"]);
});
afterEach(() => database.drop());
afterAll(() => {
  setProcessEnv({ HOURGLASS_AUDIT_SIGNING_KEY: undefined, HOURGLASS_AUDIT_CHECKPOINT_FILE: undefined });
  rmSync(dir, { recursive: true, force: true });
});

async function append(n: number, tag = "e") {
  for (let i = 0; i < n; i += 100) {
    await getDb().$transaction((tx) =>
      appendAuditMany(tx, system, Array.from({ length: Math.min(100, n - i) }, (_, j) => ({ action: "test.event", subjectType: "test", subjectId: `${tag}${i + j}`, data: { i: i + j } }))),
    );
  }
}

/** As the owner of the table: its append-only triggers off while `sql` runs. */
async function asTableOwner(fn: (c: import("pg").Client) => Promise<void>) {
  await withAdminClient(database.name, async (c) => {
    await c.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
    try {
      await fn(c);
    } finally {
      await c.query(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
    }
  });
}

/** Rewrites every row (another actor label) and recomputes the whole chain, so it verifies on its own. */
async function rewriteWholeChain() {
  const rows = await getDb().auditEvent.findMany({ orderBy: { seq: "asc" } });
  await asTableOwner(async (c) => {
    let prev = GENESIS_HASH;
    for (const row of rows) {
      const rewritten = { ...row, actorLabel: "nobody" };
      const hash = eventHash(prev, { ...rewritten, data: row.data });
      await c.query(`UPDATE "AuditEvent" SET "actorLabel" = $1, "prevHash" = $2, hash = $3 WHERE seq = $4`, ["nobody", prev, hash, row.seq.toString()]);
      prev = hash;
    }
  });
}

describe("signed audit checkpoints", () => {
  it("signs the head and its count, exports it, and refuses to sign for those who may not read the trail", async () => {
    await append(7);
    const cp = await createAuditCheckpoint({ db: getDb(), actor: auditor });
    const head = await getDb().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(cp).toMatchObject({ seq: head.seq.toString(), hash: head.hash, events: "7", signatureValid: true, verifiedAt: null });
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ id: cp!.id, headSeq: head.seq.toString(), headHash: head.hash, eventCount: "7", keyId: cp!.keyId })]);
    // Nothing new: the same checkpoint, not another line.
    expect((await createAuditCheckpoint({ db: getDb(), actor: auditor }))!.id).toBe(cp!.id);
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(1);
    const requester = await createUser(["requester"]);
    await expect(createAuditCheckpoint({ db: getDb(), actor: requester })).rejects.toMatchObject({ code: "forbidden" });
    expect(await getAuditCheckpointStatus({ db: getDb(), actor: auditor })).toMatchObject({ enabled: true, exportFile: file, latest: { id: cp!.id, signatureValid: true } });
  });

  it("is written by the worker's lane on its schedule, once per interval", async () => {
    await append(3);
    await checkpointAuditOnSchedule({ db: getDb() });
    await append(2);
    await checkpointAuditOnSchedule({ db: getDb() });
    const rows = await getDb().auditCheckpoint.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0].eventCount).toBe(BigInt(3));
  });

  it("verifies incrementally: rows before the last verified checkpoint are not read again", async () => {
    await append(500);
    await createAuditCheckpoint({ db: getDb(), actor: auditor });
    const first = await verifyAuditChain({ db: getDb(), actor: auditor });
    expect(first).toMatchObject({ ok: true, events: 500, from: { seq: "0", checkpointId: null }, checkpoint: { events: "500", signatureValid: true } });
    expect(first.rowsRead).toBe(500);

    await append(3, "late");
    const second = await verifyAuditChain({ db: getDb(), actor: auditor });
    expect(second).toMatchObject({ ok: true, events: 503, from: { checkpointId: first.checkpoint!.id } });
    expect(second.rowsRead).toBe(1 + 3); // the checkpoint's own event, then the new ones

    const cp2 = await createAuditCheckpoint({ db: getDb(), actor: auditor });
    expect((await verifyAuditChain({ db: getDb(), actor: auditor })).rowsRead).toBe(1 + 3);
    const fourth = await verifyAuditChain({ db: getDb(), actor: auditor });
    expect(fourth).toMatchObject({ ok: true, events: 503, rowsRead: 1, from: { checkpointId: cp2!.id } });
    expect((await getAuditCheckpointStatus({ db: getDb(), actor: auditor })).latest?.verifiedAt).not.toBeNull();

    // A "verified" mark written into the table without the key is not a starting point.
    await append(1, "more");
    const cp3 = await createAuditCheckpoint({ db: getDb(), actor: auditor });
    await getDb().auditCheckpoint.update({ where: { id: cp3!.id }, data: { verifiedAt: new Date(), verifiedSignature: `${cp3!.keyId}:${"A".repeat(86)}` } });
    expect(await verifyAuditChain({ db: getDb(), actor: auditor })).toMatchObject({ ok: true, events: 504, rowsRead: 1 + 1, from: { checkpointId: cp2!.id } });
    expect((await verifyAuditChain({ db: getDb(), actor: auditor, full: true })).rowsRead).toBe(504);
  });

  it("detects a tail truncated by the table owner", async () => {
    await append(20);
    const cp = await createAuditCheckpoint({ db: getDb(), actor: auditor });
    expect((await verifyAuditChain({ db: getDb(), actor: auditor })).ok).toBe(true);
    await asTableOwner((c) => c.query(`DELETE FROM "AuditEvent" WHERE seq > (SELECT max(seq) - 5 FROM "AuditEvent")`).then(() => undefined));
    const result = await verifyAuditChain({ db: getDb(), actor: auditor });
    expect(result).toMatchObject({ ok: false, firstBroken: { seq: cp!.seq, reason: "truncated" } });
    expect(result.firstBroken!.detail).toMatch(/vouches for 20 events up to #\d+; the chain has 15 up to #\d+ and then ends/);
    // The chain alone still links up: only the checkpoint tells.
    await getDb().auditCheckpoint.deleteMany();
    rmSync(file);
    expect((await verifyAuditChain({ db: getDb(), actor: auditor })).ok).toBe(true);
  });

  it("detects a chain rewritten with every hash recomputed, against the checkpoint, in the table or only in the export", async () => {
    await append(30);
    const cp = await createAuditCheckpoint({ db: getDb(), actor: auditor });
    await append(10, "after");
    const cp2 = await createAuditCheckpoint({ db: getDb(), actor: auditor });
    expect((await verifyAuditChain({ db: getDb(), actor: auditor })).ok).toBe(true);
    await rewriteWholeChain();
    const result = await verifyAuditChain({ db: getDb(), actor: auditor });
    const at = await getDb().auditEvent.findUniqueOrThrow({ where: { seq: BigInt(cp!.seq) } });
    expect(result).toMatchObject({ ok: false, firstBroken: { seq: cp!.seq, id: at.id, reason: "checkpoint_mismatch" } });
    expect(result.firstBroken!.detail).toMatch(new RegExp(`rewritten after #0 and at or before #${cp!.seq}`));

    // The owner also deletes the checkpoints: the export outside the database still tells.
    await getDb().auditCheckpoint.deleteMany();
    expect(await verifyAuditChain({ db: getDb(), actor: auditor })).toMatchObject({ ok: false, firstBroken: { seq: cp2!.seq, reason: "checkpoint_mismatch" } });
  });

  it("refuses a checkpoint signed by another key", async () => {
    await append(10);
    await createAuditCheckpoint({ db: getDb(), actor: auditor });
    expect((await verifyAuditChain({ db: getDb(), actor: auditor })).ok).toBe(true);
    // The owner rewrites the chain and signs a checkpoint for it with a key of their own.
    await append(5, "x");
    await rewriteWholeChain();
    await getDb().auditCheckpoint.deleteMany();
    rmSync(file);
    const head = await getDb().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const raw = publicKey.export({ format: "der", type: "spki" }).subarray(12);
    const fields = { id: randomUUID(), headSeq: head.seq, headHash: head.hash, eventCount: BigInt(15), createdAt: new Date() };
    await getDb().auditCheckpoint.create({ data: { ...fields, keyId: keyIdOf(raw), signature: sign(null, Buffer.from(checkpointMessage(fields)), privateKey).toString("base64url") } });
    const result = await verifyAuditChain({ db: getDb(), actor: auditor });
    expect(result).toMatchObject({ ok: false, firstBroken: { seq: head.seq.toString(), reason: "checkpoint_untrusted" }, checkpoint: { signatureValid: false } });
    expect(result.firstBroken!.detail).toMatch(/not signed by a trusted key/);
    expect((await getAuditCheckpointStatus({ db: getDb(), actor: auditor })).latest).toMatchObject({ signatureValid: false, verifiedAt: null });

    // Trusting that key (HOURGLASS_AUDIT_TRUSTED_KEYS) is what would make it count.
    setProcessEnv({ HOURGLASS_AUDIT_TRUSTED_KEYS: raw.toString("base64url") });
    try {
      expect((await verifyAuditChain({ db: getDb(), actor: auditor })).ok).toBe(true);
    } finally {
      setProcessEnv({ HOURGLASS_AUDIT_TRUSTED_KEYS: undefined });
    }
  });
});
