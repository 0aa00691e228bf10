import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { useFreshDatabase } from "../testing/database";
import { createIssuerAndEntitlement, createUser } from "../testing/factories";
import { createRequest } from "../requests/create-request";
import { issueDueGrants } from "../grants/issue-due-grants";
import { defaultPolicies } from "./default-policies";
import { findPolicyVersions, savePolicies } from "./save-policies";
import { reevaluateGrants } from "./reevaluate-grants";
import { simulatePolicies } from "./simulate";
import { findSimulationSubjects } from "./find-simulation-subjects";
import { closeAllDrivers } from "../issuers/registry";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(async () => {
  await closeAllDrivers();
  await database.drop();
});

async function activeGrant() {
  const owner = await createUser(["owner"]);
  const identity = await getDb().identity.create({ data: { name: `svc-p-${Math.random().toString(36).slice(2)}`, kind: "service_account", environment: "dev", system: "x", ownerUserId: owner.id } });
  const { entitlement } = await createIssuerAndEntitlement({ environment: "dev" });
  await getDb().entitlement.update({ where: { id: entitlement.id }, data: { approvalsRequired: 0 } });
  const req = await createRequest({ actor: owner, identityId: identity.id, entitlementId: entitlement.id, durationSec: 900, justification: "nightly job needs it" });
  expect(req.status).toBe("approved");
  await issueDueGrants({ db: getDb() });
  return { grant: await getDb().grant.findFirstOrThrow({ where: { requestId: req.id } }), identity, entitlement };
}

describe("policy versions", () => {
  it("starts from the shipped defaults, refuses a set that does not validate, and versions each change with an audit event", async () => {
    const admin = await createUser(["admin"]);
    expect((await findPolicyVersions({ actor: admin })).version).toBe(1);
    await expect(savePolicies({ actor: admin, text: `${defaultPolicies}\npermit(principal, action, resource) when { context.nope };`, comment: "broken" })).rejects.toMatchObject({
      code: "validation_failed",
      message: expect.stringMatching(/line \d+: .*nope/),
    });
    const saved = await savePolicies({ actor: admin, text: `${defaultPolicies}\n@id("night-owls") forbid(principal, action == Hourglass::Action::"request", resource) when { context.hourUtc < 0 };`, comment: "add a placeholder rule" });
    expect(saved).toMatchObject({ version: 2, added: ["night-owls"], removed: [] });
    expect(await getDb().auditEvent.count({ where: { action: "policy.changed", subjectId: "2" } })).toBe(1);
    const security = await createUser(["security"]);
    await expect(savePolicies({ actor: security, text: defaultPolicies, comment: "not mine to change" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(savePolicies({ actor: admin, text: defaultPolicies, comment: "" })).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("offers the simulator active identities and every entitlement, to admins only", async () => {
    const admin = await createUser(["admin"]);
    const { grant, identity, entitlement } = await activeGrant();
    expect(grant.status).toBe("active");
    const retired = await getDb().identity.create({ data: { name: `svc-decommissioned-${Math.random().toString(36).slice(2)}`, kind: "service_account", environment: "dev", system: "x", status: "decommissioned" } });
    const subjects = await findSimulationSubjects({ actor: admin });
    expect(subjects.identities).toContainEqual({ id: identity.id, label: `${identity.name} (dev)` });
    expect(subjects.identities.map((i) => i.id)).not.toContain(retired.id);
    expect(subjects.entitlements).toContainEqual({ id: entitlement.id, label: `${entitlement.name} (${entitlement.riskTier})` });
    for (const roles of [["security"], ["approver"], ["owner"]] as const) {
      await expect(findSimulationSubjects({ actor: await createUser([...roles]) })).rejects.toMatchObject({ code: "forbidden" });
    }
  });

  it("revokes active grants a new policy no longer allows (policy_drift), with the deciding policy in the audit trail", async () => {
    const admin = await createUser(["admin"]);
    const { grant, entitlement } = await activeGrant();
    await reevaluateGrants({ db: getDb(), force: true });
    expect((await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } })).status).toBe("active");
    const current = await findPolicyVersions({ actor: admin });
    await savePolicies({
      actor: admin,
      text: `${current.text}\n@id("freeze-${entitlement.name}") @reason("Frozen during the audit") forbid(principal, action, resource) when { resource.name == "${entitlement.name}" };`,
      comment: "freeze this entitlement",
    });
    expect(await reevaluateGrants({ db: getDb() })).toBeGreaterThanOrEqual(1);
    const after = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(after).toMatchObject({ status: "revoking", revokeReason: "policy_drift", revokeComment: "Frozen during the audit" });
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "grant.policy_drift", subjectId: grant.id } });
    expect(event.data).toMatchObject({ policyIds: [`freeze-${entitlement.name}`] });
  });

  it("revokes the grants of an identity that lost its owner", async () => {
    const { grant, identity } = await activeGrant();
    await getDb().identity.update({ where: { id: identity.id }, data: { ownerUserId: null } });
    await reevaluateGrants({ db: getDb(), force: true });
    expect(await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } })).toMatchObject({ status: "revoking", revokeReason: "policy_drift" });
  });

  it("decides each grant on its own facts when many grants ask alike", async () => {
    // 40 grants of one entitlement for 40 identities that differ only in who owns them: the
    // identical questions are decided once, and the one identity that lost its owner is still told apart.
    const owner = await createUser(["owner"]);
    const { entitlement } = await createIssuerAndEntitlement({ environment: "dev" });
    await getDb().entitlement.update({ where: { id: entitlement.id }, data: { approvalsRequired: 0 } });
    const grants: { id: string; identityId: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const identity = await getDb().identity.create({ data: { name: `svc-alike-${i}-${Math.random().toString(36).slice(2, 6)}`, kind: "service_account", environment: "dev", system: "x", ownerUserId: owner.id } });
      const req = await createRequest({ actor: owner, identityId: identity.id, entitlementId: entitlement.id, durationSec: 900, justification: "nightly job needs it" });
      expect(req.status).toBe("approved");
      await issueDueGrants({ db: getDb() });
      grants.push(await getDb().grant.findFirstOrThrow({ where: { requestId: req.id }, select: { id: true, identityId: true } }));
    }
    const orphan = grants[33];
    await getDb().identity.update({ where: { id: orphan.identityId }, data: { ownerUserId: null } });
    await reevaluateGrants({ db: getDb(), force: true });
    const after = await getDb().grant.findMany({ where: { id: { in: grants.map((g) => g.id) } }, select: { id: true, status: true } });
    expect(after.filter((g) => g.status !== "active").map((g) => g.id)).toEqual([orphan.id]);
  });
});

describe("the policy simulator", () => {
  it("counts a change of approvals as a changed decision, though the outcome stays 'require approval'", async () => {
    const admin = await createUser(["admin"]);
    const owner = await createUser(["owner", "requester"]);
    const identity = await getDb().identity.create({ data: { name: `svc-sim-${Math.random().toString(36).slice(2)}`, kind: "service_account", environment: "prod", system: "x", ownerUserId: owner.id } });
    const { entitlement } = await createIssuerAndEntitlement({ environment: "prod", riskTier: "high" });
    const req = await createRequest({ actor: owner, identityId: identity.id, entitlementId: entitlement.id, durationSec: 900, justification: "fix the orders table", ticketRef: "OPS-9" });
    expect(req.status).toBe("pending");
    const current = await findPolicyVersions({ actor: admin });
    expect(current.text).toContain('@approvals("2")');
    const sim = await simulatePolicies({ actor: admin, text: current.text.replace('@approvals("2")', '@approvals("3")') });
    expect(sim.problems).toEqual([]);
    expect(sim.impact!.changed).toBeGreaterThanOrEqual(1);
    expect(sim.impact!.transitions).toHaveProperty(["2 approvals, one from security, up to 30 min → 3 approvals, one from security, up to 30 min"]);
    expect(sim.impact!.examples.find((e) => e.requestId === req.id)).toMatchObject({ differences: ["approvals 2 → 3"] });
    // The same text changes nothing.
    expect((await simulatePolicies({ actor: admin, text: current.text })).impact!.changed).toBe(0);
    await expect(simulatePolicies({ actor: owner, text: current.text })).rejects.toMatchObject({ code: "forbidden" });
  });
});
