import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { appendAudit, verifyAuditChain } from "../audit";
import type { UserActor } from "../authz";
import { useFreshDatabase, withAdminClient } from "../testing/database";
import { createUser } from "../testing/factories";
import { chainRows } from "./chain-rows";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let auditor: UserActor;

beforeAll(async () => {
  database = await useFreshDatabase();
  auditor = await createUser(["auditor"]);
});
afterAll(() => database.drop());

async function allRows() {
  const out = [];
  for await (const batch of chainRows(BigInt(0), 3)) out.push(...batch);
  return out;
}

describe("the chain as verification reads it", () => {
  it("the database's rebuild confirms flat rows, escapes included; nested data falls to the exact check and still verifies", async () => {
    const flat = [
      { identityId: "i-1", durationSec: 900 },
      { note: 'quotes " and \\ backslash, tab\t, newline\n, bell \u0007, ünïcode ✓, emoji 😀', zeta: null, alpha: true, n: -12.5 },
      {},
      { list: ["one"] },
    ];
    for (const data of flat) await getDb().$transaction((tx) => appendAudit(tx, auditor, { action: "test.flat", subjectType: "test", subjectId: null, data }));
    await getDb().$transaction((tx) => appendAudit(tx, auditor, { action: "test.nested", subjectType: "test", subjectId: "n", data: { nested: { b: 1, a: [1, 2] }, big: 1e21 } }));
    const rows = await allRows();
    expect(rows.map((r) => r.seq)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(rows.slice(0, 4).every((r) => r.matches)).toBe(true);
    expect(rows[4].matches).toBe(false); // jsonb prints nested values with spaces: the exact check decides
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
    expect(await verifyAuditChain({ actor: auditor, full: true })).toMatchObject({ ok: true, events: 5, rowsRead: 5 });
    expect(await verifyAuditChain({ actor: auditor, full: true, batchSize: 2 })).toMatchObject({ ok: true, events: 5 });
  });

  it("names the first broken link when a row the fast path reads was edited", async () => {
    const edit = (sql: string) =>
      withAdminClient(database.name, async (c) => {
        await c.query("SET session_replication_role = replica");
        await c.query(sql);
      });
    const id = async (seq: number) => (await getDb().auditEvent.findUniqueOrThrow({ where: { seq } })).id;
    await edit(`UPDATE "AuditEvent" SET "actorLabel" = 'someone-else@example.com' WHERE seq = 3`);
    let result = await verifyAuditChain({ actor: auditor, full: true, batchSize: 2 });
    expect(result).toMatchObject({ ok: false, events: 2, firstBroken: { seq: "3", id: await id(3), reason: "hash_mismatch" } });
    await edit(`UPDATE "AuditEvent" SET data = '{"identityId": "i-2", "durationSec": 900}' WHERE seq = 1`);
    result = await verifyAuditChain({ actor: auditor, full: true });
    expect(result).toMatchObject({ ok: false, events: 0, firstBroken: { seq: "1", id: await id(1), reason: "hash_mismatch" } });
  });
});
