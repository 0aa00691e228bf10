import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { setProcessEnv } from "../env";
import type { UserActor } from "../authz";
import { useFreshDatabase } from "../testing/database";
import { createIssuerAndEntitlement, createUser } from "../testing/factories";
import { lanes } from "../worker/worker";
import type { Environment, IdentityKind, IdentityStatus } from "../generated/prisma/client";
import { createCampaign } from "./create-campaign";
import { findMyAttestations } from "./find-my-attestations";
import { attest, attestOne } from "./attest";
import { closeCampaign } from "./close-campaign";
import { getCampaign } from "./get-campaign";
import { escalateCampaigns, nextCampaignEscalation, QUARANTINE_GRACE_MS, REMIND_BEFORE_MS } from "./escalate-campaigns";

const DAY = 86_400_000;
const HOUR = 3_600_000;
let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let owner: UserActor, teammate: UserActor, outsider: UserActor, security: UserActor, requesterOnly: UserActor;
let team: { id: string; name: string };
let seq = 0;

async function identity(opts: { environment?: Environment; kind?: IdentityKind; status?: IdentityStatus; ownerUserId?: string | null; ownerTeamId?: string | null } = {}) {
  return getDb().identity.create({
    data: {
      name: `svc-att-${++seq}-${Math.random().toString(36).slice(2, 6)}`,
      kind: opts.kind ?? "service_account",
      environment: opts.environment ?? "prod",
      system: "erp",
      status: opts.status ?? "active",
      ownerUserId: opts.ownerUserId === undefined ? owner.id : opts.ownerUserId,
      ownerTeamId: opts.ownerTeamId ?? null,
    },
  });
}

async function grant(identityId: string, status: "active" | "issuing" | "revoked" = "active") {
  const { issuer, entitlement } = await createIssuerAndEntitlement({ environment: "prod" });
  return getDb().grant.create({
    data: { identityId, entitlementId: entitlement.id, issuerId: issuer.id, status, issuedAt: new Date(), expiresAt: new Date(Date.now() + HOUR), ...(status === "revoked" ? { revokedAt: new Date(), revokeReason: "expired" } : {}) },
  });
}

/** A campaign over exactly the given identities: a fresh kind+environment scope nobody else uses. */
async function campaignOver(ids: string[], opts: { dueInMs?: number; autoQuarantine?: boolean } = {}) {
  const db = getDb();
  // Park every other active identity so the scope holds only these.
  const parked = await db.identity.findMany({ where: { status: "active", id: { notIn: ids } }, select: { id: true } });
  await db.identity.updateMany({ where: { id: { in: parked.map((p) => p.id) } }, data: { status: "quarantined" } });
  try {
    const c = await createCampaign({ actor: security, name: `Campaign ${++seq}-${Math.random().toString(36).slice(2, 8)}`, dueAt: new Date(Date.now() + (opts.dueInMs ?? 7 * DAY)), autoQuarantine: opts.autoQuarantine ?? false });
    expect(c.identities).toBe(ids.length);
    return c;
  } finally {
    await db.identity.updateMany({ where: { id: { in: parked.map((p) => p.id) } }, data: { status: "active" } });
  }
}

const rowsOf = async (campaignId: string) => getDb().attestation.findMany({ where: { campaignId } });
const rowFor = async (campaignId: string, identityId: string) => (await getDb().attestation.findFirstOrThrow({ where: { campaignId, identityId } })).id;
const mine = (actor: UserActor, campaignId?: string) => findMyAttestations({ actor, params: { page: 1, size: 100, sort: "identity", dir: "asc" }, campaignId });

beforeAll(async () => {
  database = await useFreshDatabase();
  setProcessEnv({ HOURGLASS_NOTIFY_URL: "http://127.0.0.1:9/notify" });
  [owner, teammate, outsider, security, requesterOnly] = await Promise.all([
    createUser(["owner", "requester"]),
    createUser(["owner"]),
    createUser(["owner"]),
    createUser(["security", "approver"]),
    createUser(["requester"]),
  ]);
  team = await getDb().team.create({ data: { name: `team-att-${Date.now()}`, members: { create: [{ userId: owner.id }, { userId: teammate.id }] } } });
});
afterAll(async () => {
  setProcessEnv({ HOURGLASS_NOTIFY_URL: undefined });
  await database.drop();
});

describe("createCampaign", () => {
  it("takes every active identity in its scope, and only those", async () => {
    const db = getDb();
    const prodSa = await identity({ environment: "prod", kind: "service_account" });
    const prodKey = await identity({ environment: "prod", kind: "api_key" });
    const devKey = await identity({ environment: "dev", kind: "api_key" });
    const prodQuarantined = await identity({ environment: "prod", status: "quarantined" });
    const prodGone = await identity({ environment: "prod", status: "decommissioned" });
    const due = new Date(Date.now() + 14 * DAY);

    const idsIn = async (id: string) => new Set((await rowsOf(id)).map((r) => r.identityId));
    const prod = await createCampaign({ actor: security, name: "Prod review", scope: { environment: "prod" }, dueAt: due });
    const prodIds = await idsIn(prod.id);
    expect(prodIds.has(prodSa.id) && prodIds.has(prodKey.id)).toBe(true);
    expect(prodIds.has(devKey.id) || prodIds.has(prodQuarantined.id) || prodIds.has(prodGone.id)).toBe(false);
    expect(prod.identities).toBe(await db.identity.count({ where: { status: "active", environment: "prod" } }));

    const keys = await idsIn((await createCampaign({ actor: security, name: "Keys", scope: { kind: "api_key" }, dueAt: due })).id);
    expect([keys.has(prodKey.id), keys.has(devKey.id), keys.has(prodSa.id)]).toEqual([true, true, false]);

    const prodKeys = await idsIn((await createCampaign({ actor: security, name: "Prod keys", scope: { environment: "prod", kind: "api_key" }, dueAt: due })).id);
    expect([...prodKeys]).toEqual([prodKey.id]);

    const all = await createCampaign({ actor: security, name: "Everything", scope: { environment: "all" as never, kind: "" as never }, dueAt: due.toISOString(), autoQuarantine: true });
    expect(all.identities).toBe(await db.identity.count({ where: { status: "active" } }));
    const stored = await db.attestationCampaign.findUniqueOrThrow({ where: { id: all.id } });
    expect(stored).toMatchObject({ scope: {}, autoQuarantine: true, status: "open", createdById: security.id });
    expect(await db.auditEvent.count({ where: { action: "campaign.opened", subjectId: all.id } })).toBe(1);
  });

  it("is for attestation managers only, and refuses bad input", async () => {
    const due = new Date(Date.now() + 7 * DAY);
    await expect(createCampaign({ actor: owner, name: "Mine", dueAt: due })).rejects.toMatchObject({ code: "forbidden" });
    await expect(createCampaign({ actor: security, name: "Past", dueAt: new Date(Date.now() - 1000) })).rejects.toMatchObject({ code: "validation_failed", message: expect.stringMatching(/future/) });
    await expect(createCampaign({ actor: security, name: "x", dueAt: due })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(createCampaign({ actor: security, name: "No date", dueAt: "soon" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(createCampaign({ actor: security, name: "Moon", scope: { environment: "moon" as never }, dueAt: due })).rejects.toMatchObject({ code: "validation_failed" });
    // Nothing active in scope: no empty campaign is left behind.
    const before = await getDb().attestationCampaign.count();
    await expect(createCampaign({ actor: security, name: "Agents in staging", scope: { environment: "staging", kind: "ai_agent" }, dueAt: due })).rejects.toMatchObject({
      code: "validation_failed",
      message: expect.stringMatching(/No active identity/),
    });
    expect(await getDb().attestationCampaign.count()).toBe(before);
  });
});

describe("attest", () => {
  it("lists the actor's own and their team's identities, with live grants and standing exceptions", async () => {
    const direct = await identity();
    const viaTeam = await identity({ ownerUserId: null, ownerTeamId: team.id });
    const foreign = await identity({ ownerUserId: outsider.id });
    await grant(direct.id, "active");
    await grant(direct.id, "issuing");
    await grant(direct.id, "revoked");
    const { entitlement } = await createIssuerAndEntitlement({ environment: "prod" });
    await getDb().exception.create({
      data: { identityId: direct.id, entitlementId: entitlement.id, justification: "legacy batch", riskRating: "high", status: "accepted", proposedById: owner.id, requestedEndAt: new Date(Date.now() + DAY) },
    });
    const c = await campaignOver([direct.id, viaTeam.id, foreign.id]);

    const page = await mine(owner, c.id);
    expect(page.total).toBe(2);
    const byIdentity = new Map(page.rows.map((r) => [r.identityId, r]));
    expect(byIdentity.get(direct.id)).toMatchObject({ activeGrants: 2, openExceptions: 1, ownedVia: "you", campaignId: c.id });
    expect(byIdentity.get(viaTeam.id)).toMatchObject({ activeGrants: 0, openExceptions: 0, ownedVia: `team ${team.name}` });
    expect((await mine(teammate, c.id)).rows.map((r) => r.identityId)).toEqual([viaTeam.id]);
    expect((await mine(outsider, c.id)).rows.map((r) => r.identityId)).toEqual([foreign.id]);
    await expect(findMyAttestations({ actor: security, params: { page: 1, size: 25, sort: "dueAt", dir: "asc" } })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("refuses someone who neither owns the identity nor is in its owning team, and changes nothing", async () => {
    const id = await identity({ ownerUserId: null, ownerTeamId: team.id });
    const c = await campaignOver([id.id]);
    const row = await rowFor(c.id, id.id);
    await expect(attestOne({ actor: outsider, attestationId: row, decision: "keep" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(attestOne({ actor: security, attestationId: row, decision: "keep" })).rejects.toMatchObject({ code: "forbidden" });
    expect(await getDb().attestation.findUniqueOrThrow({ where: { id: row } })).toMatchObject({ decision: null, attestedById: null });
    expect((await getDb().identity.findUniqueOrThrow({ where: { id: id.id } })).lastAttestedAt).toBeNull();
    // A team member may answer it.
    await attestOne({ actor: teammate, attestationId: row, decision: "keep" });
    expect(await getDb().attestation.findUniqueOrThrow({ where: { id: row } })).toMatchObject({ decision: "keep", attestedById: teammate.id });
  });

  it("attests in bulk, reports the foreign row and does the rest, and sets lastAttestedAt", async () => {
    const a = await identity();
    const b = await identity({ ownerUserId: null, ownerTeamId: team.id });
    const foreign = await identity({ ownerUserId: outsider.id });
    const c = await campaignOver([a.id, b.id, foreign.id]);
    const ids = [await rowFor(c.id, a.id), await rowFor(c.id, foreign.id), await rowFor(c.id, b.id)];
    const started = Date.now();

    const results = await attest({ actor: owner, attestationIds: ids, decision: "reduce", comment: "drop write access" });
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ attestationId: ids[1], code: "forbidden", error: expect.stringContaining(foreign.name) });

    const rows = await getDb().attestation.findMany({ where: { id: { in: ids } }, include: { identity: true } });
    for (const r of rows) {
      if (r.identityId === foreign.id) {
        expect(r).toMatchObject({ decision: null, attestedAt: null });
        expect(r.identity.lastAttestedAt).toBeNull();
      } else {
        expect(r).toMatchObject({ decision: "reduce", comment: "drop write access", attestedById: owner.id });
        expect(r.identity.lastAttestedAt!.getTime()).toBeGreaterThanOrEqual(started - 1000);
        expect(r.identity.status).toBe("active");
      }
    }
    expect(await getDb().auditEvent.count({ where: { action: "attestation.recorded", subjectId: { in: [a.id, b.id, foreign.id] } } })).toBe(2);
    expect((await mine(owner, c.id)).total).toBe(0);

    // Answered rows cannot be answered again.
    const again = await attest({ actor: owner, attestationIds: [ids[0]], decision: "keep" });
    expect(again[0]).toMatchObject({ ok: false, code: "invalid_state" });
  });

  it("needs a new owner to reassign, and records the owner change", async () => {
    const id = await identity({ ownerUserId: owner.id, ownerTeamId: team.id });
    const c = await campaignOver([id.id]);
    const row = await rowFor(c.id, id.id);
    await expect(attestOne({ actor: owner, attestationId: row, decision: "reassign", comment: "belongs to data now" })).rejects.toMatchObject({
      code: "validation_failed",
      details: { fields: { newOwnerUserId: "Choose the new owner" } },
    });
    await expect(attestOne({ actor: owner, attestationId: row, decision: "reassign", newOwnerUserId: outsider.id })).rejects.toMatchObject({
      code: "validation_failed",
      details: { fields: { comment: expect.any(String) } },
    });
    await expect(attestOne({ actor: owner, attestationId: row, decision: "reassign", comment: "to nobody", newOwnerUserId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "not_found" });
    await expect(attestOne({ actor: owner, attestationId: row, decision: "reassign", comment: "to a requester", newOwnerUserId: requesterOnly.id })).rejects.toMatchObject({ code: "validation_failed" });
    expect((await getDb().attestation.findUniqueOrThrow({ where: { id: row } })).decision).toBeNull();

    await attestOne({ actor: owner, attestationId: row, decision: "reassign", comment: "belongs to the data team now", newOwnerUserId: outsider.id });
    const after = await getDb().identity.findUniqueOrThrow({ where: { id: id.id }, include: { ownerChanges: true } });
    expect(after).toMatchObject({ ownerUserId: outsider.id, ownerTeamId: null, status: "active" });
    expect(after.lastAttestedAt).not.toBeNull();
    expect(after.ownerChanges).toHaveLength(1);
    expect(after.ownerChanges[0]).toMatchObject({ fromUserId: owner.id, fromTeamId: team.id, toUserId: outsider.id, toTeamId: null, changedById: owner.id, reason: "belongs to the data team now" });
    expect(await getDb().attestation.findUniqueOrThrow({ where: { id: row } })).toMatchObject({ decision: "reassign", attestedById: owner.id });
    expect(await getDb().auditEvent.count({ where: { action: "identity.owner_changed", subjectId: id.id } })).toBe(1);
  });

  it("decommissions: the identity leaves service, its live grants go to revoking, its pending requests end", async () => {
    const id = await identity();
    const active = await grant(id.id, "active");
    const issuing = await grant(id.id, "issuing");
    const done = await grant(id.id, "revoked");
    const { entitlement } = await createIssuerAndEntitlement({ environment: "prod" });
    const pending = await getDb().accessRequest.create({
      data: { identityId: id.id, entitlementId: entitlement.id, requesterUserId: owner.id, durationSec: 600, justification: "before the review", environment: "prod", riskTier: "low", identityKind: id.kind, expiresAt: new Date(Date.now() + DAY) },
    });
    const token = await getDb().apiToken.create({ data: { name: "ci", prefix: "hg_test", tokenHash: `hash-${id.id}`, identityId: id.id, scopes: ["request:create"] } });
    const c = await campaignOver([id.id]);
    const row = await rowFor(c.id, id.id);

    await expect(attestOne({ actor: owner, attestationId: row, decision: "decommission" })).rejects.toMatchObject({ code: "validation_failed" });
    await attestOne({ actor: owner, attestationId: row, decision: "decommission", comment: "replaced by the workload identity" });

    const db = getDb();
    const after = await db.identity.findUniqueOrThrow({ where: { id: id.id } });
    expect(after.status).toBe("decommissioned");
    expect(after.lastAttestedAt).not.toBeNull();
    for (const g of [active, issuing]) {
      expect(await db.grant.findUniqueOrThrow({ where: { id: g.id } })).toMatchObject({ status: "revoking", revokeReason: "identity_quarantined", revokeComment: "replaced by the workload identity", attempts: 0 });
    }
    expect(await db.grant.findUniqueOrThrow({ where: { id: done.id } })).toMatchObject({ status: "revoked", revokeReason: "expired" });
    expect((await db.accessRequest.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe("cancelled");
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).not.toBeNull();
    expect(await db.auditEvent.count({ where: { action: "grant.revoke_requested", subjectId: { in: [active.id, issuing.id] } } })).toBe(2);
    expect(await db.auditEvent.count({ where: { action: "identity.decommissioned", subjectId: id.id } })).toBe(1);
  });

  it("refuses bad input and unknown or closed rows", async () => {
    const id = await identity();
    const c = await campaignOver([id.id]);
    const row = await rowFor(c.id, id.id);
    await expect(attest({ actor: owner, attestationIds: [], decision: "keep" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(attest({ actor: owner, attestationIds: ["not-a-uuid"], decision: "keep" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(attest({ actor: owner, attestationIds: [row], decision: "maybe" as never })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(attest({ actor: owner, attestationIds: [row], decision: "keep", comment: "x".repeat(2001) })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(attest({ actor: requesterOnly, attestationIds: [row], decision: "keep" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(attestOne({ actor: owner, attestationId: "00000000-0000-4000-8000-000000000000", decision: "keep" })).rejects.toMatchObject({ code: "not_found" });

    await expect(closeCampaign({ actor: owner, campaignId: c.id })).rejects.toMatchObject({ code: "forbidden" });
    expect(await closeCampaign({ actor: security, campaignId: c.id })).toEqual({ attested: 0, open: 1 });
    await expect(closeCampaign({ actor: security, campaignId: c.id })).rejects.toMatchObject({ code: "invalid_state" });
    await expect(closeCampaign({ actor: security, campaignId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "not_found" });
    await expect(closeCampaign({ actor: security, campaignId: "nope" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(attestOne({ actor: owner, attestationId: row, decision: "keep" })).rejects.toMatchObject({ code: "invalid_state", message: expect.stringMatching(/closed/) });
    expect((await mine(owner, c.id)).total).toBe(0);
    expect(await getDb().auditEvent.count({ where: { action: "campaign.closed", subjectId: c.id } })).toBe(1);
  });
});

describe("getCampaign", () => {
  it("shows progress and the open rows grouped by owner", async () => {
    const ids = [await identity(), await identity(), await identity({ ownerUserId: null, ownerTeamId: team.id }), await identity({ ownerUserId: outsider.id }), await identity({ ownerUserId: null })];
    const c = await campaignOver(ids.map((i) => i.id), { dueInMs: 2 * DAY });
    await attestOne({ actor: owner, attestationId: await rowFor(c.id, ids[0].id), decision: "keep" });
    await attestOne({ actor: outsider, attestationId: await rowFor(c.id, ids[3].id), decision: "reduce", comment: "read only" });

    const detail = await getCampaign({ actor: security, campaignId: c.id });
    expect(detail.progress).toEqual({ total: 5, attested: 2, open: 3, quarantined: 0, byDecision: { keep: 1, reduce: 1, decommission: 0, reassign: 0 } });
    expect(detail.overdue).toBe(false);
    expect(detail.openByOwner).toHaveLength(3);
    expect(detail.openByOwner).toEqual(
      expect.arrayContaining([
        { owner: owner.name, ownerEmail: owner.email, open: 1, identities: [ids[1].name] },
        { owner: `team ${team.name}`, ownerEmail: null, open: 1, identities: [ids[2].name] },
        { owner: null, ownerEmail: null, open: 1, identities: [ids[4].name] },
      ]),
    );
    expect((await getCampaign({ actor: owner, campaignId: c.id, now: new Date(Date.now() + 3 * DAY) })).overdue).toBe(true);
    await expect(getCampaign({ actor: requesterOnly, campaignId: c.id })).rejects.toMatchObject({ code: "forbidden" });
    await expect(getCampaign({ actor: security, campaignId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "not_found" });
    await expect(getCampaign({ actor: security, campaignId: "x" })).rejects.toMatchObject({ code: "validation_failed" });
  });
});

describe("escalateCampaigns", () => {
  beforeEach(async () => {
    // Only the campaigns of each test are open.
    await getDb().attestationCampaign.updateMany({ where: { status: "open" }, data: { status: "closed" } });
  });
  const notices = (event: string, campaign: string) => getDb().notificationDelivery.findMany({ where: { event } }).then((ns) => ns.filter((n) => JSON.stringify(n.payload).includes(campaign)));

  it("is a lane of the worker", () => {
    expect(lanes.filter((l) => l.name === "attestations")).toHaveLength(1);
  });

  it("reminds owners once before the due date", async () => {
    const id = await identity();
    const c = await campaignOver([id.id], { dueInMs: 10 * DAY });
    const { name, dueAt } = await getDb().attestationCampaign.findUniqueOrThrow({ where: { id: c.id } });
    expect((await nextCampaignEscalation(getDb()))?.getTime()).toBe(dueAt.getTime() - REMIND_BEFORE_MS);

    expect(await escalateCampaigns({ db: getDb(), now: new Date(dueAt.getTime() - REMIND_BEFORE_MS - HOUR) })).toBe(0);
    const at = new Date(dueAt.getTime() - 2 * DAY);
    expect(await escalateCampaigns({ db: getDb(), now: at })).toBe(1);
    expect(await escalateCampaigns({ db: getDb(), now: new Date(at.getTime() + HOUR) })).toBe(0);
    expect(await getDb().attestationCampaign.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ remindedAt: at, escalatedAt: null });
    const sent = await notices("attestation.reminder", name);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0].payload)).toContain(owner.name);
    expect(await getDb().auditEvent.count({ where: { action: "campaign.reminded", subjectId: c.id } })).toBe(1);
    // Next: the escalation at the due date.
    expect((await nextCampaignEscalation(getDb()))?.getTime()).toBe(dueAt.getTime());
  });

  it("escalates once when overdue, then quarantines what is still unattested after the grace period", async () => {
    const db = getDb();
    const attested = await identity();
    const unattested = await identity({ ownerUserId: null, ownerTeamId: team.id });
    const unowned = await identity({ ownerUserId: null });
    const live = await grant(unattested.id, "active");
    const c = await campaignOver([attested.id, unattested.id, unowned.id], { dueInMs: 2 * DAY, autoQuarantine: true });
    const { name, dueAt } = await db.attestationCampaign.findUniqueOrThrow({ where: { id: c.id } });
    await attestOne({ actor: owner, attestationId: await rowFor(c.id, attested.id), decision: "keep" });

    const overdue = new Date(dueAt.getTime() + HOUR);
    expect(await escalateCampaigns({ db, now: overdue })).toBe(1);
    expect(await db.attestationCampaign.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ escalatedAt: overdue, remindedAt: overdue });
    const escalated = await notices("attestation.escalated", name);
    expect(escalated).toHaveLength(1);
    expect(JSON.stringify(escalated[0].payload)).toContain("2 of 3 identities not attested");
    // Overdue before any reminder: no late reminder follows the escalation.
    expect(await notices("attestation.reminder", name)).toHaveLength(0);

    // Within the grace period nothing is quarantined, and nothing repeats.
    expect(await escalateCampaigns({ db, now: new Date(overdue.getTime() + QUARANTINE_GRACE_MS - 60_000) })).toBe(0);
    expect((await db.identity.findUniqueOrThrow({ where: { id: unattested.id } })).status).toBe("active");
    expect((await nextCampaignEscalation(db))?.getTime()).toBe(overdue.getTime() + QUARANTINE_GRACE_MS);

    const later = new Date(overdue.getTime() + QUARANTINE_GRACE_MS + 60_000);
    expect(await escalateCampaigns({ db, now: later })).toBe(2);
    const statuses = await db.identity.findMany({ where: { id: { in: [attested.id, unattested.id, unowned.id] } }, select: { id: true, status: true } });
    expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({ [attested.id]: "active", [unattested.id]: "quarantined", [unowned.id]: "quarantined" });
    expect(await db.grant.findUniqueOrThrow({ where: { id: live.id } })).toMatchObject({ status: "revoking", revokeReason: "identity_quarantined" });
    const audits = await db.auditEvent.findMany({ where: { action: "identity.quarantined", subjectId: { in: [unattested.id, unowned.id] } } });
    expect(audits).toHaveLength(2);
    expect(audits.every((a) => a.actorType === "system")).toBe(true);
    expect(await notices("attestation.quarantined", name)).toHaveLength(1);

    // Done: nothing more to do, and nothing scheduled.
    expect(await escalateCampaigns({ db, now: new Date(later.getTime() + DAY) })).toBe(0);
    expect(await nextCampaignEscalation(db)).toBeNull();
    expect(await notices("attestation.escalated", name)).toHaveLength(1);
  });

  it("never quarantines when the campaign does not ask for it", async () => {
    const id = await identity();
    const c = await campaignOver([id.id], { dueInMs: DAY, autoQuarantine: false });
    const { dueAt } = await getDb().attestationCampaign.findUniqueOrThrow({ where: { id: c.id } });
    const overdue = new Date(dueAt.getTime() + HOUR);
    expect(await escalateCampaigns({ db: getDb(), now: overdue })).toBe(1);
    expect(await escalateCampaigns({ db: getDb(), now: new Date(overdue.getTime() + 10 * DAY) })).toBe(0);
    expect((await getDb().identity.findUniqueOrThrow({ where: { id: id.id } })).status).toBe("active");
    expect(await nextCampaignEscalation(getDb())).toBeNull();
  });
});
