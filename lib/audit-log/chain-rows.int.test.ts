import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { appendAuditMany, verifyAuditChain } from "../audit";
import { systemActor, type UserActor } from "../authz";
import { useFreshDatabase, withAdminClient } from "../testing/database";
import { createUser } from "../testing/factories";
import { openChainRows } from "./chain-rows";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let auditor: UserActor;
beforeAll(async () => {
  database = await useFreshDatabase();
  auditor = await createUser(["auditor"]);
});
afterAll(() => database.drop());

// Fields JSON escapes (a quote, a backslash, control characters) and ones it does not (non-ASCII,
// DEL, U+2028): the plain head cannot spell the first kind, the escaped one must be read instead.
const awkward = ['o"brien', "back\\slash", "tab\there", "bell\u0007", "new\nline", 'a","b', '",null,"', "ünï 😀 \u007f \u2028", "plain"];

async function readAll() {
  const reader = await openChainRows(BigInt(0), 4);
  const rows = [];
  for await (const batch of reader.batches) rows.push(...batch);
  await reader.close();
  return rows;
}

describe("chain rows", () => {
  it("spells every field as JSON.stringify does, however awkward, and the chain verifies", async () => {
    const person: UserActor = { ...auditor, email: 'ada "the auditor" \\ <ada@test.local>' };
    await getDb().$transaction((tx) =>
      appendAuditMany(
        tx,
        systemActor("test"),
        awkward.map((text, i) => ({
          ...(i % 2 === 0 ? { actor: person } : {}),
          action: `test.${text}`,
          subjectType: text,
          subjectId: i % 3 === 0 ? null : text,
          data: { text, [text]: i },
        })),
      ),
    );
    const rows = await readAll();
    const events = await getDb().auditEvent.findMany({ orderBy: { seq: "asc" } });
    expect(rows).toHaveLength(awkward.length);
    for (const [i, [seq, head]] of rows.entries()) {
      const e = events[i];
      expect(seq).toBe(e.seq.toString());
      const expected = JSON.stringify([e.id, e.at.toISOString(), e.actorType, e.actorId, e.actorLabel, e.action, e.subjectType, e.subjectId]).slice(1, -1) + ",";
      expect(head).toBe(expected);
    }
    expect(await verifyAuditChain({ actor: auditor, full: true })).toMatchObject({ ok: true, events: awkward.length });
  });

  it("finds a field edited to smuggle quotes into the frame", async () => {
    const target = await getDb().auditEvent.findFirstOrThrow({ where: { subjectType: "plain" } });
    const before = await getDb().auditEvent.count({ where: { seq: { lt: target.seq } } });
    await withAdminClient(database.name, async (c) => {
      await c.query("SET session_replication_role = replica");
      // Shifts the fields by one in a plain concatenation: caught by the frame, read escaped, mismatched.
      await c.query(`UPDATE "AuditEvent" SET "subjectType" = 'plain","plain' WHERE id = $1`, [target.id]);
    });
    const result = await verifyAuditChain({ actor: auditor, full: true });
    expect(result).toMatchObject({ ok: false, events: before, firstBroken: { seq: target.seq.toString(), id: target.id, reason: "hash_mismatch" } });
  });
});
