import type { Db } from "../db";
import { appendAudit, appendAuditMany } from "../audit";
import { systemActor } from "../authz";
import { driverFor } from "../issuers/registry";
import { issuerErrorKind, type GrantRef, type IssuerDriver } from "../issuers/types";
import { enqueueNotification } from "../notifications/enqueue";
import { markIssuerHealth } from "../issuers/issuer-health";
import { IRREVOCABLE_RETRY_MS, REVOKE_MAX_ATTEMPTS, retryDelayMs } from "./backoff";
import { CALL_DEADLINE_MS, dbClockFrom, keepLeases, laterSql, leaseMs, nowSql, type DbClock } from "./lease";
import { mapWithConcurrency, withDeadline } from "../concurrency";

type Claimed = {
  id: string;
  issuerId: string;
  issuerRef: string | null;
  issuerMeta: Record<string, unknown>;
  expiresAt: Date;
  revokeReason: string;
  attempts: number;
  claimedAt: Date;
};

/**
 * Claims grants that must end now (window over, revoke requested, or a retry due), revokes each at
 * its issuer, verifies the revoke against the issuer, and records the outcome. Safe to run in many
 * processes at once: rows are claimed with FOR UPDATE SKIP LOCKED and leased while in flight.
 */
export async function revokeDueGrants({ db, now, limit = 64, concurrency = 16 }: { db: Db; /** Simulated "now" (tests); the database's clock otherwise. */ now?: Date; limit?: number; concurrency?: number }): Promise<number> {
  const ms = leaseMs();
  const claimed = await db.$queryRaw<Claimed[]>`
    UPDATE "Grant" g SET
      status = 'revoking',
      "revokeRequestedAt" = coalesce(g."revokeRequestedAt", ${nowSql(now)}),
      "revokeReason" = coalesce(g."revokeReason", CASE WHEN g."exceptionId" IS NOT NULL THEN 'exception_ended' ELSE 'expired' END::"RevokeReason"),
      attempts = g.attempts + 1,
      "nextAttemptAt" = ${laterSql(ms, now)},
      "credentialSealed" = NULL,
      "updatedAt" = now()
    WHERE g.id IN (
      SELECT id FROM "Grant"
      WHERE (status = 'active' AND "expiresAt" <= ${nowSql(now)})
         OR (status IN ('revoking', 'revoke_failed', 'irrevocable') AND "nextAttemptAt" <= ${nowSql(now)})
      ORDER BY coalesce("nextAttemptAt", "expiresAt")
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING g.id, g."issuerId", g."issuerRef", g."issuerMeta", g."expiresAt", g."revokeReason"::text AS "revokeReason", g.attempts, ${nowSql(now)} AS "claimedAt"`;
  if (claimed.length === 0) return 0;
  const clock = dbClockFrom(claimed[0].claimedAt);

  const issuers = new Map((await db.issuer.findMany({ where: { id: { in: [...new Set(claimed.map((c) => c.issuerId))] } } })).map((i) => [i.id, i]));
  // Each grant's lease is renewed until its outcome is recorded (after the whole batch), not only
  // while the batch is young: a grant whose call ended early is not taken over while a slower one runs.
  const leases = keepLeases(db, "revoke", claimed, ms);
  try {
    // Per issuer: one batch call where the driver has one, else a few grants at a time.
    const byIssuer = new Map<string, Claimed[]>();
    for (const g of claimed) byIssuer.set(g.issuerId, [...(byIssuer.get(g.issuerId) ?? []), g]);
    const outcomes = (
      await Promise.all(
        [...byIssuer].map(async ([issuerId, grants]) => {
          const issuer = issuers.get(issuerId)!;
          const driver = await driverFor(issuer).catch((error: unknown) => error as Error);
          if (driver instanceof Error) return grants.map((grant): Failed => ({ ok: false, grant, at: clock(), error: driver }));
          if (driver.revokeMany) return revokeBatchAtIssuer(grants.filter((g) => leases.holds(g.id)), driver, clock);
          return mapWithConcurrency(grants, concurrency, async (grant) => {
            // Taken over by another worker while it waited its turn (this worker lost the database for a lease).
            if (!leases.holds(grant.id)) return null;
            return revokeAtIssuer(grant, driver, clock);
          });
        }),
      )
    ).flat();
    const revoked = outcomes.filter((o): o is Revoked => o?.ok === true);
    if (revoked.length) await recordRevoked(db, revoked, now);
    for (const o of outcomes) if (o && !o.ok) await recordFailure(db, o.grant, o.grant.issuerId, o.error, o.at);
  } finally {
    leases.stop();
  }
  return claimed.length;
}

type Revoked = { ok: true; grant: Claimed; at: Date };
type Failed = { ok: false; grant: Claimed; at: Date; error: unknown };

/**
 * A grant whose issue never recorded a reference (revoked while issuing, or a failed issue) is
 * found by its id: every issuer derives what it creates from the grant id.
 */
function refOf(grant: Claimed, driver: IssuerDriver): GrantRef {
  return { grantId: grant.id, reference: grant.issuerRef || driver.referenceFor(grant.id), meta: grant.issuerMeta ?? {}, expiresAt: grant.expiresAt };
}

async function revokeBatchAtIssuer(grants: Claimed[], driver: IssuerDriver, clock: DbClock): Promise<(Revoked | Failed)[]> {
  if (grants.length === 0) return [];
  try {
    // One call covers revoke and verification of the whole batch: both deadlines.
    const errors = await withDeadline("The issuer's batch revoke", 2 * CALL_DEADLINE_MS, () => driver.revokeMany!(grants.map((g) => refOf(g, driver))));
    const at = clock();
    return grants.map((grant, i) => (errors[i] ? { ok: false, grant, at, error: errors[i] } : { ok: true, grant, at }));
  } catch (error) {
    const at = clock();
    return grants.map((grant) => ({ ok: false, grant, at, error }));
  }
}

async function revokeAtIssuer(grant: Claimed, driver: IssuerDriver, clock: DbClock): Promise<Revoked | Failed> {
  try {
    const ref = refOf(grant, driver);
    await withDeadline("The issuer's revoke", CALL_DEADLINE_MS, () => driver.revoke(ref));
    if (!(await withDeadline("The issuer's verification", CALL_DEADLINE_MS, () => driver.verifyRevoked(ref)))) throw new Error("The issuer still shows the privilege after the revoke");
    // The instant the issuer confirmed, on the database's clock: what the revocation lag is measured to.
    return { ok: true, grant, at: clock() };
  } catch (error) {
    return { ok: false, grant, at: clock(), error };
  }
}

/**
 * Records a batch of confirmed revokes in one transaction: one status update, one audit append.
 * Only the claim that is still this worker's counts (same attempt, still revoking). A grant whose
 * issue call may still land (revoked while issuing) is confirmed only after that call's lease:
 * until then it stays `revoking`, due again when the lease ends, so a role created by an issue
 * that raced the revoke is revoked too.
 */
async function recordRevoked(db: Db, done: Revoked[], now?: Date) {
  await db.$transaction(async (tx) => {
    const values = done.map((d) => ({ id: d.grant.id, at: d.at.toISOString(), attempts: d.grant.attempts }));
    const deferred = await tx.$queryRaw<{ id: string; until: Date }[]>`
      UPDATE "Grant" g SET "nextAttemptAt" = g."issueLeaseUntil", "updatedAt" = now()
      FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb) AS v(id uuid, at text, attempts int)
      WHERE g.id = v.id AND g.status = 'revoking' AND g.attempts = v.attempts AND g."issueLeaseUntil" > ${nowSql(now)}
      RETURNING g.id::text, g."issueLeaseUntil" AS until`;
    // A failed issue keeps its error: it says why the grant never became active.
    const updated = await tx.$queryRaw<{ id: string }[]>`
      UPDATE "Grant" g SET
        status = CASE WHEN g."revokeReason" = 'issue_failed' THEN 'issue_failed'::"GrantStatus" ELSE 'revoked'::"GrantStatus" END,
        "revokedAt" = (v.at::timestamptz AT TIME ZONE 'UTC'), "nextAttemptAt" = NULL,
        "lastError" = CASE WHEN g."revokeReason" = 'issue_failed' THEN g."lastError" ELSE NULL END,
        "updatedAt" = now()
      FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb) AS v(id uuid, at text, attempts int)
      WHERE g.id = v.id AND g.status = 'revoking' AND g.attempts = v.attempts AND (g."issueLeaseUntil" IS NULL OR g."issueLeaseUntil" <= ${nowSql(now)})
      RETURNING g.id`;
    // Rows resolved by someone else meanwhile (force-resolve, another worker) are left as they are.
    const mine = new Set(updated.map((u) => u.id));
    const waiting = new Map(deferred.map((d) => [d.id, d.until]));
    await appendAuditMany(tx, systemActor("worker"), [
      ...done
        .filter((d) => waiting.has(d.grant.id))
        .map((d) => ({
          action: "grant.revoke_recheck_scheduled",
          subjectType: "grant",
          subjectId: d.grant.id,
          data: { reason: "an issue call may still land", recheckAt: waiting.get(d.grant.id)!.toISOString(), attempts: d.grant.attempts },
        })),
      ...done
        .filter((d) => mine.has(d.grant.id))
        .map((d) => ({
          action: d.grant.revokeReason === "issue_failed" ? "grant.issue_cleaned_up" : "grant.revoked",
          subjectType: "grant",
          subjectId: d.grant.id,
          data: { reason: d.grant.revokeReason, verified: true, attempts: d.grant.attempts, revokedAt: d.at.toISOString(), lagMs: d.at.getTime() - d.grant.expiresAt.getTime() },
        })),
    ]);
  });
}

async function recordFailure(db: Db, grant: Claimed, issuerId: string, error: unknown, at: Date) {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
  const irrevocable = grant.attempts >= REVOKE_MAX_ATTEMPTS;
  const next = new Date(at.getTime() + (irrevocable ? IRREVOCABLE_RETRY_MS : retryDelayMs(grant.attempts)));
  if (issuerErrorKind(error) === "transient") await markIssuerHealth(db, issuerId, false, message);
  await db.$transaction(async (tx) => {
    const before = await tx.grant.findUnique({ where: { id: grant.id }, select: { status: true } });
    const n = await tx.grant.updateMany({
      where: { id: grant.id, status: "revoking", attempts: grant.attempts },
      data: { status: irrevocable ? "irrevocable" : "revoke_failed", lastError: message, nextAttemptAt: next },
    });
    if (n.count === 0) return;
    await appendAudit(tx, systemActor("worker"), {
      action: irrevocable ? "grant.irrevocable" : "grant.revoke_failed",
      subjectType: "grant",
      subjectId: grant.id,
      data: { attempt: grant.attempts, error: message, nextAttemptAt: next.toISOString() },
    });
    // Loud, but once per grant per state: the first failure and the step to irrevocable.
    if (grant.attempts === 1 || (irrevocable && before?.status !== "irrevocable")) {
      await enqueueNotification(tx, {
        event: irrevocable ? "grant.irrevocable" : "grant.revoke_failed",
        severity: irrevocable ? "critical" : "warning",
        title: irrevocable ? `Revocation gave up after ${grant.attempts} attempts: grant ${grant.id.slice(0, 8)}` : `Revocation failed, retrying: grant ${grant.id.slice(0, 8)}`,
        lines: [message],
        link: `/grants/${grant.id}`,
      });
    }
  });
}

/** The next instant a grant must be revoked or a revoke retried. */
export async function nextRevokeDue(db: Db): Promise<Date | null> {
  const [row] = await db.$queryRaw<{ at: Date | null }[]>`
    SELECT least(
      (SELECT min("expiresAt") FROM "Grant" WHERE status = 'active'),
      (SELECT min("nextAttemptAt") FROM "Grant" WHERE status IN ('revoking', 'revoke_failed', 'irrevocable'))
    ) AS at`;
  return row?.at ?? null;
}
