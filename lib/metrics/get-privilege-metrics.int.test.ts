import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import type { UserActor } from "../authz";
import { AppError } from "../errors";
import { useFreshDatabase } from "../testing/database";
import { createIdentity, createIssuerAndEntitlement, createUser } from "../testing/factories";
import { getPrivilegeMetrics } from "./get-privilege-metrics";
import { getPrometheusMetrics } from "./get-prometheus-metrics";
import { spawnSync } from "node:child_process";
import { CANARY_IDENTITY } from "../drills/canary";

// Known grants, requests and exceptions on a fixed clock; every metric is asserted exactly.

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let security: UserActor;
let prodIssuer = "", devIssuer = "";
const now = new Date("2026-06-10T12:00:00Z");
const at = (hhmmss: string, day = "2026-06-09") => new Date(`${day}T${hhmmss}Z`);
const range = { from: "2026-06-09T00:00:00Z", to: "2026-06-10T00:00:00Z" };

beforeAll(async () => {
  database = await useFreshDatabase();
  security = await createUser(["security"]);
  const approver = await createUser(["approver"]);
  const db = getDb();
  const owned = await createIdentity({ ownerUserId: security.id, environment: "prod" });
  await db.identity.update({ where: { id: owned.id }, data: { lastAttestedAt: new Date(now.getTime() - 86400_000) } });
  const unowned = await createIdentity();
  const prod = await createIssuerAndEntitlement({ environment: "prod", riskTier: "high" });
  const dev = await createIssuerAndEntitlement({ environment: "dev" });

  async function grant(o: {
    identityId: string; ent: typeof prod; created: Date; decided: Date; approvedBy?: string; durationSec: number;
    issued: Date; expires: Date; revoked?: Date; reason?: "expired" | "early"; used?: boolean;
  }) {
    const r = await db.accessRequest.create({
      data: {
        identityId: o.identityId, entitlementId: o.ent.entitlement.id, requesterUserId: security.id, durationSec: o.durationSec,
        justification: "metrics test", status: "approved", environment: o.ent.entitlement.environment, riskTier: o.ent.entitlement.riskTier,
        identityKind: "service_account", createdAt: o.created, decidedAt: o.decided, expiresAt: o.expires,
      },
    });
    if (o.approvedBy) await db.approval.create({ data: { requestId: r.id, approverId: o.approvedBy, decision: "approve" } });
    return db.grant.create({
      data: {
        requestId: r.id, identityId: o.identityId, entitlementId: o.ent.entitlement.id, issuerId: o.ent.issuer.id,
        status: o.revoked ? "revoked" : "active", issuedAt: o.issued, expiresAt: o.expires, revokedAt: o.revoked, revokeReason: o.reason,
        useCount: o.used ? 1 : 0,
      },
    });
  }
  // Revoked 3 s after its hour ended, used, auto-approved.
  await grant({ identityId: owned.id, ent: prod, created: at("01:59:00"), decided: at("02:00:00"), durationSec: 3600, issued: at("02:00:00"), expires: at("03:00:00"), revoked: at("03:00:03"), reason: "expired", used: true });
  // Ended early after 30 minutes, never used, approved by a person after an hour.
  await grant({ identityId: unowned.id, ent: dev, created: at("04:00:00"), decided: at("05:00:00"), approvedBy: approver.id, durationSec: 3600, issued: at("05:00:00"), expires: at("06:00:00"), revoked: at("05:30:00"), reason: "early" });
  // Still live, its window reaching past the range: one hour counts inside it.
  await grant({ identityId: unowned.id, ent: dev, created: at("22:00:00"), decided: at("23:00:00"), approvedBy: approver.id, durationSec: 7200, issued: at("23:00:00"), expires: at("01:00:00", "2026-06-10") });
  // Standing access: an accepted exception whose grant was issued before the range and lives on.
  const ex = await db.exception.create({
    data: {
      identityId: owned.id, entitlementId: prod.entitlement.id, justification: "legacy batch", riskRating: "high", proposedById: security.id,
      status: "accepted", requestedEndAt: at("00:00:00", "2026-06-15"), expiresAt: at("00:00:00", "2026-06-15"),
    },
  });
  await db.grant.create({ data: { exceptionId: ex.id, identityId: owned.id, entitlementId: prod.entitlement.id, issuerId: prod.issuer.id, status: "active", issuedAt: at("00:00:00", "2026-06-08"), expiresAt: at("00:00:00", "2026-06-15") } });
  // Revocation drills: canary grants on the canary identity, which no number above may count —
  // one revoked 5 s after its window, one whose revoke failed and is still live.
  const canary = await db.identity.create({ data: { name: CANARY_IDENTITY, kind: "bot", environment: "dev", system: "hourglass" } });
  await db.grant.create({ data: { drill: true, identityId: canary.id, entitlementId: prod.entitlement.id, issuerId: prod.issuer.id, status: "revoked", issuedAt: at("10:00:00"), expiresAt: at("10:10:00"), revokedAt: at("10:10:05"), revokeReason: "expired" } });
  await db.grant.create({ data: { drill: true, identityId: canary.id, entitlementId: dev.entitlement.id, issuerId: dev.issuer.id, status: "revoke_failed", issuedAt: at("11:00:00"), expiresAt: at("11:10:00"), revokeReason: "early" } });
  // The last drill of each issuer: prod's failed after an earlier pass, dev's passed.
  const run = (issuerId: string, ok: boolean, finished: string, timeToRevokeMs: number | null) =>
    db.drillRun.create({ data: { issuerId, trigger: "schedule", ok, timeToRevokeMs, steps: [], error: ok ? null : "verify: still live", startedAt: new Date(at(finished).getTime() - 1500), finishedAt: at(finished) } });
  await run(prod.issuer.id, true, "09:00:00", 120);
  await run(prod.issuer.id, false, "10:00:00", null);
  await run(dev.issuer.id, true, "10:30:00", 250);
  prodIssuer = prod.issuer.name;
  devIssuer = dev.issuer.name;
});
afterAll(() => database.drop());

describe("privilege metrics", () => {
  it("computes each number exactly from the rows in the range", async () => {
    const m = await getPrivilegeMetrics({ actor: security, query: range, now });
    expect(m.bucket).toBe("hour");
    expect(m.grantsIssued).toBe(3);
    expect(m.privilegeHours).toBe(2.5008); // 1 h 3 s + 30 min + 1 h
    expect(m.standingPrivilegeHours).toBe(24);
    expect(m.outlived).toEqual({ count: 1, totalSeconds: 3, maxSeconds: 3 });
    expect(m.revocationLagSeconds).toMatchObject({ p50: 3, p95: 3, max: 3 });
    expect(m.revocationLagSeries).toEqual([{ bucket: "2026-06-09T03:00:00.000Z", count: 1, p50: 3, p95: 3, max: 3 }]);
    // The drill grant revoked 5 s after its window (10:10) is in no bucket.
    expect(m.outlivedSeries).toEqual([{ bucket: "2026-06-09T03:00:00.000Z", count: 1, totalSeconds: 3, maxSeconds: 3 }]);
    expect(m.endedEarly).toBe(1);
    expect(m.endedEarlyShare).toBe(0.5);
    expect(m.usedShare).toBeCloseTo(1 / 3, 10);
    expect(m.unused).toEqual({ count: 2, privilegeHours: 13.5 }); // 30 min + 13 h live until now
    expect(m.approvalLatencySeconds).toEqual({ p50: 3600, p95: 3600, decided: 3 });
    expect(m.autoApprovedShare).toBeCloseTo(1 / 3, 10);
    // One decision a minute after its request, by policy alone; two by a person after an hour.
    expect(m.approvalLatencySeries).toEqual([
      { bucket: "2026-06-09T02:00:00.000Z", decided: 1, auto: 1, p50: 60, p95: 60 },
      { bucket: "2026-06-09T05:00:00.000Z", decided: 1, auto: 0, p50: 3600, p95: 3600 },
      { bucket: "2026-06-09T23:00:00.000Z", decided: 1, auto: 0, p50: 3600, p95: 3600 },
    ]);
    expect(m.exceptions).toEqual({ active: 1, expiringIn7Days: 1, overdue: 0 });
    expect(m.identities).toEqual({ active: 2, unowned: 1, unattested: 1 });
    expect(m.durationDistribution.find((b) => b.bin === "1–4 h")).toMatchObject({ requested: 3, held: 1 });
    expect(m.durationDistribution.find((b) => b.bin === "30–60 min")).toMatchObject({ requested: 0, held: 1 });
    const jit = m.privilegeHoursSeries.filter((p) => p.kind === "jit");
    expect(jit.find((p) => p.bucket === "2026-06-09T02:00:00.000Z")?.hours).toBe(1);
    expect(jit.find((p) => p.bucket === "2026-06-09T03:00:00.000Z")?.hours).toBe(0.0008);
    // Never used: the grant ended early after 30 minutes and the live one's hour in the range.
    expect(jit.filter((p) => p.unusedHours > 0).map((p) => [p.bucket, p.unusedHours])).toEqual([
      ["2026-06-09T05:00:00.000Z", 0.5],
      ["2026-06-09T23:00:00.000Z", 1],
    ]);
    expect(jit.find((p) => p.bucket === "2026-06-09T02:00:00.000Z")?.unusedHours).toBe(0);
    expect(m.privilegeHoursSeries.filter((p) => p.kind === "standing")).toHaveLength(24);
  });

  it("splits the series by the chosen breakdown", async () => {
    const m = await getPrivilegeMetrics({ actor: security, query: { ...range, by: "environment" }, now });
    const sum = (key: string) => m.privilegeHoursSeries.filter((p) => p.kind === "jit" && p.key === key).reduce((s, p) => s + p.hours, 0);
    expect(sum("prod")).toBeCloseTo(1 + 3 / 3600, 3);
    expect(sum("dev")).toBeCloseTo(1.5, 6);
  });

  it("refuses bad ranges and readers without the permission", async () => {
    await expect(getPrivilegeMetrics({ actor: security, query: { from: range.to, to: range.from }, now })).rejects.toMatchObject({ code: "bad_request" });
    await expect(getPrivilegeMetrics({ actor: security, query: { by: "colour" }, now })).rejects.toBeInstanceOf(AppError);
    await expect(getPrivilegeMetrics({ actor: security, query: { from: "yesterday" }, now })).rejects.toMatchObject({ code: "bad_request" });
    const requester = await createUser(["requester"]);
    await expect(getPrivilegeMetrics({ actor: requester, query: range, now })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("Prometheus exposition", () => {
  it("passes promtool's check and carries the revocation lag as a histogram", async () => {
    const text = await getPrometheusMetrics({ actor: security, now });
    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    if (check.error) throw new Error(`promtool is needed for this test (apt-get install prometheus): ${check.error.message}`);
    expect(check.stdout + check.stderr).toBe("");
    expect(check.status).toBe(0);
    expect(text).toContain("# TYPE hourglass_revocation_lag_seconds histogram");
    // The grant revoked 3 s late is above the 2.5 s bucket and inside the 5 s one.
    expect(text).toMatch(/hourglass_revocation_lag_seconds_bucket\{issuer="[^"]+",environment="prod",le="2.5"\} 0\n/);
    expect(text).toMatch(/hourglass_revocation_lag_seconds_bucket\{issuer="[^"]+",environment="prod",le="5"\} 1\n/);
    expect(text).toMatch(/hourglass_grants_outlived_window_total\{issuer="[^"]+",environment="prod"\} 1\n/);
    expect(text).toContain("hourglass_exceptions_active 1\n");
    // Drill grants are in no grant series (the prod drill grant revoked 5 s late would show in le="10").
    expect(text).toMatch(/hourglass_revocation_lag_seconds_count\{issuer="[^"]+",environment="prod"\} 1\n/);
    expect(text).not.toMatch(/hourglass_grants_revoke_failed\{[^}]*\} [1-9]/);
    // The last drill per issuer.
    expect(text).toContain("# TYPE hourglass_drill_last_success gauge");
    expect(text).toContain(`hourglass_drill_last_success{issuer="${prodIssuer}"} 0\n`);
    expect(text).toContain(`hourglass_drill_last_success{issuer="${devIssuer}"} 1\n`);
    expect(text).toContain(`hourglass_drill_last_timestamp_seconds{issuer="${devIssuer}"} ${at("10:30:00").getTime() / 1000}\n`);
    expect(text).toContain(`hourglass_drill_duration_seconds{issuer="${devIssuer}"} 1.5\n`);
    expect(text).toContain(`hourglass_drill_time_to_revoke_seconds{issuer="${devIssuer}"} 0.25\n`);
    expect(text).not.toContain(`hourglass_drill_time_to_revoke_seconds{issuer="${prodIssuer}"}`);
  });

  it("is refused to readers without the permission", async () => {
    const requester = await createUser(["requester"]);
    await expect(getPrometheusMetrics({ actor: requester, now })).rejects.toMatchObject({ code: "forbidden" });
  });
});
