import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "./db";
import { appendAuditMany, verifyAuditChain } from "./audit";
import { systemActor, type UserActor } from "./authz";
import { useFreshDatabase, withAdminClient } from "./testing/database";
import { createUser } from "./testing/factories";

// Verification reads the chain in batches; a break in a later batch, or right at a boundary
// between two, must be found exactly where it is.
let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let auditor: UserActor;
const BATCH = 10;

beforeAll(async () => {
  database = await useFreshDatabase();
  auditor = await createUser(["auditor"]);
  const actor = systemActor("test");
  await getDb().$transaction((tx) =>
    appendAuditMany(
      tx,
      actor,
      Array.from({ length: 45 }, (_, i) => ({ action: "test.batched", subjectType: "test", subjectId: `n${i}`, data: { i, "é": "ü\n\"", nested: { b: [1.5, null, true], a: "x" } } })),
    ),
  );
});
afterAll(() => database.drop());

const row = (n: number) => getDb().auditEvent.findFirstOrThrow({ where: { action: "test.batched", subjectId: `n${n}` } });
const tamper = (sql: string, params: unknown[]) =>
  withAdminClient(database.name, async (c) => {
    await c.query("SET session_replication_role = replica");
    await c.query(sql, params);
  });

describe("batched chain verification", () => {
  it("verifies a chain longer than several batches, with any data", async () => {
    const before = await getDb().auditEvent.count();
    expect(await verifyAuditChain({ db: getDb(), actor: auditor, batchSize: BATCH, full: true })).toMatchObject({ ok: true, events: before, rowsRead: before });
  });

  it("finds an edited row inside a later batch", async () => {
    const target = await row(33);
    const eventsBefore = await getDb().auditEvent.count({ where: { seq: { lt: target.seq } } });
    await tamper(`UPDATE "AuditEvent" SET "actorLabel" = 'someone else' WHERE id = $1`, [target.id]);
    const result = await verifyAuditChain({ db: getDb(), actor: auditor, batchSize: BATCH, full: true });
    expect(result).toMatchObject({ ok: false, events: eventsBefore, firstBroken: { seq: target.seq.toString(), id: target.id, reason: "hash_mismatch" } });
  });

  it("finds a deleted row at a batch boundary, before the later edit", async () => {
    // The first row of the third batch: the break shows only by comparing across batches.
    const rows = await getDb().auditEvent.findMany({ orderBy: { seq: "asc" }, select: { seq: true, id: true } });
    const gone = rows[2 * BATCH];
    const next = rows[2 * BATCH + 1];
    await tamper(`DELETE FROM "AuditEvent" WHERE id = $1`, [gone.id]);
    const result = await verifyAuditChain({ db: getDb(), actor: auditor, batchSize: BATCH, full: true });
    expect(result).toMatchObject({ ok: false, events: 2 * BATCH, firstBroken: { seq: next.seq.toString(), id: next.id, reason: "chain_broken" } });
  });
});
