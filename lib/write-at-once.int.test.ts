import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "./db";
import { systemActor } from "./authz";
import { verifyAuditChain } from "./audit";
import { useFreshDatabase } from "./testing/database";
import { createIdentity, createIssuerAndEntitlement, createUser } from "./testing/factories";
import { writeAtOnce } from "./write-at-once";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(() => database.drop());

const actor = systemActor("test");

async function fixtures() {
  const owner = await createUser(["owner"]);
  const identity = await createIdentity({ ownerUserId: owner.id });
  const { entitlement } = await createIssuerAndEntitlement();
  return { identity, entitlement };
}

function requestRow(identityId: string, entitlementId: string, at: Date) {
  return {
    id: randomUUID(),
    identityId,
    entitlementId,
    durationSec: 600,
    justification: "written at once, with its audit",
    onBehalfOf: ["a", "b"],
    status: "approved",
    decision: { outcome: "auto_approve", reasons: ["it's fine"] },
    approvalsRequired: 0,
    environment: "dev",
    riskTier: "low",
    identityKind: "service_account",
    expiresAt: new Date(at.getTime() + 3600_000),
    decidedAt: at,
    createdAt: at,
  };
}

describe("writeAtOnce", () => {
  it("writes rows in the tables' own types, with their defaults, and chains their events", async () => {
    const { identity, entitlement } = await fixtures();
    const at = new Date("2026-11-27T10:11:12.345Z");
    const req = requestRow(identity.id, entitlement.id, at);
    const grantId = randomUUID();
    await writeAtOnce(
      getDb(),
      [
        { table: "AccessRequest", row: req },
        { table: "Grant", row: { id: grantId, requestId: req.id, identityId: identity.id, entitlementId: entitlement.id, issuerId: entitlement.issuerId, expiresAt: req.expiresAt, createdAt: at, updatedAt: at } },
      ],
      { actor, events: [{ action: "test.written", subjectType: "access_request", subjectId: req.id, data: { grantId } }] },
    );
    const row = await getDb().accessRequest.findUniqueOrThrow({ where: { id: req.id } });
    expect(row).toMatchObject({ status: "approved", onBehalfOf: ["a", "b"], decision: req.decision, createdAt: at, decidedAt: at, expiresAt: req.expiresAt, breakGlass: false, ticketRef: null });
    const grant = await getDb().grant.findUniqueOrThrow({ where: { id: grantId } });
    expect(grant).toMatchObject({ status: "issuing", attempts: 0, issuerMeta: {}, useCount: 0, createdAt: at });
    expect(await getDb().auditEvent.count({ where: { action: "test.written", subjectId: req.id } })).toBe(1);
    expect((await verifyAuditChain({ db: getDb(), actor })).ok).toBe(true);
  });

  it("writes nothing, not even the events, when one row is refused", async () => {
    const { identity, entitlement } = await fixtures();
    const req = requestRow(identity.id, entitlement.id, new Date());
    const events = await getDb().auditEvent.count();
    await expect(
      writeAtOnce(
        getDb(),
        [
          { table: "AccessRequest", row: req },
          // A grant for an issuer that does not exist: the foreign key refuses it.
          { table: "Grant", row: { id: randomUUID(), requestId: req.id, identityId: identity.id, entitlementId: entitlement.id, issuerId: randomUUID(), expiresAt: new Date(), updatedAt: new Date() } },
        ],
        { actor, events: [{ action: "test.refused", subjectType: "access_request", subjectId: req.id }] },
      ),
    ).rejects.toThrow();
    expect(await getDb().accessRequest.count({ where: { id: req.id } })).toBe(0);
    expect(await getDb().auditEvent.count()).toBe(events);
  });

  it("refuses a write without an audit event, and identifiers that are not plain names", async () => {
    await expect(writeAtOnce(getDb(), [], { actor, events: [] })).rejects.toThrow(/audited/);
    await expect(writeAtOnce(getDb(), [{ table: "Grant", row: { 'id"; DROP TABLE "Grant"; --': 1 } }], { actor, events: [{ action: "x", subjectType: "x" }] })).rejects.toThrow(/bad identifier/);
  });
});
