import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";

export type PrivilegeMetrics = {
  windowDays: number;
  grantsIssued: number;
  activeNow: number;
  privilegeHours: number;
  grantedMinutes: { p50: number | null; p95: number | null };
  heldMinutes: { p50: number | null; p95: number | null };
  /** Seconds from a grant's end to its confirmed revoke, for grants that ended by expiry. */
  revocationLagSeconds: { p50: number | null; p99: number | null; max: number | null };
  endedEarlyShare: number | null;
  usedShare: number | null;
  breakGlass: number;
  extended: number;
  failingRevocations: number;
  standingExceptions: number;
  /** Share of active identities whose owner attested them in the last 90 days. */
  attestedShare: number | null;
  unattestedIdentities: number;
};

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Privilege duration, not approval counts: how long privilege lived, whether it was used, how fast it ended. */
export async function getPrivilegeMetrics({ actor, windowDays = 30 }: { actor: Actor; windowDays?: number }): Promise<PrivilegeMetrics> {
  assertCan(actor, "metrics:read");
  const db = getDb();
  const since = new Date(Date.now() - windowDays * 86400_000);
  const [row] = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT
      count(*) FILTER (WHERE "issuedAt" IS NOT NULL)                                                  AS issued,
      coalesce(sum(extract(epoch FROM (coalesce("revokedAt", least(now(), "expiresAt")) - "issuedAt"))) FILTER (WHERE "issuedAt" IS NOT NULL), 0) / 3600 AS hours,
      percentile_cont(0.5)  WITHIN GROUP (ORDER BY extract(epoch FROM ("expiresAt" - "issuedAt")) / 60) AS granted_p50,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM ("expiresAt" - "issuedAt")) / 60) AS granted_p95,
      percentile_cont(0.5)  WITHIN GROUP (ORDER BY extract(epoch FROM ("revokedAt" - "issuedAt")) / 60) FILTER (WHERE "revokedAt" IS NOT NULL) AS held_p50,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM ("revokedAt" - "issuedAt")) / 60) FILTER (WHERE "revokedAt" IS NOT NULL) AS held_p95,
      percentile_cont(0.5)  WITHIN GROUP (ORDER BY extract(epoch FROM ("revokedAt" - "expiresAt"))) FILTER (WHERE "revokeReason" = 'expired' AND "revokedAt" IS NOT NULL) AS lag_p50,
      percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM ("revokedAt" - "expiresAt"))) FILTER (WHERE "revokeReason" = 'expired' AND "revokedAt" IS NOT NULL) AS lag_p99,
      max(extract(epoch FROM ("revokedAt" - "expiresAt"))) FILTER (WHERE "revokeReason" = 'expired' AND "revokedAt" IS NOT NULL) AS lag_max,
      avg(CASE WHEN "revokeReason" IN ('early', 'emergency') THEN 1.0 ELSE 0.0 END) FILTER (WHERE "revokedAt" IS NOT NULL) AS early_share,
      avg(CASE WHEN "useCount" > 0 THEN 1.0 ELSE 0.0 END) FILTER (WHERE "issuedAt" IS NOT NULL) AS used_share,
      count(*) FILTER (WHERE "breakGlass") AS break_glass,
      count(*) FILTER (WHERE extensions > 0) AS extended
    FROM "Grant"
    WHERE "createdAt" >= ${since} AND "exceptionId" IS NULL`;
  const attestedSince = new Date(Date.now() - 90 * 86400_000);
  const [activeNow, failingRevocations, standingExceptions, activeIdentities, attested] = await Promise.all([
    db.grant.count({ where: { status: "active", exceptionId: null } }),
    db.grant.count({ where: { status: { in: ["revoke_failed", "irrevocable"] } } }),
    db.exception.count({ where: { status: "accepted" } }),
    db.identity.count({ where: { status: "active" } }),
    db.identity.count({ where: { status: "active", lastAttestedAt: { gte: attestedSince } } }),
  ]);
  return {
    windowDays,
    grantsIssued: Number(row.issued),
    activeNow,
    privilegeHours: Math.round(Number(row.hours) * 10) / 10,
    grantedMinutes: { p50: num(row.granted_p50), p95: num(row.granted_p95) },
    heldMinutes: { p50: num(row.held_p50), p95: num(row.held_p95) },
    revocationLagSeconds: { p50: num(row.lag_p50), p99: num(row.lag_p99), max: num(row.lag_max) },
    endedEarlyShare: num(row.early_share),
    usedShare: num(row.used_share),
    breakGlass: Number(row.break_glass),
    extended: Number(row.extended),
    failingRevocations,
    standingExceptions,
    attestedShare: activeIdentities ? attested / activeIdentities : null,
    unattestedIdentities: activeIdentities - attested,
  };
}
