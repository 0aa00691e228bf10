import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { setProcessEnv } from "../env";
import { sealJson } from "../crypto/seal";
import type { UserActor } from "../authz";
import { useFreshDatabase } from "../testing/database";
import { createUser } from "../testing/factories";
import { startWebhookTarget, type WebhookTarget } from "../testing/webhook-target";
import { issueDueGrants } from "../grants/issue-due-grants";
import { revokeDueGrants } from "../grants/revoke-due-grants";
import { revokeGrant } from "../grants/revoke-grant";
import { closeAllDrivers } from "../issuers/registry";
import type { Identity, RiskTier } from "../generated/prisma/client";
import { proposeException } from "./propose-exception";
import { reviewException } from "./review-exception";
import { resubmitException } from "./resubmit-exception";
import { revokeException } from "./revoke-exception";
import { renewException } from "./renew-exception";
import { getException } from "./get-exception";
import { findExceptions } from "./find-exceptions";
import { closeEndedExceptions, nextExceptionCloseDue } from "./close-ended-exceptions";
import { nextExceptionReminderDue, remindExpiringExceptions } from "./remind-expiring-exceptions";
import { maxExceptionDays, exceptionRiskRatings } from "./limits";

const SECRET = "exceptions-test-hmac-secret";
const DAY = 86_400_000;
const UNKNOWN = "00000000-0000-4000-8000-000000000000";
let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let target: WebhookTarget;
let owner: UserActor, teammate: UserActor, stranger: UserActor, security: UserActor, security2: UserActor, admin: UserActor, approver: UserActor, requester: UserActor;
let team: { id: string };

const suffix = () => Math.random().toString(36).slice(2, 8);
const inDays = (d: number) => new Date(Date.now() + d * DAY);

async function entitlement(riskTier: RiskTier = "medium", environment: "prod" | "dev" = "prod") {
  const db = getDb();
  const issuer = await db.issuer.create({
    data: { name: `wh-${suffix()}`, type: "webhook", config: { url: target.url, timeoutMs: 2000 }, secretSealed: sealJson({ hmacSecret: SECRET }) },
  });
  return db.entitlement.create({
    data: { name: `ledger-read-${suffix()}`, issuerId: issuer.id, target: { system: "ledger" }, environment, riskTier, maxDurationSec: 3600, defaultDurationSec: 900 },
  });
}

async function identity(extra: Partial<Pick<Identity, "ownerUserId" | "status" | "environment">> = {}) {
  return getDb().identity.create({ data: { name: `svc-ledger-${suffix()}`, kind: "service_account", environment: "prod", system: "ledger", ownerTeamId: team.id, ...extra } });
}

type ProposeArgs = Parameters<typeof proposeException>[0];
async function proposal(extra: Partial<ProposeArgs> = {}) {
  const [i, e] = await Promise.all([extra.identityId ? null : identity(), extra.entitlementId ? null : entitlement()]);
  return proposeException({
    actor: owner,
    identityId: i?.id ?? extra.identityId!,
    entitlementId: e?.id ?? extra.entitlementId!,
    justification: "The nightly ledger export reads continuously between 01:00 and 05:00",
    riskRating: "medium",
    compensatingControls: "Read-only role; every statement is logged to the SIEM",
    requestedEndAt: inDays(10),
    reviewCadenceDays: 7,
    ...extra,
  });
}

async function accepted(extra: Partial<ProposeArgs> = {}) {
  const p = await proposal(extra);
  const r = await reviewException({ actor: security, exceptionId: p.id, decision: "accept", comment: "controls are adequate" });
  return { id: p.id, grantId: r.grantId! };
}

/** Runs the worker's issue and revoke steps as if `ms` had passed, until nothing more is due. */
async function workerAt(ms: number) {
  const now = new Date(Date.now() + ms);
  while ((await issueDueGrants({ db: getDb(), now })) + (await revokeDueGrants({ db: getDb(), now })) > 0);
}

const row = (id: string) => getDb().exception.findUniqueOrThrow({ where: { id }, include: { grant: true } });

beforeAll(async () => {
  database = await useFreshDatabase();
  target = await startWebhookTarget(SECRET);
  [owner, teammate, stranger, security, security2, admin, approver, requester] = await Promise.all([
    createUser(["owner", "requester"]),
    createUser(["owner"]),
    createUser(["owner", "requester"]),
    createUser(["security", "approver"]),
    createUser(["security"]),
    createUser(["admin"]),
    createUser(["approver"]),
    createUser(["requester"]),
  ]);
  team = await getDb().team.create({ data: { name: `team-${suffix()}`, members: { create: [{ userId: owner.id }, { userId: teammate.id }] } } });
});
afterAll(async () => {
  await closeAllDrivers();
  await target.close();
  await database.drop();
});

describe("separation of duties", () => {
  it("refuses self-acceptance, and nothing is granted", async () => {
    const p = await proposal({ actor: admin });
    await expect(reviewException({ actor: admin, exceptionId: p.id, decision: "accept" })).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/your own proposal/) });
    await expect(reviewException({ actor: admin, exceptionId: p.id, decision: "reject", comment: "never mind" })).rejects.toMatchObject({ code: "forbidden" });
    const e = await row(p.id);
    expect(e).toMatchObject({ status: "proposed", acceptedById: null, grant: null });
    // Someone else may.
    await expect(reviewException({ actor: security, exceptionId: p.id, decision: "accept" })).resolves.toMatchObject({ status: "accepted" });
    expect((await row(p.id)).acceptedById).toBe(security.id);
  });

  it("refuses the proposer's team, approvers and owners without the review permission", async () => {
    const p = await proposal();
    for (const actor of [owner, teammate, approver, requester]) {
      await expect(reviewException({ actor, exceptionId: p.id, decision: "accept" })).rejects.toMatchObject({ code: "forbidden" });
    }
    expect((await row(p.id)).status).toBe("proposed");
  });

  it("refuses a reviewer who owns the identity directly", async () => {
    const i = await identity({ ownerUserId: security2.id });
    const p = await proposal({ identityId: i.id });
    await expect(reviewException({ actor: security2, exceptionId: p.id, decision: "accept" })).rejects.toThrow(/You or your team own this identity/);
    await expect(reviewException({ actor: security, exceptionId: p.id, decision: "accept" })).resolves.toMatchObject({ status: "accepted" });
  });

  it("lets only people who operate the identity (or security/admin) propose", async () => {
    const i = await identity();
    const e = await entitlement();
    await expect(proposal({ actor: stranger, identityId: i.id, entitlementId: e.id })).rejects.toMatchObject({ code: "forbidden" });
    await expect(proposal({ actor: requester, identityId: i.id, entitlementId: e.id })).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/exception:propose/) });
    await expect(proposal({ actor: teammate, identityId: i.id, entitlementId: e.id })).resolves.toMatchObject({ status: "proposed" });
  });

  it("shows review controls to reviewers only, never on their own proposal", async () => {
    const p = await proposal({ actor: admin });
    expect((await getException({ actor: owner, exceptionId: p.id })).may).toMatchObject({ accept: false, reject: false, requestChanges: false });
    expect((await getException({ actor: admin, exceptionId: p.id })).may).toMatchObject({ accept: false, reject: false });
    expect((await getException({ actor: security, exceptionId: p.id })).may).toMatchObject({ accept: true, reject: true, requestChanges: true });
    await expect(getException({ actor: approver, exceptionId: p.id })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("maximum durations", () => {
  it.each(exceptionRiskRatings.map((r) => [r, maxExceptionDays[r]] as const))("allows a %s-risk exception at most %i days", async (rating, days) => {
    const e = await entitlement("low");
    const i = await identity();
    const tooLong = proposal({ identityId: i.id, entitlementId: e.id, riskRating: rating, requestedEndAt: new Date(Date.now() + days * DAY + 3_600_000) });
    await expect(tooLong).rejects.toMatchObject({ code: "validation_failed", details: { fields: { requestedEndAt: expect.stringContaining(`at most ${days} days`) } } });
    const ok = await proposal({ identityId: i.id, entitlementId: e.id, riskRating: rating, requestedEndAt: new Date(Date.now() + days * DAY - 60_000) });
    expect(ok.status).toBe("proposed");
  });

  it("uses the table: low 180, medium 90, high 30, critical 14 days", () => {
    expect(maxExceptionDays).toEqual({ low: 180, medium: 90, high: 30, critical: 14 });
  });

  it("refuses a rating below the entitlement's own risk tier (so the limit cannot be dodged)", async () => {
    const e = await entitlement("high");
    await expect(proposal({ entitlementId: e.id, riskRating: "medium", requestedEndAt: inDays(60) })).rejects.toMatchObject({
      code: "validation_failed",
      details: { fields: { riskRating: expect.stringContaining("high or higher") } },
    });
    await expect(proposal({ entitlementId: e.id, riskRating: "high", requestedEndAt: inDays(60) })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(proposal({ entitlementId: e.id, riskRating: "high", requestedEndAt: inDays(29) })).resolves.toMatchObject({ status: "proposed" });
  });
});

describe("bad input", () => {
  it("refuses malformed or unknown proposals with clear 4xx errors", async () => {
    const i = await identity();
    const e = await entitlement();
    const at = (extra: Partial<ProposeArgs>) => proposal({ identityId: i.id, entitlementId: e.id, ...extra });
    await expect(at({ identityId: "not-a-uuid" })).rejects.toMatchObject({ code: "validation_failed", details: { fields: { identityId: "Choose an identity" } } });
    await expect(at({ entitlementId: "" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(at({ identityId: UNKNOWN })).rejects.toMatchObject({ code: "not_found", message: "Identity not found" });
    await expect(at({ entitlementId: UNKNOWN })).rejects.toMatchObject({ code: "not_found", message: "Entitlement not found" });
    await expect(at({ requestedEndAt: new Date(Date.now() - 60_000) })).rejects.toMatchObject({ code: "validation_failed", message: "The end date must be in the future" });
    await expect(at({ requestedEndAt: "next tuesday" as unknown as Date })).rejects.toMatchObject({ code: "validation_failed", details: { fields: { requestedEndAt: "Give the end as a date and time" } } });
    await expect(at({ justification: "needs it" })).rejects.toMatchObject({ code: "validation_failed", details: { fields: { justification: expect.stringContaining("at least 20") } } });
    await expect(at({ compensatingControls: "" })).rejects.toMatchObject({ code: "validation_failed", details: { fields: { compensatingControls: expect.any(String) } } });
    await expect(at({ riskRating: "extreme" as RiskTier })).rejects.toMatchObject({ code: "validation_failed", details: { fields: { riskRating: expect.any(String) } } });
    await expect(at({ reviewCadenceDays: 0 })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(at({ reviewCadenceDays: 365 })).rejects.toMatchObject({ code: "validation_failed" });
    expect(await getDb().exception.count({ where: { identityId: i.id } })).toBe(0);
  });

  it("refuses an entitlement of another environment, an inactive identity, and a duplicate", async () => {
    const dev = await entitlement("medium", "dev");
    await expect(proposal({ entitlementId: dev.id })).rejects.toMatchObject({ code: "validation_failed", message: expect.stringContaining("is for dev") });
    const quarantined = await identity({ status: "quarantined" });
    await expect(proposal({ identityId: quarantined.id })).rejects.toMatchObject({ code: "invalid_state" });
    const i = await identity();
    const e = await entitlement();
    await proposal({ identityId: i.id, entitlementId: e.id });
    await expect(proposal({ identityId: i.id, entitlementId: e.id })).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining("already under review") });
  });

  it("refuses malformed or unknown reviews, revokes, renewals and reads", async () => {
    const p = await proposal();
    await expect(reviewException({ actor: security, exceptionId: "nope", decision: "accept" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(reviewException({ actor: security, exceptionId: UNKNOWN, decision: "accept" })).rejects.toMatchObject({ code: "not_found" });
    await expect(reviewException({ actor: security, exceptionId: p.id, decision: "maybe" as "accept" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(reviewException({ actor: security, exceptionId: p.id, decision: "reject" })).rejects.toMatchObject({ code: "validation_failed", details: { fields: { comment: "Say why it is rejected" } } });
    await expect(reviewException({ actor: security, exceptionId: p.id, decision: "request_changes", comment: "" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(revokeException({ actor: security, exceptionId: "nope", comment: "done" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(revokeException({ actor: security, exceptionId: UNKNOWN, comment: "done" })).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeException({ actor: security, exceptionId: p.id, comment: "" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(revokeException({ actor: security, exceptionId: p.id, comment: "not accepted yet" })).rejects.toMatchObject({ code: "invalid_state" });
    await expect(renewException({ actor: owner, exceptionId: "nope", requestedEndAt: inDays(5) })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(renewException({ actor: owner, exceptionId: UNKNOWN, requestedEndAt: inDays(5) })).rejects.toMatchObject({ code: "not_found" });
    await expect(resubmitException({ actor: owner, exceptionId: UNKNOWN, justification: "x".repeat(30), riskRating: "medium", compensatingControls: "read-only role", requestedEndAt: inDays(5) })).rejects.toMatchObject({ code: "not_found" });
    await expect(getException({ actor: owner, exceptionId: "nope" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(getException({ actor: owner, exceptionId: UNKNOWN })).rejects.toMatchObject({ code: "not_found" });
    expect((await row(p.id)).status).toBe("proposed");
  });
});

describe("the standing grant", () => {
  it("is issued through the issuer on acceptance and revoked by the worker at the end; the exception expires", async () => {
    const end = new Date(Date.now() + 3000);
    const p = await proposal({ requestedEndAt: end });
    const r = await reviewException({ actor: security, exceptionId: p.id, decision: "accept", comment: "ok until the migration lands" });
    let e = await row(p.id);
    expect(e).toMatchObject({ status: "accepted", acceptedById: security.id, reviewedById: security.id, expiresAt: end, reviewComment: "ok until the migration lands" });
    expect(e.grant).toMatchObject({ id: r.grantId, status: "issuing", exceptionId: p.id, identityId: e.identityId, entitlementId: e.entitlementId, expiresAt: end, requestId: null });

    await workerAt(0);
    e = await row(p.id);
    expect(e.grant).toMatchObject({ status: "active", issuerRef: `ops-${r.grantId}`, expiresAt: end });
    expect(target.live.has(r.grantId!)).toBe(true);
    expect((await nextExceptionCloseDue(getDb()))!.getTime()).toBeLessThanOrEqual(end.getTime() + 1000);
    expect(await closeEndedExceptions({ db: getDb() })).toBe(0);

    // Past the end, before the worker revoked: overdue, shown with its grant's state.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, end.getTime() - Date.now() + 50)));
    const overdue = await findExceptions({ actor: security, params: { page: 1, size: 100, sort: "expiresAt", dir: "asc" }, filters: { view: "overdue" } });
    expect(overdue.rows.find((x) => x.id === p.id)).toMatchObject({ status: "accepted", grantStatus: "active" });

    await workerAt(0);
    e = await row(p.id);
    expect(e.grant).toMatchObject({ status: "revoked", revokeReason: "exception_ended", lastError: null });
    expect(target.live.has(r.grantId!)).toBe(false);
    expect(target.calls.filter((c) => c.grantId === r.grantId).map((c) => c.event)).toEqual(["grant", "revoke", "verify"]);

    expect(await closeEndedExceptions({ db: getDb() })).toBeGreaterThanOrEqual(1);
    e = await row(p.id);
    expect(e).toMatchObject({ status: "expired", endedAt: e.grant!.revokedAt });
    expect(await closeEndedExceptions({ db: getDb() })).toBe(0);
    const after = await findExceptions({ actor: security, params: { page: 1, size: 100, sort: "expiresAt", dir: "asc" }, filters: { view: "overdue" } });
    expect(after.rows.map((x) => x.id)).not.toContain(p.id);
    const actions = (await getException({ actor: owner, exceptionId: p.id })).history.map((h) => h.action);
    expect(actions).toEqual(["exception.proposed", "exception.accepted", "grant.issued", "grant.revoked", "exception.expired"]);
  });

  it("is revoked early by security, and the exception closes as revoked", async () => {
    const a = await accepted();
    await workerAt(0);
    await expect(revokeException({ actor: approver, exceptionId: a.id, comment: "not mine" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(revokeException({ actor: stranger, exceptionId: a.id, comment: "not mine" })).rejects.toMatchObject({ code: "forbidden" });
    await revokeException({ actor: security, exceptionId: a.id, comment: "vendor integration retired" });
    let e = await row(a.id);
    expect(e).toMatchObject({ status: "accepted", revokedById: security.id, revokeComment: "vendor integration retired" });
    expect(e.grant).toMatchObject({ status: "revoking", revokeReason: "exception_ended", revokeComment: "vendor integration retired" });
    await expect(revokeException({ actor: security, exceptionId: a.id, comment: "again" })).rejects.toMatchObject({ code: "invalid_state" });
    await workerAt(0);
    expect(await closeEndedExceptions({ db: getDb() })).toBeGreaterThanOrEqual(1);
    e = await row(a.id);
    expect(e).toMatchObject({ status: "revoked", grant: { status: "revoked", revokeReason: "exception_ended" } });
    expect(target.live.has(a.grantId)).toBe(false);
    // The old end date is untouched: ending early is not an edit of the exception.
    expect(e.expiresAt).toEqual(e.requestedEndAt);
  });

  it("lets the proposer give up their own standing access, even before it was issued", async () => {
    const a = await accepted();
    await revokeException({ actor: owner, exceptionId: a.id, comment: "job moved to JIT requests" });
    expect((await row(a.id)).grant?.status).toBe("revoking");
    await workerAt(0);
    await closeEndedExceptions({ db: getDb() });
    expect(await row(a.id)).toMatchObject({ status: "revoked", grant: { status: "revoked" } });
  });

  it("closes the exception as revoked when its grant is revoked in an emergency", async () => {
    const a = await accepted();
    await workerAt(0);
    await revokeGrant({ actor: security, grantId: a.grantId, reason: "emergency", comment: "credential leaked" });
    await workerAt(0);
    await closeEndedExceptions({ db: getDb() });
    expect(await row(a.id)).toMatchObject({ status: "revoked", grant: { status: "revoked", revokeReason: "emergency" } });
  });
});

describe("review flow", () => {
  it("asks for changes, takes a resubmission from the proposer only, then accepts", async () => {
    const p = await proposal();
    await reviewException({ actor: security, exceptionId: p.id, decision: "request_changes", comment: "Add a row cap and an alert" });
    expect(await row(p.id)).toMatchObject({ status: "changes_requested", reviewedById: security.id, reviewComment: "Add a row cap and an alert", grant: null });
    await expect(reviewException({ actor: security, exceptionId: p.id, decision: "accept" })).rejects.toMatchObject({ code: "invalid_state" });
    const edit = { exceptionId: p.id, justification: "The nightly ledger export reads continuously, capped at 10k rows", riskRating: "high" as const, compensatingControls: "Read-only role; 10k row cap; alert on volume", requestedEndAt: inDays(20) };
    await expect(resubmitException({ actor: teammate, ...edit })).rejects.toMatchObject({ code: "forbidden" });
    await expect(resubmitException({ actor: owner, ...edit, requestedEndAt: inDays(31) })).rejects.toMatchObject({ code: "validation_failed" });
    await resubmitException({ actor: owner, ...edit });
    await expect(resubmitException({ actor: owner, ...edit })).rejects.toMatchObject({ code: "invalid_state" });
    expect(await row(p.id)).toMatchObject({ status: "proposed", riskRating: "high", compensatingControls: "Read-only role; 10k row cap; alert on volume" });
    await reviewException({ actor: security2, exceptionId: p.id, decision: "accept" });
    expect(await row(p.id)).toMatchObject({ status: "accepted", acceptedById: security2.id });
  });

  it("rejects, and a rejected exception cannot be accepted or renewed", async () => {
    const p = await proposal();
    await reviewException({ actor: security, exceptionId: p.id, decision: "reject", comment: "Use JIT requests instead" });
    expect(await row(p.id)).toMatchObject({ status: "rejected", grant: null });
    await expect(reviewException({ actor: security2, exceptionId: p.id, decision: "accept" })).rejects.toMatchObject({ code: "invalid_state" });
    await expect(renewException({ actor: owner, exceptionId: p.id, requestedEndAt: inDays(5) })).rejects.toMatchObject({ code: "invalid_state" });
  });

  it("refuses to accept a proposal that breaks the rules today (longer than its rating allows, rated below the entitlement)", async () => {
    const tooLong = await proposal({ riskRating: "high", requestedEndAt: inDays(20) });
    // Written past the domain, as imported or legacy data could be.
    await getDb().exception.update({ where: { id: tooLong.id }, data: { requestedEndAt: inDays(45) } });
    await expect(reviewException({ actor: security, exceptionId: tooLong.id, decision: "accept" })).rejects.toMatchObject({
      code: "invalid_state",
      message: expect.stringMatching(/at most 30 days .*ask for changes/),
    });
    expect((await getException({ actor: security, exceptionId: tooLong.id })).ruleProblem).toMatch(/at most 30 days/);
    const e = await entitlement("high");
    const underRated = await proposal({ entitlementId: e.id, riskRating: "high", requestedEndAt: inDays(20) });
    await getDb().exception.update({ where: { id: underRated.id }, data: { riskRating: "low" } });
    await expect(reviewException({ actor: security, exceptionId: underRated.id, decision: "accept" })).rejects.toMatchObject({ code: "invalid_state" });
    expect(await getDb().grant.count({ where: { exceptionId: { in: [tooLong.id, underRated.id] } } })).toBe(0);
    await expect(reviewException({ actor: security, exceptionId: tooLong.id, decision: "request_changes", comment: "30 days at most for high risk" })).resolves.toMatchObject({ status: "changes_requested" });
  });

  it("refuses to accept a proposal whose end date has passed while it waited", async () => {
    const p = await proposal({ requestedEndAt: new Date(Date.now() + 300) });
    await new Promise((r) => setTimeout(r, 400));
    await expect(reviewException({ actor: security, exceptionId: p.id, decision: "accept" })).rejects.toMatchObject({ code: "invalid_state", message: expect.stringContaining("end date has passed") });
  });
});

describe("renewal", () => {
  it("is a new proposal reviewed on its own; the old exception keeps its end date", async () => {
    const a = await accepted({ requestedEndAt: inDays(10) });
    await workerAt(0);
    const before = await row(a.id);

    await expect(renewException({ actor: stranger, exceptionId: a.id, requestedEndAt: inDays(40) })).rejects.toMatchObject({ code: "forbidden" });
    await expect(renewException({ actor: owner, exceptionId: a.id, requestedEndAt: inDays(120) })).rejects.toMatchObject({ code: "validation_failed", message: expect.stringContaining("at most 90 days") });
    const renewal = await renewException({ actor: owner, exceptionId: a.id, requestedEndAt: inDays(40), justification: "Still needed until the per-run JIT flow ships in DATA-812" });
    expect(renewal).toMatchObject({ status: "proposed", renewalOfId: a.id });
    expect(renewal.id).not.toBe(a.id);
    const r = await row(renewal.id);
    expect(r).toMatchObject({ renewalOfId: a.id, status: "proposed", riskRating: before.riskRating, compensatingControls: before.compensatingControls, identityId: before.identityId, entitlementId: before.entitlementId, grant: null });

    // Nothing about the old one moved.
    const old = await row(a.id);
    expect(old).toMatchObject({ status: "accepted", expiresAt: before.expiresAt, requestedEndAt: before.requestedEndAt, grant: { status: "active", expiresAt: before.grant!.expiresAt } });

    await expect(renewException({ actor: owner, exceptionId: a.id, requestedEndAt: inDays(40) })).rejects.toMatchObject({ code: "conflict" });
    await expect(proposal({ identityId: before.identityId, entitlementId: before.entitlementId })).rejects.toMatchObject({ code: "conflict" });
    expect((await getException({ actor: owner, exceptionId: a.id })).may.renew).toBe(false);

    await reviewException({ actor: security, exceptionId: renewal.id, decision: "accept" });
    await workerAt(0);
    const grants = await getDb().grant.findMany({ where: { identityId: before.identityId, entitlementId: before.entitlementId }, orderBy: { createdAt: "asc" } });
    expect(grants.map((g) => [g.exceptionId, g.status])).toEqual([
      [a.id, "active"],
      [renewal.id, "active"],
    ]);
    expect(grants[0].expiresAt).toEqual(before.grant!.expiresAt);

    // At the old end only the old grant ends; the renewal carries on.
    await workerAt(10 * DAY + 1000);
    await closeEndedExceptions({ db: getDb() });
    expect(await row(a.id)).toMatchObject({ status: "expired", grant: { status: "revoked", revokeReason: "exception_ended" } });
    expect(await row(renewal.id)).toMatchObject({ status: "accepted", grant: { status: "active" } });
    await expect(renewException({ actor: owner, exceptionId: a.id, requestedEndAt: inDays(30) })).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining("newer accepted") });
    const audit = await getDb().auditEvent.findMany({ where: { subjectId: { in: [a.id, renewal.id] }, action: { startsWith: "exception.renewal" } } });
    expect(audit.map((x) => x.action).sort()).toEqual(["exception.renewal_proposed", "exception.renewal_requested"]);
  });

  it("renews an expired exception, and the renewal cannot be accepted by its own proposer", async () => {
    const a = await accepted({ actor: admin, requestedEndAt: inDays(3) });
    await workerAt(3 * DAY + 1000);
    await closeEndedExceptions({ db: getDb() });
    expect((await row(a.id)).status).toBe("expired");
    const renewal = await renewException({ actor: admin, exceptionId: a.id, requestedEndAt: inDays(30) });
    await expect(reviewException({ actor: admin, exceptionId: renewal.id, decision: "accept" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(reviewException({ actor: security, exceptionId: renewal.id, decision: "accept" })).resolves.toMatchObject({ status: "accepted" });
  });
});

describe("reminders", () => {
  beforeAll(() => setProcessEnv({ HOURGLASS_NOTIFY_URL: "http://127.0.0.1:9/notify" }));
  afterAll(() => setProcessEnv({ HOURGLASS_NOTIFY_URL: undefined }));

  const notices = async (id: string) =>
    (await getDb().notificationDelivery.findMany({ where: { event: "exception.expiring" }, orderBy: { createdAt: "asc" } })).filter((n) => JSON.stringify(n.payload).includes(id));

  it("reminds 7 days and 1 day before the end, once per threshold", async () => {
    const a = await accepted({ requestedEndAt: inDays(10) });
    const end = (await row(a.id)).expiresAt!;
    const at = (ms: number) => remindExpiringExceptions({ db: getDb(), now: new Date(end.getTime() - ms) });

    await at(8 * DAY);
    expect(await notices(a.id)).toHaveLength(0);
    expect((await nextExceptionReminderDue(getDb()))!.getTime()).toBeLessThanOrEqual(end.getTime() - 7 * DAY);

    await at(7 * DAY - 60_000);
    await at(7 * DAY - 120_000);
    await at(2 * DAY);
    let sent = await notices(a.id);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0].payload)).toContain("within 7 days");
    expect((await row(a.id)).reminded7dAt).not.toBeNull();

    await at(DAY - 60_000);
    await at(3_600_000);
    sent = await notices(a.id);
    expect(sent).toHaveLength(2);
    expect(JSON.stringify(sent[1].payload)).toContain("within a day");
    expect(sent[1].payload).toMatchObject({ hourglass: { event: "exception.expiring", severity: "warning" } });
    expect(await getDb().auditEvent.count({ where: { subjectId: a.id, action: "exception.reminded" } })).toBe(2);
  });

  it("sends only the 1-day reminder when accepted with less than a day left, and none after an early revoke", async () => {
    const a = await accepted({ requestedEndAt: new Date(Date.now() + 12 * 3_600_000) });
    await remindExpiringExceptions({ db: getDb() });
    await remindExpiringExceptions({ db: getDb(), now: new Date(Date.now() + 3_600_000) });
    const sent = await notices(a.id);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0].payload)).toContain("within a day");
    const e = await row(a.id);
    expect(e.reminded1dAt).not.toBeNull();
    expect(e.reminded7dAt).not.toBeNull();

    const b = await accepted({ requestedEndAt: inDays(5) });
    await revokeException({ actor: security, exceptionId: b.id, comment: "no longer needed" });
    await remindExpiringExceptions({ db: getDb() });
    expect(await notices(b.id)).toHaveLength(0);
  });
});
