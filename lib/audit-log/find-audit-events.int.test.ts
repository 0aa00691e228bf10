import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { appendAudit } from "../audit";
import type { UserActor } from "../authz";
import { useFreshDatabase } from "../testing/database";
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

  it("is refused to those who may not read the trail", async () => {
    const requester = await createUser(["requester"]);
    await expect(findAuditEvents({ actor: requester })).rejects.toMatchObject({ code: "forbidden" });
  });
});
