import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import type { Actor, IdentityActor } from "../authz";
import { systemActor } from "../authz";
import { useFreshDatabase } from "../testing/database";
import { createIssuerAndEntitlement, createUser } from "../testing/factories";
import { completeBreakGlassReview } from "../requests/complete-break-glass-review";
import { getRequest } from "../requests/get-request";
import { getException } from "../exceptions/get-exception";
import { findGrants } from "../grants/find-grants";
import { getGrant } from "../grants/get-grant";
import { listGrants } from "../grants/list-grants";
import { revokeGrant } from "../grants/revoke-grant";
import {
  breakGlassReviewConflict,
  exceptionReviewConflict,
  heldGrants,
  holdsGrant,
  isRequester,
  madeRequests,
  operatedIdentities,
  operatesIdentity,
  proposedException,
  proposedExceptions,
  receivesCredential,
  requestDecisionConflict,
} from "./ownership";

// The query filters and the per-object checks in ownership.ts must say the same thing: for every
// actor and every row of a small world, "the filter finds it" and "the check says yes" agree.

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
  const [alice, bob, carol, security] = await Promise.all([createUser(["owner"]), createUser(["owner"]), createUser(["owner"]), createUser(["security"])]);
  const team = await db.team.create({ data: { name: `team-${n()}`, members: { create: [{ userId: bob.id }, { userId: security.id }] } } });
  const mk = (name: string, owner: { ownerUserId?: string; ownerTeamId?: string }, kind: "service_account" | "ai_agent" = "service_account") =>
    db.identity.create({ data: { name: `${name}-${n()}`, kind, environment: "dev", system: "test", ...owner } });
  const [a, b, c, agent] = await Promise.all([mk("svc-a", { ownerUserId: alice.id }), mk("svc-b", { ownerTeamId: team.id }), mk("svc-c", {}), mk("agent-g", { ownerUserId: alice.id }, "ai_agent")]);
  const { issuer, entitlement } = await createIssuerAndEntitlement();
  const base = { entitlementId: entitlement.id, durationSec: 900, justification: "ownership test", environment: "dev" as const, riskTier: "low" as const, expiresAt: new Date(Date.now() + 86400_000) };
  const r1 = await db.accessRequest.create({ data: { ...base, identityId: a.id, identityKind: a.kind, requesterUserId: alice.id, status: "approved" } });
  const r2 = await db.accessRequest.create({ data: { ...base, identityId: c.id, identityKind: c.kind, requesterIdentityId: agent.id, status: "approved" } });
  const r3 = await db.accessRequest.create({ data: { ...base, identityId: b.id, identityKind: b.kind, requesterUserId: carol.id, onBehalfOf: [agent.id], breakGlass: true, status: "approved" } });
  const r4 = await db.accessRequest.create({ data: { ...base, identityId: c.id, identityKind: c.kind, requesterUserId: carol.id, breakGlass: true, status: "approved" } });
  const ex = await db.exception.create({
    data: { identityId: b.id, entitlementId: entitlement.id, justification: "standing for the batch", riskRating: "low", proposedById: bob.id, status: "accepted", requestedEndAt: new Date(Date.now() + 7 * 86400_000) },
  });
  const grant = (data: { requestId?: string; exceptionId?: string; identityId: string }) =>
    db.grant.create({ data: { ...data, entitlementId: entitlement.id, issuerId: issuer.id, status: "active", issuedAt: new Date(), expiresAt: new Date(Date.now() + 900_000) } });
  await Promise.all([grant({ requestId: r1.id, identityId: a.id }), grant({ requestId: r2.id, identityId: c.id }), grant({ requestId: r3.id, identityId: b.id }), grant({ exceptionId: ex.id, identityId: b.id })]);
  await db.breakGlassReview.createMany({ data: [{ requestId: r3.id }, { requestId: r4.id }] });
  const asIdentity = (i: { id: string; name: string }): IdentityActor => ({ type: "identity", id: i.id, name: i.name, scopes: [] });
  const actors: [string, Actor][] = [
    ["alice", alice],
    ["bob (team)", bob],
    ["carol", carol],
    ["security (team)", security],
    ["svc-a", asIdentity(a)],
    ["svc-c", asIdentity(c)],
    ["agent", asIdentity(agent)],
    ["worker", systemActor()],
  ];
  return { alice, bob, carol, security, team, a, b, c, agent, r1, r2, r3, r4, ex, actors };
}

describe("ownership: one rule, as a filter and as a check", () => {
  it("finds by query exactly the identities, requests and grants the checks call the actor's", async () => {
    const w = await world();
    const db = getDb();
    const scope = { id: { in: [w.a.id, w.b.id, w.c.id, w.agent.id] } };
    const identities = await db.identity.findMany({ where: scope });
    const requests = await db.accessRequest.findMany({ where: { identityId: scope.id } });
    const grants = await db.grant.findMany({ where: { identityId: scope.id }, include: { request: true, exception: true } });
    expect(grants).toHaveLength(4);
    for (const [label, actor] of w.actors) {
      const byQuery = (await db.identity.findMany({ where: { AND: [scope, operatedIdentities(actor)] } })).map((i) => i.id).sort();
      const byCheck = (await Promise.all(identities.map(async (i) => ((await operatesIdentity(db, actor, i)) ? i.id : null)))).filter(Boolean).sort();
      expect(byQuery, `identities of ${label}`).toEqual(byCheck);

      const madeByQuery = (await db.accessRequest.findMany({ where: { AND: [{ identityId: scope.id }, madeRequests(actor)] } })).map((r) => r.id).sort();
      expect(madeByQuery, `requests of ${label}`).toEqual(requests.filter((r) => isRequester(actor, r)).map((r) => r.id).sort());

      const exceptions = await db.exception.findMany({ where: { identityId: scope.id } });
      const proposedByQuery = (await db.exception.findMany({ where: { AND: [{ identityId: scope.id }, proposedExceptions(actor)] } })).map((e) => e.id).sort();
      expect(proposedByQuery, `exceptions of ${label}`).toEqual(exceptions.filter((e) => proposedException(actor, e)).map((e) => e.id).sort());

      const heldByQuery = (await db.grant.findMany({ where: { AND: [{ identityId: scope.id }, heldGrants(actor)] } })).map((g) => g.id).sort();
      expect(heldByQuery, `grants of ${label}`).toEqual(grants.filter((g) => holdsGrant(actor, g)).map((g) => g.id).sort());
    }
    // The world is not trivial: each relation holds for someone and not for everyone.
    expect((await db.identity.findMany({ where: { AND: [scope, operatedIdentities(w.bob)] } })).map((i) => i.id)).toEqual([w.b.id]);
    expect((await db.grant.findMany({ where: { AND: [{ identityId: scope.id }, heldGrants(w.bob)] } })).map((g) => g.exceptionId)).toEqual([w.ex.id]);
    expect(await db.identity.count({ where: { AND: [scope, operatedIdentities(systemActor())] } })).toBe(0);
  });

  it("gives a credential only to whoever asked for it, not to the identity a person asked for", async () => {
    const w = await world();
    const grants = await getDb().grant.findMany({ where: { identityId: { in: [w.a.id, w.b.id, w.c.id] } }, include: { request: true, exception: true } });
    const r1Grant = grants.find((g) => g.requestId === w.r1.id)!;
    const r2Grant = grants.find((g) => g.requestId === w.r2.id)!;
    const standing = grants.find((g) => g.exceptionId === w.ex.id)!;
    const svcA: IdentityActor = { type: "identity", id: w.a.id, name: w.a.name, scopes: [] };
    expect(holdsGrant(svcA, r1Grant)).toBe(true);
    expect(receivesCredential(svcA, r1Grant)).toBe(false);
    expect(receivesCredential(w.alice, r1Grant)).toBe(true);
    expect(receivesCredential({ type: "identity", id: w.agent.id, name: w.agent.name, scopes: [] }, r2Grant)).toBe(true);
    expect(receivesCredential(w.bob, standing)).toBe(true);
    expect(receivesCredential(w.security, standing)).toBe(false);
  });
});

describe("the grants a person holds", () => {
  it("lets the proposer of an exception find and read its standing grant, and sends them to the exception to end it", async () => {
    const w = await world();
    const standing = await getDb().grant.findFirstOrThrow({ where: { exceptionId: w.ex.id } });
    const page = await findGrants({ actor: w.bob, params: { page: 1, size: 50, sort: "expiresAt", dir: "asc" } });
    expect(page.rows.map((r) => r.id)).toEqual([standing.id]);
    expect((await listGrants({ actor: w.bob, limit: 50 })).grants.map((g) => g.id)).toEqual([standing.id]);
    const g = await getGrant({ actor: w.bob, grantId: standing.id });
    expect(g).toMatchObject({ mine: true, may: { revoke: false, extend: false, forceResolve: false }, exception: { id: w.ex.id } });
    await expect(revokeGrant({ actor: w.bob, grantId: standing.id, comment: "no longer needed" })).rejects.toMatchObject({ code: "invalid_state", message: /revoke the exception instead/ });
    // Someone who holds none of it reads nothing; security may revoke it directly.
    await expect(getGrant({ actor: w.carol, grantId: standing.id })).rejects.toMatchObject({ code: "not_found" });
    expect((await getGrant({ actor: w.security, grantId: standing.id })).may.revoke).toBe(true);
    const revoking = await revokeGrant({ actor: w.security, grantId: standing.id, comment: "incident response" });
    expect(revoking).toMatchObject({ id: standing.id, status: "revoking", identity: { name: w.b.name } });
  });
});

describe("the grants list", () => {
  it("offers Revoke on a row only to whom revokeGrant would allow it, and its filters narrow the rows", async () => {
    const w = await world();
    const approver = await createUser(["approver"]);
    const params = { page: 1, size: 50, sort: "expiresAt" as const, dir: "asc" as const };
    const mine = { identity: w.a.name.slice(0, 12) };
    const rows = async (actor: Actor, filters = {}) =>
      (await findGrants({ actor, params, filters })).rows.filter((r) => [w.a.name, w.b.name, w.c.name].includes(r.identity)).map((r) => [r.identity.split("-")[1], r.standing, r.mayRevoke]);
    // An approver reads every grant and may end none.
    expect((await rows(approver)).every(([, , may]) => may === false)).toBe(true);
    expect(await rows(approver)).toHaveLength(4);
    expect((await rows(w.security)).every(([, , may]) => may === true)).toBe(true);
    expect(await rows(w.alice)).toEqual([["a", false, true]]);
    expect(await rows(w.bob)).toEqual([["b", true, false]]);
    // Filters: part of the identity's name, an environment, an end.
    expect(await rows(w.security, mine)).toEqual([["a", false, true]]);
    expect(await rows(w.security, { environment: "prod" })).toEqual([]);
    expect(await rows(w.security, { endsBefore: new Date(Date.now() - 60_000) })).toEqual([]);
    expect(await rows(w.security, { endsBefore: new Date(Date.now() + 3600_000) })).toHaveLength(4);
  });
});

describe("separation of duties covers teams and agents", () => {
  it("refuses the requester, the identity's owning team and the owner of the agent asked for", async () => {
    const w = await world();
    const db = getDb();
    const r3 = await db.accessRequest.findUniqueOrThrow({ where: { id: w.r3.id }, include: { identity: true } });
    expect(await requestDecisionConflict(db, w.carol, r3)).toMatch(/your own request/);
    expect(await requestDecisionConflict(db, w.bob, r3)).toMatch(/your team own this identity/);
    expect(await requestDecisionConflict(db, w.alice, r3)).toMatch(/own agent-g/);
    expect(await breakGlassReviewConflict(db, w.carol, r3)).toMatch(/your own break-glass use/);
    expect(await breakGlassReviewConflict(db, w.security, r3)).toMatch(/your team own this identity/);
    expect(await breakGlassReviewConflict(db, w.alice, r3)).toMatch(/own agent-g/);
    const outsider = await createUser(["security"]);
    expect(await breakGlassReviewConflict(db, outsider, r3)).toBeNull();
  });

  it("refuses a break-glass review by a member of the owning team, and the request page offers the form only to whom it would accept", async () => {
    const w = await world();
    // security is in the team that owns svc-b, the identity r3's break-glass use touched.
    await expect(completeBreakGlassReview({ actor: w.security, requestId: w.r3.id, findings: "Reviewed the session log; nothing unexpected" })).rejects.toMatchObject({
      code: "forbidden",
      message: expect.stringMatching(/your team own this identity/),
    });
    const page = await getRequest({ actor: w.security, requestId: w.r3.id });
    expect(page).toMatchObject({ mayReview: false, reviewRefusal: expect.stringMatching(/your team own/) });
    // r4 touches an unowned identity: the same reviewer may close it, and the page says so.
    expect(await getRequest({ actor: w.security, requestId: w.r4.id })).toMatchObject({ mayReview: true, reviewRefusal: null });
    await completeBreakGlassReview({ actor: w.security, requestId: w.r4.id, findings: "Reviewed the session log; nothing unexpected" });
    expect(await getRequest({ actor: w.security, requestId: w.r4.id })).toMatchObject({ mayReview: false, reviewRefusal: null });
    expect(await getDb().auditEvent.count({ where: { action: "break_glass.reviewed", subjectId: w.r4.id } })).toBe(1);
    expect(await getDb().auditEvent.count({ where: { action: "break_glass.reviewed", subjectId: w.r3.id } })).toBe(0);
  });

  it("does not offer an exception review to a member of the team that owns the identity", async () => {
    const w = await world();
    const proposed = await getDb().exception.create({
      data: { identityId: w.b.id, entitlementId: w.ex.entitlementId, justification: "standing for the batch", riskRating: "low", proposedById: w.carol.id, requestedEndAt: new Date(Date.now() + 7 * 86400_000) },
    });
    const row = await getDb().exception.findUniqueOrThrow({ where: { id: proposed.id }, include: { identity: true } });
    expect(await exceptionReviewConflict(getDb(), w.security, row)).toMatch(/your team own this identity/);
    expect((await getException({ actor: w.security, exceptionId: proposed.id })).may).toMatchObject({ accept: false });
    const outsider = await createUser(["security"]);
    expect((await getException({ actor: outsider, exceptionId: proposed.id })).may).toMatchObject({ accept: true });
  });
});
