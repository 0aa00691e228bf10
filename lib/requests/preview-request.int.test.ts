import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { useFreshDatabase } from "../testing/database";
import { createIdentity, createIssuerAndEntitlement, createUser } from "../testing/factories";
import { closeAllDrivers } from "../issuers/registry";
import { createRequest } from "./create-request";
import { previewRequest } from "./preview-request";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(async () => {
  await closeAllDrivers();
  await database.drop();
});

const written = async () => {
  const db = getDb();
  return { requests: await db.accessRequest.count(), grants: await db.grant.count(), events: await db.auditEvent.count(), notices: await db.notificationDelivery.count() };
};

describe("previewing a request", () => {
  it("tells the same decision a submit then makes, and writes nothing", async () => {
    const owner = await createUser(["owner"]);
    const prod = await createIdentity({ environment: "prod", ownerUserId: owner.id });
    const dev = await createIdentity({ environment: "dev", ownerUserId: owner.id });
    const { entitlement: prodWrite } = await createIssuerAndEntitlement({ environment: "prod", riskTier: "high" });
    const { entitlement: devRead } = await createIssuerAndEntitlement({ environment: "dev" });
    await getDb().entitlement.update({ where: { id: devRead.id }, data: { approvalsRequired: 0 } });
    await getDb().entitlement.update({ where: { id: prodWrite.id }, data: { approvalsRequired: 2, securityApprovalRequired: true } });
    const cases = [
      { name: "prod without a reference", identityId: prod.id, entitlementId: prodWrite.id, summary: /^Will be refused: Production access needs a ticket/, outcome: "deny" },
      { name: "prod with a ticket", identityId: prod.id, entitlementId: prodWrite.id, ticketRef: "OPS-1", summary: /^Needs 2 approvals, one from security\./, outcome: "require_approval" },
      { name: "dev, no approval needed", identityId: dev.id, entitlementId: devRead.id, summary: /^Will be approved at once\./, outcome: "auto_approve" },
    ];
    for (const c of cases) {
      const before = await written();
      const preview = await previewRequest({ actor: owner, identityId: c.identityId, entitlementId: c.entitlementId, durationSec: 900, ticketRef: c.ticketRef });
      expect(preview, c.name).toMatchObject({ outcome: c.outcome, summary: expect.stringMatching(c.summary) });
      expect(await written(), `${c.name}: nothing written`).toEqual(before);
      const created = await createRequest({ actor: owner, identityId: c.identityId, entitlementId: c.entitlementId, durationSec: 900, ticketRef: c.ticketRef, justification: "the same request, submitted" });
      expect(
        { outcome: created.decision.outcome, approvals: created.decision.approvalsRequired, security: created.decision.securityApprovalRequired, reasons: created.decision.reasons, durationSec: created.request.durationSec },
        c.name,
      ).toEqual({ outcome: preview.outcome, approvals: preview.approvalsRequired, security: preview.securityApprovalRequired, reasons: preview.reasons, durationSec: preview.durationSec });
    }
  });

  it("says when policy shortens the window", async () => {
    const owner = await createUser(["owner"]);
    const identity = await createIdentity({ environment: "prod", ownerUserId: owner.id });
    const { entitlement } = await createIssuerAndEntitlement({ environment: "prod", riskTier: "critical" });
    const ask = { actor: owner, identityId: identity.id, entitlementId: entitlement.id, ticketRef: "OPS-2" };
    // Production write is capped at 30 minutes by policy; the entitlement itself allows an hour.
    expect(await previewRequest({ ...ask, durationSec: 3600 })).toMatchObject({ durationSec: 1800, summary: expect.stringMatching(/Policy shortens it to 30 min\.$/) });
    expect((await previewRequest({ ...ask, durationSec: 1200 })).summary).not.toMatch(/shortens/);
  });

  it("refuses whom a submit would refuse: no right to request, someone else's identity, break-glass without the right", async () => {
    const owner = await createUser(["owner"]);
    const other = await createUser(["owner"]);
    const auditor = await createUser(["auditor"]);
    const requester = await createUser(["requester"]);
    const identity = await createIdentity({ environment: "dev", ownerUserId: owner.id });
    const own = await createIdentity({ environment: "dev", ownerUserId: requester.id });
    const { entitlement } = await createIssuerAndEntitlement({ environment: "dev" });
    const ask = { identityId: identity.id, entitlementId: entitlement.id, durationSec: 900 };
    await expect(previewRequest({ actor: auditor, ...ask })).rejects.toMatchObject({ code: "forbidden" });
    await expect(previewRequest({ actor: other, ...ask })).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/identities you own/) });
    await expect(previewRequest({ actor: requester, ...ask, identityId: own.id, breakGlass: true })).rejects.toMatchObject({ code: "forbidden" });
    expect((await previewRequest({ actor: requester, ...ask, identityId: own.id })).outcome).not.toBe("deny");
    await expect(previewRequest({ actor: owner, ...ask, durationSec: 10 })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(previewRequest({ actor: owner, ...ask, identityId: "not-a-uuid" })).rejects.toMatchObject({ code: "validation_failed" });
  });
});
