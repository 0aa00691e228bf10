import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { systemActor, type IdentityActor, type UserActor } from "../authz";
import { useFreshDatabase } from "../testing/database";
import { createIdentity, createPendingRequest, createUser } from "../testing/factories";
import { decideRequest } from "./decide-request";
import { getDecisionOptions } from "./decision-options";

// What the screens offer (getDecisionOptions) and what the domain does (decideRequest) come from
// one list of rules: every refusal offered is the one decideRequest throws, and every offer holds.

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(() => database.drop());

const db = () => getDb();

/** A pending request by a fresh requester, with the quorum asked for. */
async function pending(opts: { approvalsRequired?: number; securityApprovalRequired?: boolean; requester?: UserActor } = {}) {
  const requester = opts.requester ?? (await createUser(["requester"]));
  const r = await createPendingRequest({ requesterUserId: requester.id });
  return db().accessRequest.update({
    where: { id: r.id },
    data: { approvalsRequired: opts.approvalsRequired ?? 1, securityApprovalRequired: opts.securityApprovalRequired ?? false },
  });
}

describe("getDecisionOptions", () => {
  it("offers both decisions to an approver without a stake, and the decision then holds", async () => {
    const approver = await createUser(["approver"]);
    const r = await pending();
    expect(await getDecisionOptions({ actor: approver, requestId: r.id })).toEqual({ approve: null, deny: null });
    await expect(decideRequest({ actor: approver, requestId: r.id, decision: "approve" })).resolves.toMatchObject({ status: "approved" });
    // Decided: nothing left to offer.
    expect(await getDecisionOptions({ actor: approver, requestId: r.id })).toBeNull();
  });

  it("offers nothing to those who do not approve: a requester, an auditor, an identity, the system", async () => {
    const r = await pending();
    const identity = await createIdentity();
    const machine: IdentityActor = { type: "identity", id: identity.id, name: identity.name, scopes: ["request:create"], attestation: "api_token" };
    for (const actor of [await createUser(["requester"]), await createUser(["auditor"]), machine, systemActor("test")]) {
      expect(await getDecisionOptions({ actor, requestId: r.id })).toBeNull();
    }
    await expect(decideRequest({ actor: await createUser(["requester"]), requestId: r.id, decision: "approve" })).rejects.toMatchObject({ code: "forbidden" });
    expect(await db().approval.count({ where: { requestId: r.id } })).toBe(0);
  });

  it("refuses the requester their own request, with the reason decideRequest gives", async () => {
    const both = await createUser(["approver", "requester"]);
    const r = await pending({ requester: both });
    const options = await getDecisionOptions({ actor: both, requestId: r.id });
    expect(options).toEqual({ approve: "You cannot decide on your own request", deny: "You cannot decide on your own request" });
    await expect(decideRequest({ actor: both, requestId: r.id, decision: "deny", comment: "no" })).rejects.toMatchObject({ code: "forbidden", message: options!.deny });
  });

  it("refuses a member of the team that owns the identity", async () => {
    const teammate = await createUser(["approver"]);
    const team = await db().team.create({ data: { name: `team-${teammate.id.slice(0, 8)}`, members: { create: { userId: teammate.id } } } });
    const r = await pending();
    await db().identity.update({ where: { id: r.identityId }, data: { ownerTeamId: team.id } });
    const options = await getDecisionOptions({ actor: teammate, requestId: r.id });
    expect(options?.approve).toMatch(/your team own this identity/);
    expect(options?.deny).toBe(options?.approve);
    await expect(decideRequest({ actor: teammate, requestId: r.id, decision: "approve" })).rejects.toMatchObject({ code: "forbidden", message: options!.approve });
  });

  it("refuses a second decision by the same approver", async () => {
    const approver = await createUser(["approver"]);
    const r = await pending({ approvalsRequired: 2 });
    await decideRequest({ actor: approver, requestId: r.id, decision: "approve" });
    const options = await getDecisionOptions({ actor: approver, requestId: r.id });
    expect(options).toEqual({ approve: "You have already decided on this request", deny: "You have already decided on this request" });
    await expect(decideRequest({ actor: approver, requestId: r.id, decision: "deny", comment: "changed my mind" })).rejects.toMatchObject({ code: "invalid_state" });
  });

  it("keeps the last approval for security but lets anyone without a stake deny", async () => {
    const approver = await createUser(["approver"]);
    const security = await createUser(["security", "approver"]);
    const r = await pending({ approvalsRequired: 1, securityApprovalRequired: true });
    const options = await getDecisionOptions({ actor: approver, requestId: r.id });
    expect(options).toEqual({ approve: "The last approval of this request must come from security", deny: null });
    await expect(decideRequest({ actor: approver, requestId: r.id, decision: "approve" })).rejects.toMatchObject({ code: "forbidden", message: options!.approve });
    expect(await getDecisionOptions({ actor: security, requestId: r.id })).toEqual({ approve: null, deny: null });
    await expect(decideRequest({ actor: security, requestId: r.id, decision: "approve" })).resolves.toMatchObject({ status: "approved" });
  });

  it("offers nothing on an expired or unknown request, and refuses an id that is not one", async () => {
    const approver = await createUser(["approver"]);
    const r = await pending();
    await db().accessRequest.update({ where: { id: r.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await getDecisionOptions({ actor: approver, requestId: r.id })).toEqual({ approve: "This request has expired", deny: "This request has expired" });
    await expect(decideRequest({ actor: approver, requestId: r.id, decision: "approve" })).rejects.toMatchObject({ code: "invalid_state" });
    expect(await getDecisionOptions({ actor: approver, requestId: "00000000-0000-4000-8000-000000000000" })).toBeNull();
    await expect(getDecisionOptions({ actor: approver, requestId: "not-a-request" })).rejects.toMatchObject({ code: "validation_failed" });
  });
});
