import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { appendAudit } from "../audit";
import type { UserActor } from "../authz";
import { useFreshDatabase, withAdminClient } from "../testing/database";
import { createUser } from "../testing/factories";
import { findAuditEvents } from "./find-audit-events";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let auditor: UserActor;
let other: UserActor;
const identityId = "11111111-2222-3333-4444-555555555555";

beforeAll(async () => {
  database = await useFreshDatabase();
  auditor = await createUser(["auditor"]);
  other = await createUser(["admin"]);
  const db = getDb();
  await db.$transaction(async (tx) => {
    await appendAudit(tx, other, { action: "identity.created", subjectType: "identity", subjectId: identityId, data: {} });
    await appendAudit(tx, other, { action: "grant.issued", subjectType: "grant", subjectId: "g1", data: { identityId } });
    await appendAudit(tx, auditor, { action: "grant.revoked", subjectType: "grant", subjectId: "g2", data: { identityId: "someone-else" } });
    for (let i = 0; i < 5; i++) await appendAudit(tx, auditor, { action: "test.filler", subjectType: "test", subjectId: String(i), data: { i } });
  });
});
afterAll(() => database.drop());

describe("audit search", () => {
  it("filters by actor, identity, action, subject and time, newest first", async () => {
    const actions = async (filters: Parameters<typeof findAuditEvents>[0]["filters"]) => (await findAuditEvents({ actor: auditor, filters })).rows.map((r) => r.action);
    expect(await actions({ actor: other.email })).toEqual(["grant.issued", "identity.created"]);
    expect(await actions({ actor: other.id })).toEqual(["grant.issued", "identity.created"]);
    expect(await actions({ identityId })).toEqual(["grant.issued", "identity.created"]);
    expect(await actions({ action: "grant." })).toEqual(["grant.revoked", "grant.issued"]);
    expect(await actions({ subjectType: "grant", subjectId: "g2" })).toEqual(["grant.revoked"]);
    expect(await actions({ action: "grant.", from: new Date(Date.now() + 60_000) })).toEqual([]);
    expect(await actions({ action: "grant.", to: new Date(Date.now() + 60_000) })).toHaveLength(2);
    expect(await actions({ action: "grant.", to: new Date(Date.now() - 3_600_000) })).toEqual([]);
    // An action prefix is matched literally: LIKE's wildcards in it match only themselves.
    expect(await actions({ action: "grant_" })).toEqual([]);
    expect(await actions({ action: "%" })).toEqual([]);
    // Combined filters all apply.
    expect(await actions({ identityId, actor: auditor.email })).toEqual([]);
    expect(await actions({ identityId, action: "grant." })).toEqual(["grant.issued"]);
  });

  it("returns each row as stored: instant, data and hash", async () => {
    const stored = await getDb().auditEvent.findFirstOrThrow({ where: { action: "grant.issued" } });
    const [row] = (await findAuditEvents({ actor: auditor, filters: { identityId, action: "grant.issued" } })).rows;
    expect(row).toEqual({
      seq: stored.seq.toString(),
      id: stored.id,
      at: stored.at.toISOString(),
      actorLabel: stored.actorLabel,
      action: stored.action,
      subjectType: stored.subjectType,
      subjectId: stored.subjectId,
      data: stored.data,
      hash: stored.hash,
    });
  });

  it("pages by sequence number, keeping the filter", async () => {
    const first = await findAuditEvents({ actor: auditor, take: 3, filters: { action: "test." } });
    expect(first.rows.map((r) => (r.data as { i: number }).i)).toEqual([4, 3, 2]);
    const second = await findAuditEvents({ actor: auditor, take: 3, before: BigInt(first.nextBefore!), filters: { action: "test." } });
    expect(second.rows.map((r) => (r.data as { i: number }).i)).toEqual([1, 0]);
    expect(second.nextBefore).toBeNull();
  });

  it("pages a time range newest first by time, every event in it once, also events appended out of time order", async () => {
    // Events of several transactions carry the instant each was prepared, so seq and time can
    // disagree: the range is read by time, ties in time by sequence number.
    const base = Date.UTC(2025, 0, 10, 12);
    const db = getDb();
    const rows = await db.$transaction(async (tx) => {
      for (let i = 0; i < 6; i++) await appendAudit(tx, auditor, { action: "range.event", subjectType: "test", subjectId: `r${i}`, data: { i } });
      return tx.auditEvent.findMany({ where: { action: "range.event" }, orderBy: { seq: "asc" } });
    });
    // Minutes after base for events r0..r5 (r3 and r4 at the same instant); r5 falls outside the range.
    const minutes = [10, 30, 20, 40, 40, 90];
    // Set as a superuser past the append-only trigger: the instants the layout needs.
    await withAdminClient(database.name, async (c) => {
      await c.query("SET session_replication_role = replica");
      for (const [n, row] of rows.entries()) await c.query(`UPDATE "AuditEvent" SET at = $1 WHERE seq = $2`, [new Date(base + minutes[n] * 60_000).toISOString().replace("Z", ""), row.seq.toString()]);
    });
    const filters = { from: new Date(base), to: new Date(base + 60 * 60_000) };
    const seen: string[] = [];
    let before: bigint | undefined;
    for (let page = 0; page < 5; page++) {
      const r = await findAuditEvents({ actor: auditor, take: 2, before, filters });
      seen.push(...r.rows.map((x) => x.subjectId!));
      if (!r.nextBefore) break;
      before = BigInt(r.nextBefore);
    }
    expect(seen).toEqual(["r4", "r3", "r1", "r2", "r0"]);
    // With a narrower filter beside it, the range is read by sequence number.
    expect((await findAuditEvents({ actor: auditor, filters: { ...filters, actor: auditor.email } })).rows.map((x) => x.subjectId)).toEqual(["r4", "r3", "r2", "r1", "r0"]);
  });

  it("is refused to those who may not read the trail", async () => {
    const requester = await createUser(["requester"]);
    await expect(findAuditEvents({ actor: requester })).rejects.toMatchObject({ code: "forbidden" });
  });
});
