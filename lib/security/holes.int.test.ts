import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { useFreshDatabase } from "../testing/database";
import { createIssuerAndEntitlement, createUser } from "../testing/factories";
import { createApiToken } from "../api-tokens/create-api-token";
import { authenticateBearer } from "../api-tokens/authenticate-bearer";
import { systemActor, type IdentityActor, type UserActor } from "../authz";
import { createRequest } from "../requests/create-request";
import { decideRequest } from "../requests/decide-request";
import { reviewException } from "../exceptions/review-exception";
import { getIdentity } from "../identities/get-identity";
import { getGrant } from "../grants/get-grant";
import { revokeGrant } from "../grants/revoke-grant";
import { extendGrant } from "../grants/extend-grant";
import { takeCredential } from "../grants/take-credential";
import { reportUsage } from "../grants/report-usage";
import { quarantineIdentity } from "../identities/quarantine-identity";
import { delegate, withdrawDelegation } from "../delegations/delegations";
import { savePolicies } from "../policy/save-policies";
import { verifyAuditChain } from "../audit";
import { closeAllDrivers } from "../issuers/registry";

// Each hole an attacker walked through, proven closed: token minting in another's name, machine
// tokens with admin scopes, separation of duties through teams and agents, delegations that
// widened rights, identity pages that showed everything, and another identity's grant.

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
const db = () => getDb();
const asIdentity = (i: { id: string; name: string }, attestation: IdentityActor["attestation"] = "api_token"): IdentityActor => ({ type: "identity", id: i.id, name: i.name, scopes: ["request:create"], attestation });

beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(async () => {
  await closeAllDrivers();
  await database.drop();
});

async function team(members: UserActor[]) {
  return db().team.create({ data: { name: `team-${Math.random().toString(36).slice(2)}`, members: { create: members.map((m) => ({ userId: m.id })) } } });
}
async function identity(data: { ownerUserId?: string; ownerTeamId?: string; kind?: "service_account" | "ai_agent"; environment?: "dev" | "prod" }) {
  return db().identity.create({ data: { name: `id-${Math.random().toString(36).slice(2)}`, kind: data.kind ?? "service_account", environment: data.environment ?? "dev", system: "test", ownerUserId: data.ownerUserId, ownerTeamId: data.ownerTeamId } });
}
async function activeGrant(identityId: string, entitlement: { id: string; issuerId: string }, requester: { userId?: string; identityId?: string } = {}) {
  const request = await db().accessRequest.create({
    data: { identityId, entitlementId: entitlement.id, requesterUserId: requester.userId, requesterIdentityId: requester.identityId, durationSec: 600, justification: "test grant", status: "approved", environment: "dev", riskTier: "low", identityKind: "service_account", expiresAt: new Date(Date.now() + 86400_000) },
  });
  return db().grant.create({ data: { requestId: request.id, identityId, entitlementId: entitlement.id, issuerId: entitlement.issuerId, status: "active", issuedAt: new Date(), expiresAt: new Date(Date.now() + 600_000), issuerRef: "ref", credentialSealed: null } });
}

describe("tokens", () => {
  it("a user's token is made by that user only: not by an admin, not by the bootstrap token", async () => {
    const admin = await createUser(["admin"]);
    const approver = await createUser(["approver"]);
    await expect(createApiToken({ actor: admin, user: approver.email, scopes: ["request:approve"] })).rejects.toMatchObject({ code: "forbidden" });
    await expect(createApiToken({ actor: systemActor("bootstrap"), user: approver.email, scopes: ["request:approve"] })).rejects.toMatchObject({ code: "forbidden" });
    expect(await db().apiToken.count({ where: { userId: approver.id } })).toBe(0);
    const own = await createApiToken({ actor: approver, user: approver.email, scopes: ["request:approve"] });
    expect((await authenticateBearer(`Bearer ${own.token}`)).actor).toMatchObject({ type: "user", id: approver.id });
  });

  it("a user's token never widens their roles", async () => {
    const requester = await createUser(["requester"]);
    await expect(createApiToken({ actor: requester, user: requester.email, scopes: ["admin:policies"] })).rejects.toMatchObject({ code: "validation_failed", message: /do not hold admin:policies/ });
  });

  it("an identity's token carries machine scopes only, and one stored with more is cut to them", async () => {
    const i = await identity({});
    await expect(createApiToken({ actor: systemActor("bootstrap"), identity: i.id, scopes: ["request:create", "admin:policies"] })).rejects.toMatchObject({ code: "validation_failed", message: /machine scopes only/ });
    const ok = await createApiToken({ actor: systemActor("bootstrap"), identity: i.id, scopes: ["request:create"] });
    await db().apiToken.update({ where: { id: ok.id }, data: { scopes: ["request:create", "admin:policies", "admin:tokens"] } });
    const { actor } = await authenticateBearer(`Bearer ${ok.token}`);
    await expect(savePolicies({ actor, text: `@id("x") permit(principal, action, resource);`, comment: "leaked CI token" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(createApiToken({ actor, identity: i.id, scopes: ["request:create"] })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("separation of duties", () => {
  it("a member of the owning team neither approves the identity's requests nor reviews its exceptions", async () => {
    const [owner, teammate] = [await createUser(["owner", "requester"]), await createUser(["approver", "security"])];
    const t = await team([owner, teammate]);
    const i = await identity({ ownerTeamId: t.id });
    const { entitlement } = await createIssuerAndEntitlement({ riskTier: "high" });
    const r = await createRequest({ actor: owner, identityId: i.id, entitlementId: entitlement.id, durationSec: 600, justification: "team member approval probe" });
    expect(r.status).toBe("pending");
    await expect(decideRequest({ actor: teammate, requestId: r.id, decision: "approve" })).rejects.toMatchObject({ code: "forbidden", message: /your team own this identity/ });
    const e = await db().exception.create({
      data: { identityId: i.id, entitlementId: entitlement.id, justification: "standing access for the team", riskRating: "low", compensatingControls: "monitored", requestedEndAt: new Date(Date.now() + 7 * 86400_000), proposedById: owner.id },
    });
    await expect(reviewException({ actor: teammate, exceptionId: e.id, decision: "accept", comment: "ok" })).rejects.toMatchObject({ code: "forbidden", message: /your team own this identity/ });
    expect(await db().approval.count({ where: { requestId: r.id } })).toBe(0);
    expect((await db().exception.findUniqueOrThrow({ where: { id: e.id } })).status).toBe("proposed");
  });

  it("the owner of an agent (or their team) does not approve what the agent asks for, even on behalf of another", async () => {
    const agentOwner = await createUser(["approver"]);
    const stranger = await createUser(["approver"]);
    const agent = await identity({ ownerUserId: agentOwner.id, kind: "ai_agent" });
    const principal = await identity({ ownerUserId: stranger.id });
    const { entitlement } = await createIssuerAndEntitlement({ riskTier: "high" });
    await delegate(systemActor("test"), { agent: agent.id, principal: principal.id, entitlements: [entitlement.id], endsAt: new Date(Date.now() + 86400_000), reason: "the agent runs tasks for it" });
    const own = await createRequest({ actor: asIdentity(agent), identityId: agent.id, entitlementId: entitlement.id, durationSec: 600, justification: "the agent asks for itself" });
    await expect(decideRequest({ actor: agentOwner, requestId: own.id, decision: "approve" })).rejects.toMatchObject({ code: "forbidden" });
    const forOther = await createRequest({ actor: asIdentity(agent), identityId: principal.id, entitlementId: entitlement.id, durationSec: 600, justification: "the agent asks for its principal" });
    await expect(decideRequest({ actor: agentOwner, requestId: forOther.id, decision: "approve" })).rejects.toMatchObject({ code: "forbidden", message: new RegExp(`own ${agent.name}, which asked`) });
    // Someone without a stake may decide.
    const neutral = await createUser(["approver"]);
    await expect(decideRequest({ actor: neutral, requestId: forOther.id, decision: "deny", comment: "not now" })).resolves.toMatchObject({ status: "denied" });
  });
});

describe("delegation", () => {
  it("allows only the entitlements it lists, only until it ends, caps the window, and never counts as attested", async () => {
    const owner = await createUser(["owner", "requester"]);
    const agent = await identity({ ownerUserId: owner.id, kind: "ai_agent" });
    const principal = await identity({ ownerUserId: owner.id });
    const { entitlement: listed } = await createIssuerAndEntitlement();
    const { entitlement: other } = await createIssuerAndEntitlement();
    // Not the principal's owner nor an admin: refused.
    const stranger = await createUser(["owner"]);
    await expect(delegate(stranger, { agent: agent.id, principal: principal.id, entitlements: [listed.id], endsAt: new Date(Date.now() + 86400_000), reason: "I would like that" })).rejects.toMatchObject({ code: "forbidden" });
    const endsAt = new Date(Date.now() + 5 * 60_000);
    await delegate(owner, { agent: agent.id, principal: principal.id, entitlements: [listed.name], endsAt, reason: "triage for five minutes" });
    const agentActor = asIdentity(agent, "oidc");
    await expect(createRequest({ actor: agentActor, identityId: principal.id, entitlementId: other.id, durationSec: 600, justification: "outside the delegation" })).rejects.toMatchObject({ code: "forbidden", message: /does not cover this entitlement/ });
    const r = await createRequest({ actor: agentActor, identityId: principal.id, entitlementId: listed.id, durationSec: 3600, justification: "inside the delegation" });
    const row = await db().accessRequest.findUniqueOrThrow({ where: { id: r.id } });
    expect(row.durationSec).toBeLessThanOrEqual(300);
    expect((row.decision as { context?: { workloadAttested?: boolean } }).context?.workloadAttested ?? false).toBe(false);
    const events = await db().auditEvent.findMany({ where: { subjectId: agent.id, action: { startsWith: "delegation." } } });
    expect(events.map((e) => e.action)).toEqual(["delegation.created"]);
    // Ended: refused.
    await db().delegation.update({ where: { agentId_principalId: { agentId: agent.id, principalId: principal.id } }, data: { endsAt: new Date(Date.now() - 1000) } });
    await expect(createRequest({ actor: agentActor, identityId: principal.id, entitlementId: listed.id, durationSec: 60, justification: "after the delegation ended" })).rejects.toMatchObject({ code: "forbidden", message: /has ended/ });
  });

  it("withdrawing it revokes what the agent obtained through it, and only that", async () => {
    const owner = await createUser(["owner", "requester"]);
    const agent = await identity({ ownerUserId: owner.id, kind: "ai_agent" });
    const principal = await identity({ ownerUserId: owner.id });
    const { entitlement } = await createIssuerAndEntitlement();
    await delegate(owner, { agent: agent.id, principal: principal.id, entitlements: [entitlement.id], endsAt: new Date(Date.now() + 86400_000), reason: "nightly triage" });
    const viaAgent = await activeGrant(principal.id, entitlement, { identityId: agent.id });
    const principalsOwn = await activeGrant(principal.id, entitlement, { identityId: principal.id });
    const agentsOwn = await activeGrant(agent.id, entitlement, { identityId: agent.id });
    const result = await withdrawDelegation(owner, { agent: agent.id, principal: principal.id, reason: "triage is over" });
    expect(result.grantsRevoking).toBe(1);
    const status = async (id: string) => (await db().grant.findUniqueOrThrow({ where: { id } })).status;
    expect(await db().grant.findUniqueOrThrow({ where: { id: viaAgent.id } })).toMatchObject({ status: "revoking", revokeReason: "delegation_withdrawn" });
    expect(await status(principalsOwn.id)).toBe("active");
    expect(await status(agentsOwn.id)).toBe("active");
    await expect(createRequest({ actor: asIdentity(agent), identityId: principal.id, entitlementId: entitlement.id, durationSec: 60, justification: "after the withdrawal" })).rejects.toMatchObject({ message: /withdrawn/ });
    expect((await verifyAuditChain({ db: db(), actor: systemActor("test") })).ok).toBe(true);
  });

  it("quarantining the agent revokes what it obtained for others too", async () => {
    const owner = await createUser(["owner"]);
    const security = await createUser(["security"]);
    const agent = await identity({ ownerUserId: owner.id, kind: "ai_agent" });
    const principal = await identity({ ownerUserId: owner.id });
    const { entitlement } = await createIssuerAndEntitlement();
    await delegate(owner, { agent: agent.id, principal: principal.id, entitlements: [entitlement.id], endsAt: new Date(Date.now() + 86400_000), reason: "nightly triage" });
    const viaAgent = await activeGrant(principal.id, entitlement, { identityId: agent.id });
    const change = await quarantineIdentity({ actor: security, identityId: agent.id, reason: "prompt injection suspected" });
    expect(change.grantsRevoking).toBe(1);
    expect(await db().grant.findUniqueOrThrow({ where: { id: viaAgent.id } })).toMatchObject({ status: "revoking", revokeReason: "identity_quarantined" });
  });
});

describe("identity detail", () => {
  it("shows grants, exceptions, attestations and audit only to who may see each", async () => {
    const owner = await createUser(["owner"]);
    const i = await identity({ ownerUserId: owner.id });
    const { entitlement } = await createIssuerAndEntitlement();
    await activeGrant(i.id, entitlement, { userId: owner.id });
    const requester = await createUser(["requester"]);
    const plain = await getIdentity({ actor: requester, identityId: i.id });
    expect(plain.name).toBe(i.name);
    expect([plain.grants, plain.exceptions, plain.attestations, plain.audit]).toEqual([undefined, undefined, undefined, undefined]);
    const own = await getIdentity({ actor: owner, identityId: i.id });
    expect(own.grants).toHaveLength(1);
    expect(own.audit).toBeUndefined();
    const auditor = await getIdentity({ actor: await createUser(["auditor"]), identityId: i.id });
    expect(auditor.grants).toHaveLength(1);
    expect(auditor.audit).toBeDefined();
  });
});

describe("another identity's grant", () => {
  it("cannot be read, revoked, extended, reported or have its credential taken by an identity's token", async () => {
    const { entitlement } = await createIssuerAndEntitlement();
    const [a, b] = [await identity({}), await identity({})];
    const grant = await activeGrant(a.id, entitlement, { identityId: a.id });
    await db().grant.update({ where: { id: grant.id }, data: { credentialSealed: "sealed-credential" } });
    const intruder = asIdentity(b);
    await expect(getGrant({ actor: intruder, grantId: grant.id })).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeGrant({ actor: intruder, grantId: grant.id, reason: "early", comment: "not mine" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(extendGrant({ actor: intruder, grantId: grant.id, durationSec: 600, justification: "I want more of it" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(reportUsage({ actor: intruder, grantId: grant.id })).rejects.toMatchObject({ code: "forbidden" });
    expect(await takeCredential({ actor: intruder, grantId: grant.id })).toBeNull();
    expect(await db().grant.findUniqueOrThrow({ where: { id: grant.id } })).toMatchObject({ status: "active", credentialSealed: "sealed-credential", useCount: 0, extensions: 0 });
    // Its own identity may.
    await expect(getGrant({ actor: asIdentity(a), grantId: grant.id })).resolves.toMatchObject({ id: grant.id });
  });
});
