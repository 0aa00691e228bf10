import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { useFreshDatabase } from "../testing/database";
import { createIdentity, createIssuerAndEntitlement, createUser } from "../testing/factories";
import { getMyWork } from "./get-my-work";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(async () => {
  await database.drop();
});

const count = (items: Awaited<ReturnType<typeof getMyWork>>, key: string) => items.find((i) => i.key === key)?.count ?? 0;

describe("what needs me now", () => {
  it("counts only the decisions separation of duties leaves to me, and only what my roles reach", async () => {
    const db = getDb();
    const approver = await createUser(["approver"]);
    const owner = await createUser(["owner"]);
    const requester = await createUser(["requester"]);
    const team = await db.team.create({ data: { name: `t-${Math.random().toString(36).slice(2, 8)}`, members: { create: [{ userId: approver.id }] } } });
    const theirs = await createIdentity({ ownerUserId: owner.id });
    const teamOwned = await db.identity.update({ where: { id: (await createIdentity()).id }, data: { ownerTeamId: team.id } });
    const { entitlement } = await createIssuerAndEntitlement();
    const base = { entitlementId: entitlement.id, durationSec: 900, justification: "needs-me test", environment: "dev" as const, riskTier: "low" as const, identityKind: "service_account" as const, expiresAt: new Date(Date.now() + 86400_000) };
    const before = count(await getMyWork({ actor: approver }), "decide");
    const old = new Date(Date.now() - 3 * 3600_000);
    const open = await db.accessRequest.create({ data: { ...base, identityId: theirs.id, requesterUserId: owner.id, createdAt: old } });
    await db.accessRequest.create({ data: { ...base, identityId: teamOwned.id, requesterUserId: owner.id } }); // the approver's team owns it
    const decided = await db.accessRequest.create({ data: { ...base, identityId: theirs.id, requesterUserId: owner.id, approvalsRequired: 2 } });
    await db.approval.create({ data: { requestId: decided.id, approverId: approver.id, decision: "approve" } }); // already decided by them
    await db.accessRequest.create({ data: { ...base, identityId: theirs.id, requesterUserId: approver.id } }); // their own
    const work = await getMyWork({ actor: approver });
    expect(count(work, "decide")).toBe(before + 1);
    expect(work.find((i) => i.key === "decide")!.oldestAt! <= old.toISOString()).toBe(true);
    // The owner's own request waits; they have nothing to decide.
    const ownerWork = await getMyWork({ actor: owner });
    expect(count(ownerWork, "waiting")).toBeGreaterThanOrEqual(3);
    expect(ownerWork.map((i) => i.key)).not.toContain("decide");
    expect(ownerWork.map((i) => i.key)).not.toContain("failing");
    // Nothing waits for a requester with no requests; zero items are left out.
    expect(await getMyWork({ actor: requester })).toEqual([]);
    expect(open.status).toBe("pending");
  });

  it("shows security the exception reviews that are not their own or their team's", async () => {
    const db = getDb();
    const security = await createUser(["security"]);
    const owner = await createUser(["owner"]);
    const team = await db.team.create({ data: { name: `t-${Math.random().toString(36).slice(2, 8)}`, members: { create: [{ userId: security.id }] } } });
    const theirs = await createIdentity({ ownerUserId: owner.id });
    const teamOwned = await db.identity.update({ where: { id: (await createIdentity()).id }, data: { ownerTeamId: team.id } });
    const { entitlement } = await createIssuerAndEntitlement();
    const before = count(await getMyWork({ actor: security }), "review");
    const ex = { entitlementId: entitlement.id, justification: "standing", riskRating: "low" as const, requestedEndAt: new Date(Date.now() + 7 * 86400_000) };
    await db.exception.create({ data: { ...ex, identityId: theirs.id, proposedById: owner.id } });
    await db.exception.create({ data: { ...ex, identityId: teamOwned.id, proposedById: owner.id } });
    await db.exception.create({ data: { ...ex, identityId: theirs.id, proposedById: security.id } });
    expect(count(await getMyWork({ actor: security }), "review")).toBe(before + 1);
  });
});
