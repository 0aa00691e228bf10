import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "./db";
import { appendAudit, appendAuditMany, GENESIS_HASH, verifyAuditChain } from "./audit";
import { systemActor, type UserActor } from "./authz";
import { AppError } from "./errors";
import { useFreshDatabase, withAdminClient } from "./testing/database";
import { createUser } from "./testing/factories";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let auditor: UserActor;

beforeAll(async () => {
  database = await useFreshDatabase();
  auditor = await createUser(["auditor"]);
});
afterAll(() => database.drop());

const actor = systemActor("test");

async function appendMany(n: number) {
  for (let i = 0; i < n; i++) {
    await getDb().$transaction((tx) => appendAudit(tx, actor, { action: "test.event", subjectType: "test", subjectId: String(i), data: { i, nested: { z: 1, a: [i] } } }));
  }
}

describe("audit chain", () => {
  it("links each event to the one before it, starting from the genesis hash", async () => {
    await appendMany(5);
    const rows = await getDb().auditEvent.findMany({ orderBy: { seq: "asc" } });
    expect(rows).toHaveLength(5);
    expect(rows[0].prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
    expect(await verifyAuditChain({ db: getDb(), actor: auditor })).toMatchObject({ ok: true, events: 5 });
  });

  it("keeps one chain when many transactions append at once", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        getDb().$transaction((tx) => appendAudit(tx, actor, { action: "test.concurrent", subjectType: "test", subjectId: `c${i}` })),
      ),
    );
    const result = await verifyAuditChain({ db: getDb(), actor: auditor });
    expect(result).toMatchObject({ ok: true, events: 25 });
  });

  it("keeps the chain when a batch is appended at once", async () => {
    await getDb().$transaction((tx) =>
      appendAuditMany(tx, actor, Array.from({ length: 50 }, (_, i) => ({ action: "test.batch", subjectType: "test", subjectId: `b${i}`, data: { i } }))),
    );
    const batch = await getDb().auditEvent.findMany({ where: { action: "test.batch" }, orderBy: { seq: "asc" } });
    expect(batch.map((b) => b.subjectId)).toEqual(Array.from({ length: 50 }, (_, i) => `b${i}`));
    expect(await verifyAuditChain({ db: getDb(), actor: auditor })).toMatchObject({ ok: true, events: 75 });
    await getDb().$transaction((tx) => appendAuditMany(tx, actor, []));
  });

  it("rolls the event back with the change it belongs to", async () => {
    await expect(
      getDb().$transaction(async (tx) => {
        await appendAudit(tx, actor, { action: "test.rolled_back", subjectType: "test" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await getDb().auditEvent.count({ where: { action: "test.rolled_back" } })).toBe(0);
  });

  it("refuses UPDATE and DELETE on audit rows", async () => {
    await expect(getDb().$executeRawUnsafe(`UPDATE "AuditEvent" SET action = 'x' WHERE seq = (SELECT min(seq) FROM "AuditEvent")`)).rejects.toThrow(/append-only/);
    await expect(getDb().$executeRawUnsafe(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
  });

  it("finds a tampered row even when the tamperer bypasses the trigger", async () => {
    const target = await getDb().auditEvent.findFirstOrThrow({ where: { action: "test.event", subjectId: "2" } });
    await withAdminClient(database.name, async (c) => {
      await c.query("SET session_replication_role = replica");
      await c.query(`UPDATE "AuditEvent" SET data = '{"i": 2, "nested": {"z": 1, "a": [999]}}' WHERE id = $1`, [target.id]);
    });
    const result = await verifyAuditChain({ db: getDb(), actor: auditor });
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toEqual({ seq: target.seq.toString(), id: target.id, reason: "hash_mismatch" });
    expect(result.events).toBe(2);
  });

  it("finds a deleted row", async () => {
    await withAdminClient(database.name, async (c) => {
      await c.query("SET session_replication_role = replica");
      // Repair the edit above by re-hashing nothing: delete it and the chain must break at its successor.
      await c.query(`DELETE FROM "AuditEvent" WHERE action = 'test.event' AND "subjectId" = '2'`);
    });
    const result = await verifyAuditChain({ db: getDb(), actor: auditor });
    expect(result.ok).toBe(false);
    expect(result.firstBroken?.reason).toBe("chain_broken");
  });

  it("lets only those with audit:read verify", async () => {
    const requester = await createUser(["requester"]);
    await expect(verifyAuditChain({ db: getDb(), actor: requester })).rejects.toThrowError(AppError);
    await expect(verifyAuditChain({ db: getDb(), actor: requester })).rejects.toMatchObject({ code: "forbidden" });
  });
});
