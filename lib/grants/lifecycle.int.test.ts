import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { sealJson } from "../crypto/seal";
import type { UserActor } from "../authz";
import { useFreshDatabase } from "../testing/database";
import { createUser } from "../testing/factories";
import { startWebhookTarget, type WebhookTarget } from "../testing/webhook-target";
import { createRequest } from "../requests/create-request";
import { decideRequest, decideRequests } from "../requests/decide-request";
import { cancelRequest } from "../requests/cancel-request";
import { issueDueGrants } from "./issue-due-grants";
import { revokeDueGrants } from "./revoke-due-grants";
import { revokeGrant } from "./revoke-grant";
import { takeCredential } from "./take-credential";
import { extendGrant } from "./extend-grant";
import { forceResolveGrant } from "./force-resolve-grant";
import { REVOKE_MAX_ATTEMPTS } from "./backoff";
import { closeAllDrivers } from "../issuers/registry";
import type { Entitlement, Identity } from "../generated/prisma/client";

const SECRET = "lifecycle-test-hmac-secret";
let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let target: WebhookTarget;
let owner: UserActor, approver: UserActor, approver2: UserActor, security: UserActor, admin: UserActor;
let identity: Identity;
let team: { id: string };

async function entitlement(opts: Partial<Pick<Entitlement, "approvalsRequired" | "securityApprovalRequired" | "breakGlassAllowed" | "maxDurationSec">> = {}) {
  const db = getDb();
  const issuer = await db.issuer.create({
    data: { name: `wh-${Math.random().toString(36).slice(2, 8)}`, type: "webhook", config: { url: target.url, timeoutMs: 2000 }, secretSealed: sealJson({ hmacSecret: SECRET }) },
  });
  return db.entitlement.create({
    data: {
      name: `erp-admin-${Math.random().toString(36).slice(2, 8)}`,
      issuerId: issuer.id,
      target: { system: "erp" },
      environment: "prod",
      riskTier: "medium",
      maxDurationSec: opts.maxDurationSec ?? 3600,
      defaultDurationSec: 900,
      approvalsRequired: opts.approvalsRequired ?? 1,
      securityApprovalRequired: opts.securityApprovalRequired ?? false,
      breakGlassAllowed: opts.breakGlassAllowed ?? false,
    },
  });
}

const ask = (e: { id: string }, extra: Partial<Parameters<typeof createRequest>[0]> = {}) =>
  createRequest({ actor: owner, identityId: identity.id, entitlementId: e.id, durationSec: 900, justification: "rotate the ERP batch keys", ticketRef: "OPS-1", ...extra });

/** Runs the worker's revoke step as if `ms` had passed, until nothing more is due. */
async function revokeAt(ms: number) {
  let n = 0;
  for (;;) {
    const handled = await revokeDueGrants({ db: getDb(), now: new Date(Date.now() + ms) });
    if (handled === 0) return n;
    n += handled;
  }
}

beforeAll(async () => {
  database = await useFreshDatabase();
  target = await startWebhookTarget(SECRET);
  [owner, approver, approver2, security, admin] = await Promise.all([
    createUser(["owner", "requester"]),
    createUser(["approver"]),
    createUser(["approver"]),
    createUser(["security", "approver"]),
    createUser(["admin"]),
  ]);
  team = await getDb().team.create({ data: { name: `team-${Date.now()}`, members: { create: [{ userId: owner.id }] } } });
  identity = await getDb().identity.create({ data: { name: `svc-erp-${Date.now()}`, kind: "service_account", environment: "prod", system: "erp", ownerTeamId: team.id } });
});
afterAll(async () => {
  await closeAllDrivers();
  await target.close();
  await database.drop();
});

describe("requests and separation of duties", () => {
  it("routes a request to approvers and refuses the requester and the identity's owner", async () => {
    const e = await entitlement({ approvalsRequired: 1 });
    const req = await ask(e);
    expect(req.status).toBe("pending");
    await expect(decideRequest({ actor: owner, requestId: req.id, decision: "approve" })).rejects.toMatchObject({ code: "forbidden" });
    const ownerApprover = await createUser(["approver"]);
    const own = await getDb().identity.create({ data: { name: `svc-own-${Date.now()}`, kind: "bot", environment: "prod", system: "erp", ownerUserId: ownerApprover.id, ownerTeamId: team.id } });
    const req2 = await createRequest({ actor: owner, identityId: own.id, entitlementId: e.id, durationSec: 600, justification: "a bot needs the ERP", ticketRef: "OPS-2" });
    await expect(decideRequest({ actor: ownerApprover, requestId: req2.id, decision: "approve" })).rejects.toThrow(/You or your team own this identity/);
    const r = await decideRequest({ actor: approver, requestId: req.id, decision: "approve", comment: "ok" });
    expect(r).toMatchObject({ status: "approved", approvals: 1 });
    expect(await getDb().grant.count({ where: { requestId: req.id, status: "issuing" } })).toBe(1);
  });

  it("needs two approvals, the last from security, for a high-risk entitlement", async () => {
    const e = await entitlement({ approvalsRequired: 2, securityApprovalRequired: true });
    const req = await ask(e);
    expect(await decideRequest({ actor: approver, requestId: req.id, decision: "approve" })).toMatchObject({ status: "pending", approvals: 1 });
    await expect(decideRequest({ actor: approver, requestId: req.id, decision: "approve" })).rejects.toMatchObject({ code: "invalid_state" });
    await expect(decideRequest({ actor: approver2, requestId: req.id, decision: "approve" })).rejects.toThrow(/must come from security/);
    expect(await decideRequest({ actor: security, requestId: req.id, decision: "approve" })).toMatchObject({ status: "approved", approvals: 2 });
  });

  it("makes exactly one grant when many approvers approve at once", async () => {
    const e = await entitlement({ approvalsRequired: 2 });
    const req = await ask(e);
    const approvers = await Promise.all(Array.from({ length: 6 }, () => createUser(["approver"])));
    const results = await Promise.allSettled(approvers.map((a) => decideRequest({ actor: a, requestId: req.id, decision: "approve" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    expect(results.filter((r) => r.status === "rejected").every((r) => (r as PromiseRejectedResult).reason.code === "invalid_state")).toBe(true);
    expect(await getDb().grant.count({ where: { requestId: req.id } })).toBe(1);
  });

  it("denies on one deny, and lets only the requester cancel a pending request", async () => {
    const e = await entitlement({ approvalsRequired: 2 });
    const denied = await ask(e);
    expect(await decideRequest({ actor: approver, requestId: denied.id, decision: "deny", comment: "no ticket" })).toMatchObject({ status: "denied" });
    const pending = await ask(e);
    await expect(cancelRequest({ actor: approver, requestId: pending.id })).rejects.toMatchObject({ code: "forbidden" });
    await cancelRequest({ actor: owner, requestId: pending.id });
    await expect(cancelRequest({ actor: owner, requestId: pending.id })).rejects.toMatchObject({ code: "invalid_state" });
    await expect(decideRequest({ actor: approver, requestId: pending.id, decision: "approve" })).rejects.toMatchObject({ code: "invalid_state" });
  });

  it("refuses a user without the approver role, and bulk decisions report each refusal", async () => {
    const e = await entitlement();
    const a = await ask(e);
    const b = await ask(e);
    await expect(decideRequest({ actor: owner, requestId: a.id, decision: "approve" })).rejects.toMatchObject({ code: "forbidden" });
    const requester = await createUser(["requester"]);
    await expect(decideRequests({ actor: requester, requestIds: [a.id], decision: "approve" })).rejects.toMatchObject({ code: "forbidden" });
    await cancelRequest({ actor: owner, requestId: b.id });
    const results = await decideRequests({ actor: approver, requestIds: [a.id, b.id], decision: "approve", comment: "bulk" });
    expect(results).toEqual([
      { requestId: a.id, ok: true, status: "approved" },
      { requestId: b.id, ok: false, error: "This request is already cancelled" },
    ]);
  });

  it("refuses bad input with clear 4xx errors", async () => {
    const e = await entitlement({ maxDurationSec: 1800 });
    await expect(ask(e, { durationSec: 3600 })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(ask(e, { justification: "why" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(ask({ id: "not-a-uuid" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(ask({ id: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "not_found" });
    await expect(decideRequest({ actor: approver, requestId: "nope", decision: "approve" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(decideRequest({ actor: approver, requestId: "00000000-0000-4000-8000-000000000000", decision: "approve" })).rejects.toMatchObject({ code: "not_found" });
    const stranger = await createUser(["requester"]);
    await expect(createRequest({ actor: stranger, identityId: identity.id, entitlementId: e.id, durationSec: 600, justification: "not my identity at all" })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("grants through a real issuer", () => {
  it("issues, hands the credential over once, and revokes with verification at the end of the window", async () => {
    const e = await entitlement({ approvalsRequired: 0 });
    const req = await ask(e, { durationSec: 600 });
    expect(req.status).toBe("approved");
    expect(await issueDueGrants({ db: getDb() })).toBeGreaterThanOrEqual(1);
    const grant = await getDb().grant.findFirstOrThrow({ where: { requestId: req.id } });
    expect(grant).toMatchObject({ status: "active", issuerRef: `ops-${grant.id}` });
    expect(target.live.has(grant.id)).toBe(true);
    expect(grant.expiresAt.getTime() - grant.issuedAt!.getTime()).toBeGreaterThanOrEqual(599_000);

    expect(await takeCredential({ actor: approver, grantId: grant.id })).toBeNull();
    expect(target.credentials.get(grant.id)).toMatch(/^ops_[\w-]{24}$/);
    expect(await takeCredential({ actor: owner, grantId: grant.id })).toEqual({ type: "webhook", data: { apiKey: target.credentials.get(grant.id) } });
    expect(await takeCredential({ actor: owner, grantId: grant.id })).toBeNull();

    expect(await revokeAt(0)).toBe(0); // not due yet
    await revokeAt(601_000);
    const done = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(done).toMatchObject({ status: "revoked", revokeReason: "expired", lastError: null });
    expect(target.live.has(grant.id)).toBe(false);
    expect(target.calls.filter((c) => c.grantId === grant.id).map((c) => c.event)).toEqual(["grant", "revoke", "verify"]);
    expect(await getDb().auditEvent.count({ where: { subjectId: grant.id, action: { in: ["grant.issued", "grant.revoked", "grant.credential_delivered"] } } })).toBe(3);
  });

  it("climbs the retry ladder while the issuer fails, then succeeds", async () => {
    const e = await entitlement({ approvalsRequired: 0 });
    const req = await ask(e);
    await issueDueGrants({ db: getDb() });
    const grant = await getDb().grant.findFirstOrThrow({ where: { requestId: req.id } });
    target.failTimes.revoke = 3;
    await revokeGrant({ actor: security, grantId: grant.id, comment: "job done" });
    let clock = 0;
    const seen: { status: string; attempts: number; delay: number }[] = [];
    for (let i = 0; i < 4; i++) {
      await revokeDueGrants({ db: getDb(), now: new Date(Date.now() + clock) });
      const g = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } });
      seen.push({ status: g.status, attempts: g.attempts, delay: g.nextAttemptAt ? g.nextAttemptAt.getTime() - Date.now() : 0 });
      clock += 70_000;
    }
    expect(seen.map((s) => [s.status, s.attempts])).toEqual([
      ["revoke_failed", 1],
      ["revoke_failed", 2],
      ["revoke_failed", 3],
      ["revoked", 4],
    ]);
    // Backoff grows: ~0.5 s, ~1 s, ~2 s (±25 %).
    expect(seen[1].delay).toBeGreaterThan(seen[0].delay);
    const failed = await getDb().auditEvent.findMany({ where: { subjectId: grant.id, action: "grant.revoke_failed" } });
    expect(failed).toHaveLength(3);
    expect(String((failed[0].data as { error: string }).error)).toMatch(/500/);
  });

  it("gives up as irrevocable after the last attempt, stays loud, and can be force-resolved by an admin only", async () => {
    const e = await entitlement({ approvalsRequired: 0 });
    const req = await ask(e);
    await issueDueGrants({ db: getDb() });
    const grant = await getDb().grant.findFirstOrThrow({ where: { requestId: req.id } });
    target.failWith.revoke = 503;
    await revokeGrant({ actor: owner, grantId: grant.id, comment: "finished", reason: "early" });
    // Steps past the longest retry delay (60 s + 25 % jitter) on the simulated clock the failures are stamped with.
    for (let i = 0; i < REVOKE_MAX_ATTEMPTS; i++) await revokeDueGrants({ db: getDb(), now: new Date(Date.now() + (i + 1) * 80_000) });
    delete target.failWith.revoke;
    const g = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(g).toMatchObject({ status: "irrevocable", attempts: REVOKE_MAX_ATTEMPTS });
    expect(g.lastError).toMatch(/503/);
    await expect(forceResolveGrant({ actor: security, grantId: grant.id, note: "checked the ERP by hand" })).rejects.toMatchObject({ code: "forbidden" });
    await forceResolveGrant({ actor: admin, grantId: grant.id, note: "removed the ERP key by hand, ticket OPS-9" });
    expect((await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } })).status).toBe("revoked");
    expect(await getDb().auditEvent.count({ where: { subjectId: grant.id, action: "grant.force_resolved" } })).toBe(1);
  });

  it("recovers a crash between the issuer call and the database write without a second privilege", async () => {
    const e = await entitlement({ approvalsRequired: 0 });
    const req = await ask(e);
    const grant = await getDb().grant.findFirstOrThrow({ where: { requestId: req.id } });
    // The crashed worker had claimed the row (lease set) and the issuer had already granted.
    target.live.add(grant.id);
    await getDb().grant.update({ where: { id: grant.id }, data: { attempts: 1, nextAttemptAt: new Date(Date.now() + 30_000) } });
    expect(await issueDueGrants({ db: getDb() })).toBe(0); // leased: nobody else takes it
    expect(await issueDueGrants({ db: getDb(), now: new Date(Date.now() + 31_000) })).toBe(1); // lease over: recovered
    const g = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(g.status).toBe("active");
    const grantsCalls = target.calls.filter((c) => c.grantId === grant.id && c.event === "grant");
    expect(grantsCalls).toHaveLength(1);
    expect(grantsCalls[0].idempotencyKey).toBe(`${grant.id}:grant`);

    // Same for a revoke interrupted mid-way: the leased `revoking` row is taken again after the lease.
    await getDb().grant.update({ where: { id: grant.id }, data: { status: "revoking", revokeReason: "early", attempts: 1, nextAttemptAt: new Date(Date.now() + 30_000) } });
    expect(await revokeDueGrants({ db: getDb() })).toBe(0);
    expect(await revokeDueGrants({ db: getDb(), now: new Date(Date.now() + 31_000) })).toBe(1);
    expect((await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } })).status).toBe("revoked");
  });

  it("never revokes a grant twice when several workers run at once", async () => {
    const e = await entitlement({ approvalsRequired: 0 });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await ask(e, { durationSec: 60 })).grantId!);
    while ((await issueDueGrants({ db: getDb() })) > 0);
    const later = new Date(Date.now() + 61_000);
    await Promise.all([0, 1, 2, 3].map(async () => {
      while ((await revokeDueGrants({ db: getDb(), now: later, limit: 5 })) > 0);
    }));
    expect(await getDb().grant.count({ where: { id: { in: ids }, status: "revoked" } })).toBe(40);
    for (const id of ids) expect(target.calls.filter((c) => c.grantId === id && c.event === "revoke")).toHaveLength(1);
    expect(await getDb().auditEvent.count({ where: { subjectId: { in: ids }, action: "grant.revoked" } })).toBe(40);
  });

  it("extends a grant only through a new decision", async () => {
    const e = await entitlement({ approvalsRequired: 1 });
    const req = await ask(e, { durationSec: 600 });
    await decideRequest({ actor: approver, requestId: req.id, decision: "approve" });
    await issueDueGrants({ db: getDb() });
    const grant = await getDb().grant.findFirstOrThrow({ where: { requestId: req.id } });
    await expect(extendGrant({ actor: approver, grantId: grant.id, durationSec: 600, justification: "need more time please" })).rejects.toMatchObject({ code: "forbidden" });
    const ext = await extendGrant({ actor: owner, grantId: grant.id, durationSec: 600, justification: "the migration runs long" });
    expect(ext.status).toBe("pending");
    expect((await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } })).expiresAt).toEqual(grant.expiresAt);
    await decideRequest({ actor: approver2, requestId: ext.requestId, decision: "approve" });
    const after = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(after.extensions).toBe(1);
    expect(after.expiresAt.getTime()).toBeGreaterThanOrEqual(grant.expiresAt.getTime() + 600_000);
  });

  it("lets an on-call break-glass requester self-approve a short grant and opens a review", async () => {
    const e = await entitlement({ approvalsRequired: 2, breakGlassAllowed: true, maxDurationSec: 4 * 3600 });
    const offCall = await ask(e, { breakGlass: true, durationSec: 600, incidentRef: "INC-6" });
    expect(offCall.status).toBe("denied");
    expect(offCall.decision.reasons).toEqual(["No policy allows break-glass here"]);
    await getDb().user.update({ where: { id: owner.id }, data: { onCall: true } });
    const req = await ask(e, { breakGlass: true, durationSec: 3 * 3600, incidentRef: "INC-7" });
    expect(req.status).toBe("approved");
    const r = await getDb().accessRequest.findUniqueOrThrow({ where: { id: req.id }, include: { review: true, grant: true } });
    expect(r.durationSec).toBe(3600); // capped for break-glass
    expect(r.review?.status).toBe("open");
    expect(r.grant?.breakGlass).toBe(true);
    const plain = await createUser(["requester"]);
    await getDb().teamMember.create({ data: { teamId: team.id, userId: plain.id } });
    await expect(createRequest({ actor: plain, identityId: identity.id, entitlementId: e.id, durationSec: 600, justification: "it is an emergency", breakGlass: true })).rejects.toMatchObject({ code: "forbidden" });
  });
});
