import type { Db } from "../db";
import type { Prisma } from "../generated/prisma/client";
import { appendAudit, appendAuditMany, type AuditInput } from "../audit";
import { systemActor, type Actor } from "../authz";
import type { Credential, IssueResult } from "../issuers/types";
import { sealJson } from "../crypto/seal";
import { driverFor } from "../issuers/registry";
import { IssuerError, issuerErrorKind } from "../issuers/types";
import { unavailableReason } from "../entitlements/availability";
import { enqueueNotification } from "../notifications/enqueue";
import { markIssuerHealth } from "../issuers/issuer-health";
import { mapWithConcurrency, withDeadline } from "../concurrency";
import { ISSUE_MAX_ATTEMPTS, retryDelayMs } from "./backoff";
import { CALL_DEADLINE_MS, dbClockFrom, laterSql, leaseMs, nowSql, keepLeases } from "./lease";
import { wakeWorkers } from "../worker/wake";

type Claimed = { id: string; attempts: number; claimedAt?: Date };

/** Who receives the credential in the response that issued it (the machine API's caller). */
export type DeliverTo = Actor;

/**
 * Issues approved grants through their issuer. The call happens between two durable states: the
 * row stays `issuing` (leased, the lease renewed while the call runs) until the issuer answered,
 * so a crash is retried and the driver's idempotency (same grant id → same privilege) means no
 * second, unknown credential. Leases and windows are on the database's clock.
 */
export async function issueDueGrants({ db, now, limit = 32, concurrency = 8 }: { db: Db; /** Simulated "now" (tests); the database's clock otherwise. */ now?: Date; limit?: number; concurrency?: number }): Promise<number> {
  const ms = leaseMs();
  const claimed = await db.$queryRaw<Required<Claimed>[]>`
    UPDATE "Grant" g SET attempts = g.attempts + 1, "nextAttemptAt" = ${laterSql(ms, now)}, "issueLeaseUntil" = ${laterSql(ms, now)}, "updatedAt" = now()
    WHERE g.id IN (
      SELECT id FROM "Grant"
      WHERE status = 'issuing' AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${nowSql(now)})
      ORDER BY "createdAt" LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING g.id, g.attempts, ${nowSql(now)} AS "claimedAt"`;
  if (claimed.length === 0) return 0;
  const leases = keepLeases(db, "issue", claimed, ms);
  try {
    await mapWithConcurrency(claimed, concurrency, async (c) => {
      if (!leases.holds(c.id)) return;
      try {
        await issueOne(db, c);
      } finally {
        leases.release(c.id);
      }
    });
  } finally {
    leases.stop();
  }
  return claimed.length;
}

export type IssueOutcome = { status: "active"; credential: Credential | null; issuedAt: Date; expiresAt: Date } | { status: "failed"; error: string } | { status: "revoked" };

/**
 * What an issued grant records: the row's new fields and the audit events. A credential handed
 * over in the caller's response (`deliverTo`) is never stored, not even sealed.
 */
export function activation(args: { grantId: string; issuerName: string; result: IssueResult; expiresAt: Date; issuedAt: Date; attempt: number; deliverTo?: DeliverTo }) {
  const { grantId, result, expiresAt, issuedAt } = args;
  const finalExpiry = result.expiresAt < expiresAt ? result.expiresAt : expiresAt;
  const deliver = Boolean(args.deliverTo && result.credential);
  const audit: AuditInput[] = [
    {
      action: "grant.issued",
      subjectType: "grant",
      subjectId: grantId,
      data: { issuer: args.issuerName, reference: result.reference, expiresAt: expiresAt.toISOString(), nativeExpiresAt: result.expiresAt.toISOString(), attempt: args.attempt },
    },
  ];
  if (deliver) audit.push({ actor: args.deliverTo, action: "grant.credential_delivered", subjectType: "grant", subjectId: grantId });
  return {
    finalExpiry,
    credential: deliver ? result.credential! : null,
    audit,
    data: {
      status: "active" as const,
      issuedAt,
      expiresAt: finalExpiry,
      issuerRef: result.reference,
      issuerMeta: (result.meta ?? {}) as object,
      credentialSealed: result.credential && !deliver ? sealJson(result.credential) : null,
      credentialDeliveredAt: deliver ? issuedAt : null,
      // Attempts count the revoke from here on.
      attempts: 0,
      nextAttemptAt: null,
      issueLeaseUntil: null,
      lastError: null,
    },
  };
}

const issueInclude = { identity: true, entitlement: true, issuer: true, request: { select: { durationSec: true, publicKey: true } }, exception: { select: { expiresAt: true } } } as const;

/** A grant with what issuing it needs. */
export type GrantToIssue = Pick<Prisma.GrantGetPayload<{ include: typeof issueInclude }>, "id" | "exceptionId" | "expiresAt" | "issuerId" | "identity" | "entitlement" | "issuer" | "request" | "exception">;

async function issueOne(db: Db, claim: Claimed, deliverTo?: DeliverTo, loaded?: GrantToIssue): Promise<IssueOutcome> {
  const grant = loaded?.id === claim.id ? loaded : await db.grant.findUniqueOrThrow({ where: { id: claim.id }, include: issueInclude });
  // The database's clock when the worker claimed the grant (the process's own clock for a grant
  // issued in the request that created it, which the same process stamped).
  const clock = claim.claimedAt ? dbClockFrom(claim.claimedAt) : () => new Date();
  // The window starts when the privilege exists, not when it was approved.
  const durationMs = grant.request ? grant.request.durationSec * 1000 : Math.max(0, (grant.exception?.expiresAt ?? grant.expiresAt).getTime() - clock().getTime());
  const expiresAt = grant.exceptionId ? (grant.exception?.expiresAt ?? grant.expiresAt) : new Date(clock().getTime() + durationMs);
  try {
    // Approved before its issuer or entitlement was disabled: nothing new is issued through them.
    const off = unavailableReason(grant.entitlement, grant.issuer);
    if (off) throw new IssuerError(off, "permanent");
    const driver = await driverFor(grant.issuer);
    const result = await withDeadline("The issuer's grant", CALL_DEADLINE_MS, () => driver.grant({
      grantId: grant.id,
      identity: { id: grant.identity.id, name: grant.identity.name, kind: grant.identity.kind, environment: grant.identity.environment },
      entitlement: { id: grant.entitlement.id, name: grant.entitlement.name, target: grant.entitlement.target },
      expiresAt,
      publicKey: grant.request?.publicKey,
    }));
    const done = activation({ grantId: grant.id, issuerName: grant.issuer.name, result, expiresAt, issuedAt: clock(), attempt: claim.attempts, deliverTo });
    return await db.$transaction(async (tx): Promise<IssueOutcome> => {
      // Only the claim that is still ours lands: a worker that lost its lease (another took the
      // grant over) discards its result, so no credential is delivered twice.
      const n = await tx.grant.updateMany({ where: { id: grant.id, status: "issuing", attempts: claim.attempts }, data: done.data });
      if (n.count === 0) {
        // Revoked while we were issuing: make sure the revoke runs after this issue, on what it created.
        // The revoke count starts again at 0, which also fences a revoke still in flight: it verified
        // before this role existed, so its outcome (recorded by attempt) must not land.
        const again = await tx.grant.updateMany({
          where: { id: grant.id, status: { in: ["revoking", "revoked", "revoke_failed", "irrevocable", "issue_failed"] } },
          data: { status: "revoking", issuerRef: result.reference, issuerMeta: (result.meta ?? {}) as object, nextAttemptAt: new Date(), revokedAt: null, issueLeaseUntil: null, attempts: 0 },
        });
        if (again.count === 0) return { status: "failed", error: "Another worker took this grant over" };
        await appendAudit(tx, systemActor("worker"), { action: "grant.issued_after_revoke", subjectType: "grant", subjectId: grant.id, data: { reference: result.reference } });
        await wakeWorkers(tx, "grant.revoking");
        return { status: "revoked" };
      }
      // The revoke lane wakes only if this grant ends before what it already waits for.
      await appendAuditMany(tx, systemActor("worker"), done.audit, { wake: { reason: "grant.active", dueAt: done.finalExpiry } });
      return { status: "active", credential: done.credential, issuedAt: done.data.issuedAt, expiresAt: done.finalExpiry };
    });
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    const kind = issuerErrorKind(e);
    if (kind === "transient") await markIssuerHealth(db, grant.issuerId, false, message);
    const giveUp = kind === "permanent" || claim.attempts >= ISSUE_MAX_ATTEMPTS;
    await db.$transaction(async (tx) => {
      if (giveUp) {
        // Whatever the issuer may have half-created is cleaned up by the revoke path.
        const n = await tx.grant.updateMany({
          where: { id: grant.id, status: "issuing", attempts: claim.attempts },
          data: { status: "revoking", revokeReason: "issue_failed", revokeRequestedAt: clock(), lastError: message, nextAttemptAt: clock(), attempts: 0 },
        });
        if (n.count === 0) return;
        await appendAudit(tx, systemActor("worker"), { action: "grant.issue_failed", subjectType: "grant", subjectId: grant.id, data: { error: message, kind, attempts: claim.attempts } });
        await enqueueNotification(tx, {
          event: "grant.issue_failed",
          severity: "warning",
          title: `Could not issue ${grant.entitlement.name} for ${grant.identity.name}`,
          lines: [message],
          link: `/grants/${grant.id}`,
        });
        await wakeWorkers(tx, "grant.revoking");
      } else {
        const n = await tx.grant.updateMany({ where: { id: grant.id, status: "issuing", attempts: claim.attempts }, data: { lastError: message, nextAttemptAt: new Date(clock().getTime() + retryDelayMs(claim.attempts)) } });
        if (n.count === 0) return; // taken over, or revoked meanwhile: this retry is not scheduled
        await appendAudit(tx, systemActor("worker"), { action: "grant.issue_retry", subjectType: "grant", subjectId: grant.id, data: { error: message, attempt: claim.attempts } });
      }
    });
    return { status: "failed", error: message };
  }
}

/**
 * Issues, in the caller's request, a grant the caller created already claimed (createRequest with
 * `issueInline`: attempt 1, leased), so the worker leaves it alone unless the caller dies; the
 * lease is renewed while the call runs. With `deliverTo`, the credential is returned here, once,
 * and never stored.
 */
export async function issueClaimedGrant({ db, grantId, deliverTo, loaded }: { db: Db; grantId: string; deliverTo?: DeliverTo; /** The grant as just written, with its relations, to skip reading it back. */ loaded?: GrantToIssue }): Promise<IssueOutcome> {
  const leases = keepLeases(db, "issue", [{ id: grantId, attempts: 1 }]);
  try {
    return await issueOne(db, { id: grantId, attempts: 1 }, deliverTo, loaded);
  } finally {
    leases.stop();
  }
}

export async function nextIssueDue(db: Db): Promise<Date | null> {
  const [row] = await db.$queryRaw<{ at: Date | null }[]>`
    SELECT min(coalesce("nextAttemptAt", "createdAt")) AS at FROM "Grant" WHERE status = 'issuing'`;
  return row?.at ?? null;
}
