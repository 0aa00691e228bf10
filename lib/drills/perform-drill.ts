import pg from "pg";
import type { Db } from "../db";
import type { Issuer } from "../generated/prisma/client";
import { appendAudit, appendAuditMany, type AuditInput } from "../audit";
import { systemActor, type Actor } from "../authz";
import { driverFor } from "../issuers/registry";
import type { Credential, GrantRef, IssueResult, IssuerDriver } from "../issuers/types";
import { TokenRejectedError, verifyHourglassToken } from "../issuers/token";
import { enqueueNotification } from "../notifications/enqueue";
import { withDeadline } from "../concurrency";
import { databaseNow, leaseMs } from "../grants/lease";
import { CANARY_IDENTITY } from "./canary";

// One revocation drill: a canary grant issued through the issuer's own driver (the code path every
// grant takes), proved to work, revoked, and the revoke verified against the system itself. The
// canary row is bracketed by the same durable states as any grant (`issuing`, `revoking`, leased),
// so a drill that dies half-way leaves a grant the worker revokes like any other.

export type DrillStepName = "issue" | "prove" | "revoke" | "verify";
export type DrillStep = { name: DrillStepName; ok: boolean; durationMs: number; error?: string };

/** The canary's window (and native expiry): the backstop if a drill never gets to revoke it. */
export const CANARY_WINDOW_MS = 10 * 60_000;
/** Bound on each step's calls to the issuer or the target. */
export const DRILL_STEP_DEADLINE_MS = 30_000;

/** Test hook: runs after each step that passed (e.g. to stop the target mid-drill). */
export type AfterStep = (name: DrillStepName) => Promise<void>;

class StepFailed extends Error {}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).replaceAll("\u0000", "").slice(0, 500);

/** The canary identity and this issuer's canary entitlement, created on first use. */
async function canaryFor(db: Db, issuer: Issuer, driver: IssuerDriver) {
  const target = driver.canaryTarget ? await driver.canaryTarget() : issuer.type === "token" ? { scope: "hourglass:drill" } : { drill: true };
  const identity = await db.identity.upsert({
    where: { name: CANARY_IDENTITY },
    create: { name: CANARY_IDENTITY, kind: "bot", environment: "dev", system: "hourglass", description: "Revocation-drill canary: holds nothing outside drills." },
    update: {},
  });
  const name = `drill-canary-${issuer.id}`;
  const entitlement = await db.entitlement.upsert({
    where: { name },
    create: {
      name,
      description: `Revocation-drill canary for issuer ${issuer.name}`,
      issuerId: issuer.id,
      target: target as object,
      environment: "dev",
      riskTier: "low",
      maxDurationSec: CANARY_WINDOW_MS / 1000,
      defaultDurationSec: CANARY_WINDOW_MS / 1000,
      // Never grantable through a request: not offered, refused if asked for, nobody approves it.
      approvalsRequired: 99,
      canary: true,
    },
    update: { target: target as object, canary: true },
  });
  return { identity, entitlement };
}

/** Proves the canary's credential works; returns what must stop working once it is revoked. */
async function prove(issuer: Issuer, driver: IssuerDriver, db: Db, result: IssueResult, ref: GrantRef): Promise<{ session?: pg.Client; token?: string }> {
  const credential = result.credential as Credential | undefined;
  if (issuer.type === "postgres") {
    if (credential?.type !== "postgres") throw new Error("The issuer returned no PostgreSQL credential");
    const session = new pg.Client({ connectionString: credential.connectionString, connectionTimeoutMillis: 10_000 });
    // A session the revoke terminates reports it here; the next query sees it.
    session.on("error", () => undefined);
    await session.connect();
    const r = await session.query<{ who: string }>("SELECT current_user AS who");
    if (r.rows[0]?.who !== credential.username) throw new Error(`Logged in as ${r.rows[0]?.who}, not the canary ${credential.username}`);
    return { session };
  }
  if (issuer.type === "token") {
    if (credential?.type !== "jwt") throw new Error("The issuer returned no token");
    const meta = result.meta ?? {};
    await verifyHourglassToken(db, credential.token, { audience: String(meta.aud), issuer: String(meta.iss) });
    return { token: credential.token };
  }
  // Any other issuer: its own verify must show the privilege live before the revoke.
  if (await driver.verifyRevoked(ref)) throw new Error("The issuer's verify shows no privilege right after the issue");
  return {};
}

/** After the revoke: the issuer's own check, and for each kind of credential, that it no longer works. */
async function verify(issuer: Issuer, driver: IssuerDriver, db: Db, result: IssueResult, ref: GrantRef, held: { session?: pg.Client; token?: string }) {
  if (issuer.type === "postgres") {
    const credential = result.credential as Extract<Credential, { type: "postgres" }>;
    const survived = await held.session!.query("SELECT 1").then(
      () => true,
      () => false,
    );
    if (survived) throw new Error("The session opened with the canary before the revoke still runs queries");
    const fresh = new pg.Client({ connectionString: credential.connectionString, connectionTimeoutMillis: 10_000 });
    fresh.on("error", () => undefined);
    const loggedIn = await fresh.connect().then(
      () => true,
      () => false,
    );
    await fresh.end().catch(() => undefined);
    if (loggedIn) throw new Error("A new login with the canary's credentials was accepted after the revoke");
  }
  if (issuer.type === "token") {
    const meta = result.meta ?? {};
    const accepted = await verifyHourglassToken(db, held.token!, { audience: String(meta.aud), issuer: String(meta.iss) }).then(
      () => true,
      (e) => {
        if (e instanceof TokenRejectedError) return false;
        throw e;
      },
    );
    if (accepted) throw new Error("The canary token still verifies after the revoke");
  }
  if (!(await driver.verifyRevoked(ref))) throw new Error("The issuer still shows the canary's privilege after the revoke");
}

export type DrillOutcome = { id: string; ok: boolean; steps: DrillStep[]; timeToRevokeMs: number | null; error: string | null };

/**
 * Runs the drill `runId` (already recorded, its issuer's drill lease held by the caller) and
 * records its outcome: each step, time-to-revoke, an audit event, and on failure a notification.
 * `actor` is who the outcome is audited as: the requester of a manual drill, the worker otherwise.
 */
export async function performDrill(db: Db, args: { runId: string; issuer: Issuer; actor: Actor; afterStep?: AfterStep }): Promise<DrillOutcome> {
  const { runId, issuer } = args;
  const steps: DrillStep[] = [];
  const step = async <T>(name: DrillStepName, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      const r = await withDeadline(`The drill's ${name} step`, DRILL_STEP_DEADLINE_MS, fn);
      steps.push({ name, ok: true, durationMs: Math.round(performance.now() - t) });
      await args.afterStep?.(name);
      return r;
    } catch (e) {
      steps.push({ name, ok: false, durationMs: Math.round(performance.now() - t), error: message(e) });
      throw new StepFailed();
    }
  };

  let grantId: string | null = null;
  let issued = false;
  let revokeStarted = 0;
  let timeToRevokeMs: number | null = null;
  let held: { session?: pg.Client; token?: string } = {};
  let setupError: string | null = null;
  try {
    const driver = await driverFor(issuer);
    const { identity, entitlement } = await canaryFor(db, issuer, driver);
    const now = await databaseNow(db);
    const lease = new Date(now.getTime() + leaseMs());
    const expiresAt = new Date(now.getTime() + CANARY_WINDOW_MS);
    // Leased like an issue in flight: the worker takes it over only if this drill dies.
    const grant = await db.grant.create({
      data: { identityId: identity.id, entitlementId: entitlement.id, issuerId: issuer.id, drill: true, status: "issuing", expiresAt, attempts: 1, nextAttemptAt: lease, issueLeaseUntil: lease },
    });
    grantId = grant.id;
    await db.drillRun.update({ where: { id: runId }, data: { grantId } });

    const result = await step("issue", () =>
      driver.grant({
        grantId: grant.id,
        identity: { id: identity.id, name: identity.name, kind: identity.kind, environment: identity.environment },
        entitlement: { id: entitlement.id, name: entitlement.name, target: entitlement.target },
        expiresAt,
      }),
    );
    issued = true;
    const ref: GrantRef = { grantId: grant.id, reference: result.reference, meta: result.meta ?? {}, expiresAt: result.expiresAt < expiresAt ? result.expiresAt : expiresAt };
    await db.$transaction(async (tx) => {
      await tx.grant.update({
        where: { id: grant.id },
        data: { status: "active", issuerRef: result.reference, issuerMeta: (result.meta ?? {}) as object, issuedAt: await databaseNow(db), expiresAt: ref.expiresAt, nextAttemptAt: null, issueLeaseUntil: null },
      });
      await appendAudit(tx, systemActor("worker"), { action: "grant.issued", subjectType: "grant", subjectId: grant.id, data: { issuer: issuer.name, reference: result.reference, drill: runId, expiresAt: ref.expiresAt.toISOString() } });
    });

    held = await step("prove", () => prove(issuer, driver, db, result, ref));

    const revokeAt = await databaseNow(db);
    await db.$transaction(async (tx) => {
      await tx.grant.update({
        where: { id: grant.id },
        data: { status: "revoking", revokeRequestedAt: revokeAt, revokeReason: "early", revokeComment: "revocation drill", attempts: { increment: 1 }, nextAttemptAt: new Date(revokeAt.getTime() + leaseMs()) },
      });
      await appendAudit(tx, systemActor("worker"), { action: "grant.revoke_requested", subjectType: "grant", subjectId: grant.id, data: { reason: "early", comment: "revocation drill", was: "active", drill: runId } });
    });
    revokeStarted = performance.now();
    await step("revoke", () => driver.revoke(ref));
    await step("verify", () => verify(issuer, driver, db, result, ref, held));
    timeToRevokeMs = Math.round(performance.now() - revokeStarted);
  } catch (e) {
    if (!(e instanceof StepFailed)) setupError = message(e);
  } finally {
    await held.session?.end().catch(() => undefined);
  }

  const ok = setupError === null && steps.length === 4 && steps.every((s) => s.ok);
  const failed = steps.find((s) => !s.ok);
  const error = ok ? null : (setupError ?? (failed ? `${failed.name}: ${failed.error}` : "The drill did not finish"));
  const at = await databaseNow(db);
  await db.$transaction(async (tx) => {
    const audit: AuditInput[] = [];
    if (grantId && ok) {
      await tx.grant.update({ where: { id: grantId }, data: { status: "revoked", revokedAt: at, nextAttemptAt: null } });
      audit.push({ action: "grant.revoked", subjectType: "grant", subjectId: grantId, data: { reason: "early", verified: true, drill: runId } });
    } else if (grantId) {
      // Whatever the canary may still hold is the revoke worker's now: retried, verified, loud.
      await tx.grant.update({
        where: { id: grantId },
        data: issued
          ? { status: "revoke_failed", revokeRequestedAt: at, revokeReason: "early", revokeComment: "revocation drill", lastError: error, nextAttemptAt: at }
          : { status: "revoking", revokeRequestedAt: at, revokeReason: "issue_failed", lastError: error, nextAttemptAt: at, issueLeaseUntil: null },
      });
    }
    await tx.drillRun.update({ where: { id: runId }, data: { ok, steps, timeToRevokeMs, error, finishedAt: at } });
    await tx.issuer.update({ where: { id: issuer.id }, data: { drillLeaseUntil: null } });
    audit.push({ action: ok ? "drill.passed" : "drill.failed", subjectType: "issuer", subjectId: issuer.id, data: { drill: runId, grant: grantId, timeToRevokeMs, steps: steps.map((s) => `${s.name}:${s.ok ? "ok" : "failed"}`), error } });
    // A canary left to the revoke worker wakes it now.
    await appendAuditMany(tx, args.actor, audit, grantId && !ok ? { wake: { reason: "drill.failed" } } : {});
    if (!ok) {
      await enqueueNotification(tx, {
        event: "drill.failed",
        severity: "critical",
        title: `Revocation drill failed: issuer ${issuer.name}`,
        lines: [error ?? "failed"],
        link: `/admin/issuers/${issuer.id}`,
      });
    }
  });
  return { id: runId, ok, steps, timeToRevokeMs, error };
}
