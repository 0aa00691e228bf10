import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { systemActor, type IdentityActor } from "../authz";
import { useFreshDatabase } from "../testing/database";
import { createUser } from "../testing/factories";
import { transferOwnership } from "./transfer-ownership";
import { findTransferTargets } from "./find-transfer-targets";
import { findIdentities } from "./find-identities";
import { getIdentity } from "./get-identity";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(async () => {
  await database.drop();
});

const n = () => Math.random().toString(36).slice(2, 8);

async function world() {
  const db = getDb();
  const [alice, bob, carol, admin, approver] = await Promise.all([createUser(["owner"]), createUser(["owner"]), createUser(["owner"]), createUser(["admin"]), createUser(["approver"])]);
  const team = await db.team.create({ data: { name: `team-${n()}`, members: { create: [{ userId: bob.id }] } } });
  const other = await db.team.create({ data: { name: `other-${n()}` } });
  const mk = (owner: { ownerUserId?: string; ownerTeamId?: string }) => db.identity.create({ data: { name: `svc-${n()}`, kind: "service_account", environment: "dev", system: "test", ...owner } });
  const [mine, teams, carols] = await Promise.all([mk({ ownerUserId: alice.id }), mk({ ownerTeamId: team.id }), mk({ ownerUserId: carol.id })]);
  return { alice, bob, carol, admin, approver, team, other, mine, teams, carols };
}

const owner = async (id: string) => getDb().identity.findUniqueOrThrow({ where: { id }, select: { ownerUserId: true, ownerTeamId: true } });
const events = async (id: string) => getDb().auditEvent.findMany({ where: { subjectType: "identity", subjectId: id, action: "identity.owner_changed" } });

describe("transferring ownership", () => {
  it("lets the owner hand an identity to a team with a reason: owner, history and audit change together", async () => {
    const w = await world();
    const r = await transferOwnership(w.alice, { identityId: w.mine.id, to: { type: "team", id: w.team.id }, reason: "the platform team runs it now" });
    expect(r).toMatchObject({ from: w.alice.email, to: `team ${w.team.name}` });
    expect(await owner(w.mine.id)).toEqual({ ownerUserId: null, ownerTeamId: w.team.id });
    const history = await getDb().identityOwnerChange.findMany({ where: { identityId: w.mine.id } });
    expect(history).toMatchObject([{ fromUserId: w.alice.id, toTeamId: w.team.id, changedById: w.alice.id, reason: "the platform team runs it now" }]);
    const [e] = await events(w.mine.id);
    expect(e).toMatchObject({ actorId: w.alice.id, data: { via: "transfer", toTeamId: w.team.id, reason: "the platform team runs it now" } });
    // The team's member now answers for it and may hand it on; Alice no longer may.
    await transferOwnership(w.bob, { identityId: w.mine.id, to: { type: "user", id: w.carol.id }, reason: "carol's service now" });
    expect(await owner(w.mine.id)).toEqual({ ownerUserId: w.carol.id, ownerTeamId: null });
    await expect(transferOwnership(w.alice, { identityId: w.mine.id, to: { type: "user", id: w.alice.id }, reason: "taking it back" })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("refuses another owner, someone without ownership, and machines, and changes nothing", async () => {
    const w = await world();
    const to = { type: "user" as const, id: w.bob.id };
    for (const actor of [w.carol, w.approver]) {
      await expect(transferOwnership(actor, { identityId: w.mine.id, to, reason: "not mine to give" })).rejects.toMatchObject({ code: "forbidden", message: expect.stringContaining("Only the owner") });
    }
    const machine: IdentityActor = { type: "identity", id: w.mine.id, name: w.mine.name, scopes: [] };
    await expect(transferOwnership(machine, { identityId: w.mine.id, to, reason: "machines do not" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(transferOwnership(systemActor(), { identityId: w.mine.id, to, reason: "nor the worker" })).rejects.toMatchObject({ code: "forbidden" });
    // Cross-owner: Alice owns her identity, not Carol's.
    await expect(transferOwnership(w.alice, { identityId: w.carols.id, to: { type: "user", id: w.alice.id }, reason: "grab it" })).rejects.toMatchObject({ code: "forbidden" });
    expect(await owner(w.mine.id)).toEqual({ ownerUserId: w.alice.id, ownerTeamId: null });
    expect(await owner(w.carols.id)).toEqual({ ownerUserId: w.carol.id, ownerTeamId: null });
    expect(await events(w.mine.id)).toHaveLength(0);
    await expect(findTransferTargets(w.carol, w.mine.id)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("lets an admin transfer any identity, and a team member their team's", async () => {
    const w = await world();
    await transferOwnership(w.admin, { identityId: w.carols.id, to: { type: "team", id: w.other.id }, reason: "carol left the company" });
    expect(await owner(w.carols.id)).toEqual({ ownerUserId: null, ownerTeamId: w.other.id });
    await transferOwnership(w.bob, { identityId: w.teams.id, to: { type: "user", id: w.bob.id }, reason: "bob alone runs it" });
    expect(await owner(w.teams.id)).toEqual({ ownerUserId: w.bob.id, ownerTeamId: null });
    expect((await findTransferTargets(w.bob, w.teams.id)).teams.map((t) => t.id)).toContain(w.other.id);
  });

  it("requires a reason and a real new owner who can own identities, and refuses a decommissioned identity", async () => {
    const w = await world();
    const base = { identityId: w.mine.id };
    await expect(transferOwnership(w.alice, { ...base, to: { type: "team", id: w.team.id }, reason: "  " })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(transferOwnership(w.alice, { ...base, to: { type: "team", id: crypto.randomUUID() }, reason: "to nowhere" })).rejects.toMatchObject({ code: "validation_failed", message: "Unknown team" });
    await expect(transferOwnership(w.alice, { ...base, to: { type: "user", id: w.approver.id }, reason: "approvers do not own" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(transferOwnership(w.alice, { ...base, to: { type: "user", id: w.alice.id }, reason: "to myself again" })).rejects.toMatchObject({ code: "validation_failed", message: expect.stringContaining("already owns") });
    await expect(transferOwnership(w.alice, { ...base, to: { type: "team", id: w.team.id }, reason: "ok", actor: w.admin } as never)).rejects.toMatchObject({ code: "validation_failed" });
    await expect(transferOwnership(w.alice, { identityId: crypto.randomUUID(), to: { type: "team", id: w.team.id }, reason: "unknown one" })).rejects.toMatchObject({ code: "not_found" });
    await getDb().identity.update({ where: { id: w.mine.id }, data: { status: "decommissioned" } });
    await expect(transferOwnership(w.alice, { ...base, to: { type: "team", id: w.team.id }, reason: "too late now" })).rejects.toMatchObject({ code: "invalid_state" });
    expect(await events(w.mine.id)).toHaveLength(0);
  });
});

describe("what the identity page offers", () => {
  it("offers the owner's actions to its owner and owning team, transfer alone to an admin, and nothing to another owner", async () => {
    const w = await world();
    const may = async (actor: typeof w.alice, id: string) => {
      const i = await getIdentity({ actor, identityId: id });
      return { owns: i.owns, ...i.may };
    };
    expect(await may(w.alice, w.mine.id)).toEqual({ owns: true, requestAccess: true, proposeException: true, transfer: true });
    expect(await may(w.bob, w.teams.id)).toMatchObject({ owns: true, transfer: true });
    expect(await may(w.carol, w.mine.id)).toEqual({ owns: false, requestAccess: false, proposeException: false, transfer: false });
    expect(await may(w.admin, w.mine.id)).toEqual({ owns: false, requestAccess: false, proposeException: false, transfer: true });
  });
});

describe("the Mine filter", () => {
  it("lists exactly the identities the person owns directly or through a team", async () => {
    const w = await world();
    const params = { page: 1, size: 100, sort: "name" as const, dir: "asc" as const };
    const names = async (actor: typeof w.bob) => (await findIdentities({ actor, params, filters: { mine: true } })).rows.map((r) => r.name).sort();
    expect(await names(w.alice)).toEqual([w.mine.name]);
    expect(await names(w.bob)).toEqual([w.teams.name]);
    expect(await names(w.approver)).toEqual([]);
    const all = (await findIdentities({ actor: w.alice, params })).rows.map((r) => r.name);
    expect(all).toEqual(expect.arrayContaining([w.mine.name, w.teams.name, w.carols.name]));
  });

  it("shows the identity's history as sentences naming the person who acted", async () => {
    const w = await world();
    await transferOwnership(w.alice, { identityId: w.mine.id, to: { type: "team", id: w.team.id }, reason: "handover to the team" });
    const detail = await getIdentity({ actor: w.admin, identityId: w.mine.id });
    const texts = detail.audit!.map((h) => h.sentence.map((p) => (typeof p === "string" ? p : p.text)).join(""));
    expect(texts).toContain(`${w.alice.name} handed this identity from ${w.alice.email} to team ${w.team.name}: “handover to the team”`);
  });
});
