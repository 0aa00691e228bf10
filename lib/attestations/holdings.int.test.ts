import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { useFreshDatabase } from "../testing/database";
import { createIssuerAndEntitlement, createUser } from "../testing/factories";
import { createCampaign } from "./create-campaign";
import { findMyAttestations } from "./find-my-attestations";
import { attachDriftToIdentity } from "../identities/attach-drift-to-identity";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe("what an owner sees when attesting", () => {
  it("shows per identity its live grants, accepted exceptions, accounts found by discovery and last use; nothing of another owner's", async () => {
    const db = getDb();
    const [alice, bob, security, admin] = await Promise.all([createUser(["owner"]), createUser(["owner"]), createUser(["security"]), createUser(["admin"])]);
    const { issuer, entitlement } = await createIssuerAndEntitlement();
    const mk = (name: string, ownerUserId: string) => db.identity.create({ data: { name: `${name}-${Math.random().toString(36).slice(2, 8)}`, kind: "service_account", environment: "dev", system: "t", ownerUserId } });
    const [busy, idle, bobs] = await Promise.all([mk("busy", alice.id), mk("idle", alice.id), mk("bobs", bob.id)]);
    const grant = (identityId: string, status: "active" | "revoked", lastUsedAt: Date | null, exceptionId?: string) =>
      db.grant.create({ data: { identityId, entitlementId: entitlement.id, issuerId: issuer.id, status, issuedAt: new Date(), expiresAt: new Date(Date.now() + 3_600_000), lastUsedAt, exceptionId } });
    const used = new Date(Date.now() - 5 * 86_400_000);
    const older = new Date(Date.now() - 30 * 86_400_000);
    const live = await grant(busy.id, "active", null);
    await grant(busy.id, "revoked", used); // ended, but its use still counts as the last use
    await grant(busy.id, "revoked", older);
    await grant(bobs.id, "active", new Date());
    const ex = await db.exception.create({
      data: { identityId: busy.id, entitlementId: entitlement.id, justification: "batch", riskRating: "low", proposedById: alice.id, status: "accepted", requestedEndAt: new Date(Date.now() + 7 * 86_400_000), expiresAt: new Date(Date.now() + 7 * 86_400_000) },
    });
    await attachDriftToIdentity({ actor: admin, issuerId: issuer.id, principal: "legacy_batch", identity: busy.name, note: "" });
    await createCampaign({ actor: security, name: `Quarter ${Math.random().toString(36).slice(2, 8)}`, dueAt: new Date(Date.now() + 7 * 86_400_000) });

    const rows = (await findMyAttestations({ actor: alice, params: { page: 1, size: 100, sort: "identity", dir: "asc" } })).rows;
    expect(rows.map((r) => r.identityId).sort()).toEqual([busy.id, idle.id].sort());
    const b = rows.find((r) => r.identityId === busy.id)!;
    expect(b.holds.grants).toEqual([expect.objectContaining({ id: live.id, entitlement: entitlement.name, status: "active" })]);
    expect(b.holds.exceptions).toEqual([expect.objectContaining({ id: ex.id, entitlement: entitlement.name })]);
    expect(b.holds.discovered).toEqual([{ issuer: issuer.name, principal: "legacy_batch" }]);
    expect(b.lastUsedAt).toBe(used.toISOString());
    const i = rows.find((r) => r.identityId === idle.id)!;
    expect(i.holds).toEqual({ grants: [], exceptions: [], discovered: [] });
    expect(i.lastUsedAt).toBeNull();
  });
});
