import { getDb } from "../db";
import { CANARY_IDENTITY } from "../drills/canary";
import { assertCan, type Actor } from "../authz";
import { Prisma } from "../generated/prisma/client";
import { parseMetricsRange, type Breakdown, type MetricsRange } from "./metrics-range";

// Privilege duration, not approval counts. Every number is computed exactly from the grant,
// request and exception rows for the range; nothing is sampled.

export type Percentiles = { p50: number | null; p95: number | null; max: number | null };
/** `unusedHours`: the part of `hours` held by grants never reported used. */
export type HoursPoint = { bucket: string; kind: "jit" | "standing"; key: string; hours: number; unusedHours: number };
export type LagPoint = { bucket: string; count: number; p50: number | null; p95: number | null; max: number | null };
export type OutlivedPoint = { bucket: string; count: number; totalSeconds: number; maxSeconds: number };
export type ApprovalPoint = { bucket: string; decided: number; auto: number; p50: number | null; p95: number | null };
export type DurationBin = { bin: string; upToMinutes: number | null; requested: number; held: number };

export type PrivilegeMetrics = {
  from: string;
  to: string;
  by: Breakdown;
  bucket: "hour" | "day";
  /** Whole days the range spans (kept for older clients). */
  windowDays: number;
  grantsIssued: number;
  activeNow: number;
  privilegeHours: number;
  standingPrivilegeHours: number;
  privilegeHoursSeries: HoursPoint[];
  grantedMinutes: { p50: number | null; p95: number | null };
  heldMinutes: { p50: number | null; p95: number | null };
  durationDistribution: DurationBin[];
  /** Seconds from a grant's end to its confirmed revoke, for grants that ended by expiry. */
  revocationLagSeconds: Percentiles & { p99: number | null };
  revocationLagSeries: LagPoint[];
  /** Grants whose privilege lived past their window (revoke confirmed after it ended, or not yet). */
  outlived: { count: number; totalSeconds: number; maxSeconds: number | null };
  /** The same per bucket of window end; buckets where nothing outlived its window are left out. */
  outlivedSeries: OutlivedPoint[];
  endedEarlyShare: number | null;
  endedEarly: number;
  usedShare: number | null;
  unused: { count: number; privilegeHours: number };
  breakGlass: number;
  extended: number;
  extensions: number;
  failingRevocations: number;
  revokeFailed: number;
  irrevocable: number;
  approvalLatencySeconds: { p50: number | null; p95: number | null; decided: number };
  /** Per bucket of decision time: requests decided, how many by policy alone, latency p50 / p95 in seconds. */
  approvalLatencySeries: ApprovalPoint[];
  autoApprovedShare: number | null;
  standingExceptions: number;
  exceptions: { active: number; expiringIn7Days: number; overdue: number };
  identities: { active: number; unowned: number; unattested: number };
  /** Share of active identities whose owner attested them in the last 90 days. */
  attestedShare: number | null;
  unattestedIdentities: number;
};

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;

const KEY_SQL: Record<Breakdown, Prisma.Sql> = {
  none: Prisma.sql`'all'`,
  environment: Prisma.sql`en.environment::text`,
  identityKind: Prisma.sql`i.kind::text`,
  riskTier: Prisma.sql`en."riskTier"::text`,
  issuer: Prisma.sql`iss.name`,
  team: Prisma.sql`coalesce(t.name, '(no team)')`,
};

const DIMENSIONS = Prisma.sql`
  JOIN "Entitlement" en ON en.id = g."entitlementId"
  JOIN "Identity" i ON i.id = g."identityId"
  JOIN "Issuer" iss ON iss.id = g."issuerId"
  LEFT JOIN "Team" t ON t.id = i."ownerTeamId"`;

/** Bins of width_bucket over the edges 5, 15, 30, 60, 240, 1440 minutes: index 0 is below 5 minutes. */
const BINS: [string, number | null][] = [
  ["< 5 min", 5],
  ["5–15 min", 15],
  ["15–30 min", 30],
  ["30–60 min", 60],
  ["1–4 h", 240],
  ["4–24 h", 1440],
  ["≥ 24 h", null],
];

/** The metrics for a range and breakdown; `query` is the page's or API's search parameters. */
export async function getPrivilegeMetrics({ actor, query = {}, now = new Date() }: { actor: Actor; query?: Record<string, string | undefined>; now?: Date }): Promise<PrivilegeMetrics> {
  assertCan(actor, "metrics:read");
  return computePrivilegeMetrics(parseMetricsRange(query, now), now);
}

async function computePrivilegeMetrics(range: MetricsRange, now: Date): Promise<PrivilegeMetrics> {
  const db = getDb();
  const { from, to, by } = range;
  const step = Prisma.raw(`'1 ${range.bucket}'`);
  const key = KEY_SQL[by];
  const live = Prisma.sql`coalesce(g."revokedAt", ${now}::timestamptz)`;

  // Each grant live in the range adds its seconds to the buckets it spans (most span one or two),
  // so the work follows the grants, not grants × buckets. The OR below is implied by the exact
  // overlap test after it (issued in the range, or issued before and still live at its start);
  // it is there so the planner reaches the rows through the issuedAt and (revokedAt, issuedAt) indexes.
  const hoursRows = db.$queryRaw<{ bucket: Date; standing: boolean; key: string; seconds: number; unused_seconds: number }[]>`
    WITH g AS (
      SELECT greatest(g."issuedAt", ${from}::timestamptz) AS s, least(${live}, ${to}::timestamptz) AS e, g."exceptionId" IS NOT NULL AS standing, g."useCount" = 0 AS unused, ${key} AS key
      FROM "Grant" g ${DIMENSIONS}
      WHERE NOT g.drill AND g."issuedAt" IS NOT NULL
        AND ((g."issuedAt" >= ${from} AND g."issuedAt" < ${to}) OR (g."issuedAt" < ${from} AND (g."revokedAt" > ${from} OR g."revokedAt" IS NULL)))
        AND g."issuedAt" < ${to} AND ${live} > ${from}
    )
    SELECT b.start AS bucket, g.standing, g.key,
           sum(extract(epoch FROM least(b.start + interval ${step}, g.e) - greatest(b.start, g.s)))::float8 AS seconds,
           coalesce(sum(extract(epoch FROM least(b.start + interval ${step}, g.e) - greatest(b.start, g.s))) FILTER (WHERE g.unused), 0)::float8 AS unused_seconds
    FROM g CROSS JOIN LATERAL generate_series(date_trunc(${range.bucket}, g.s), g.e - interval '1 microsecond', interval ${step}) AS b(start)
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

  // Grants issued in the range, read once: durations, early ends, use, extensions, and the
  // distribution of requested and held durations (over the grants that came from a request).
  const binCounts = BINS.map((_, k) =>
    Prisma.raw(
      `count(*) FILTER (WHERE r.id IS NOT NULL AND width_bucket(r."durationSec" / 60.0, ARRAY[5, 15, 30, 60, 240, 1440]::float8[]) = ${k}) AS req_${k},
       count(*) FILTER (WHERE r.id IS NOT NULL AND g."revokedAt" IS NOT NULL AND width_bucket(extract(epoch FROM (g."revokedAt" - g."issuedAt")) / 60, ARRAY[5, 15, 30, 60, 240, 1440]::float8[]) = ${k}) AS held_${k}`,
    ),
  );
  const issuedRow = db.$queryRaw<Record<string, unknown>[]>`
    SELECT
      count(*) AS issued,
      percentile_cont(0.5)  WITHIN GROUP (ORDER BY extract(epoch FROM (g."expiresAt" - g."issuedAt")) / 60) AS granted_p50,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM (g."expiresAt" - g."issuedAt")) / 60) AS granted_p95,
      percentile_cont(0.5)  WITHIN GROUP (ORDER BY extract(epoch FROM (g."revokedAt" - g."issuedAt")) / 60) FILTER (WHERE g."revokedAt" IS NOT NULL) AS held_p50,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM (g."revokedAt" - g."issuedAt")) / 60) FILTER (WHERE g."revokedAt" IS NOT NULL) AS held_p95,
      count(*) FILTER (WHERE g."revokedAt" IS NOT NULL AND g."revokedAt" < g."expiresAt") AS early,
      count(*) FILTER (WHERE g."revokedAt" IS NOT NULL) AS ended,
      count(*) FILTER (WHERE g."useCount" > 0) AS used,
      count(*) FILTER (WHERE g."useCount" = 0) AS unused,
      coalesce(sum(extract(epoch FROM (least(${live}, ${now}::timestamptz) - g."issuedAt"))) FILTER (WHERE g."useCount" = 0), 0)::float8 AS unused_seconds,
      count(*) FILTER (WHERE g."breakGlass") AS break_glass,
      count(*) FILTER (WHERE g.extensions > 0) AS extended,
      coalesce(sum(g.extensions), 0) AS extensions,
      ${Prisma.join(binCounts, ",\n      ")}
    FROM "Grant" g LEFT JOIN "AccessRequest" r ON r.id = g."requestId"
    WHERE g."issuedAt" >= ${from} AND g."issuedAt" < ${to} AND g."exceptionId" IS NULL AND NOT g.drill`;

  // Grants whose window ended in the range: how fast the revoke was confirmed, and whether privilege outlived the window.
  const lagRows = db.$queryRaw<{ bucket: Date; count: bigint; p50: number | null; p95: number | null; max: number | null }[]>`
    SELECT date_trunc(${range.bucket}, g."expiresAt") AS bucket, count(*) AS count,
      percentile_cont(0.5)  WITHIN GROUP (ORDER BY extract(epoch FROM (g."revokedAt" - g."expiresAt")))::float8 AS p50,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM (g."revokedAt" - g."expiresAt")))::float8 AS p95,
      max(extract(epoch FROM (g."revokedAt" - g."expiresAt")))::float8 AS max
    FROM "Grant" g
    WHERE g."revokeReason" = 'expired' AND g."revokedAt" IS NOT NULL AND g."expiresAt" >= ${from} AND g."expiresAt" < ${to} AND g."exceptionId" IS NULL AND NOT g.drill
    GROUP BY 1 ORDER BY 1`;
  const lagRow = db.$queryRaw<Record<string, unknown>[]>`
    SELECT
      percentile_cont(0.5)  WITHIN GROUP (ORDER BY extract(epoch FROM (g."revokedAt" - g."expiresAt"))) FILTER (WHERE g."revokeReason" = 'expired' AND g."revokedAt" IS NOT NULL) AS p50,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM (g."revokedAt" - g."expiresAt"))) FILTER (WHERE g."revokeReason" = 'expired' AND g."revokedAt" IS NOT NULL) AS p95,
      percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM (g."revokedAt" - g."expiresAt"))) FILTER (WHERE g."revokeReason" = 'expired' AND g."revokedAt" IS NOT NULL) AS p99,
      max(extract(epoch FROM (g."revokedAt" - g."expiresAt"))) FILTER (WHERE g."revokeReason" = 'expired' AND g."revokedAt" IS NOT NULL) AS max
    FROM "Grant" g
    WHERE g."issuedAt" IS NOT NULL AND g."expiresAt" >= ${from} AND g."expiresAt" < ${to} AND g."expiresAt" <= ${now} AND g."exceptionId" IS NULL AND NOT g.drill`;

  // Grants whose privilege outlived their window, per bucket of window end; the range's figures are their sums.
  const outlivedRows = db.$queryRaw<{ bucket: Date; count: bigint; total: number; max: number }[]>`
    SELECT date_trunc(${range.bucket}, g."expiresAt") AS bucket, count(*) AS count,
      sum(extract(epoch FROM (${live} - g."expiresAt")))::float8 AS total,
      max(extract(epoch FROM (${live} - g."expiresAt")))::float8 AS max
    FROM "Grant" g
    WHERE g."issuedAt" IS NOT NULL AND g."expiresAt" >= ${from} AND g."expiresAt" < ${to} AND g."expiresAt" <= ${now} AND g."exceptionId" IS NULL AND NOT g.drill
      AND ${live} > g."expiresAt"
    GROUP BY 1 ORDER BY 1`;

  // Requests decided in the range: how long a decision took, how many needed nobody.
  const approvalRow = db.$queryRaw<Record<string, unknown>[]>`
    SELECT count(*) AS decided,
      count(*) FILTER (WHERE r.status = 'approved' AND NOT EXISTS (SELECT 1 FROM "Approval" a WHERE a."requestId" = r.id)) AS auto,
      percentile_cont(0.5)  WITHIN GROUP (ORDER BY extract(epoch FROM (r."decidedAt" - r."createdAt"))) AS p50,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM (r."decidedAt" - r."createdAt"))) AS p95
    FROM "AccessRequest" r
    WHERE r."decidedAt" >= ${from} AND r."decidedAt" < ${to} AND r.status IN ('approved', 'denied')`;

  const approvalRows = db.$queryRaw<{ bucket: Date; decided: bigint; auto: bigint; p50: number | null; p95: number | null }[]>`
    SELECT date_trunc(${range.bucket}, r."decidedAt") AS bucket, count(*) AS decided,
      count(*) FILTER (WHERE r.status = 'approved' AND NOT EXISTS (SELECT 1 FROM "Approval" a WHERE a."requestId" = r.id)) AS auto,
      percentile_cont(0.5)  WITHIN GROUP (ORDER BY extract(epoch FROM (r."decidedAt" - r."createdAt")))::float8 AS p50,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM (r."decidedAt" - r."createdAt")))::float8 AS p95
    FROM "AccessRequest" r
    WHERE r."decidedAt" >= ${from} AND r."decidedAt" < ${to} AND r.status IN ('approved', 'denied')
    GROUP BY 1 ORDER BY 1`;

  const attestedSince = new Date(now.getTime() - 90 * 86400_000);
  const [hours, issued, lagSeries, lag, outlivedSeries, approval, approvalSeries, counts] = await Promise.all([
    hoursRows,
    issuedRow,
    lagRows,
    lagRow,
    outlivedRows,
    approvalRow,
    approvalRows,
    Promise.all([
      db.grant.count({ where: { status: "active", exceptionId: null, drill: false } }),
      db.grant.count({ where: { status: "revoke_failed", drill: false } }),
      db.grant.count({ where: { status: "irrevocable", drill: false } }),
      db.exception.count({ where: { status: "accepted" } }),
      db.exception.count({ where: { status: "accepted", expiresAt: { gt: now, lte: new Date(now.getTime() + 7 * 86400_000) } } }),
      db.exception.count({ where: { status: "accepted", expiresAt: { lte: now } } }),
      db.identity.count({ where: { status: "active", name: { not: CANARY_IDENTITY } } }),
      db.identity.count({ where: { status: "active", ownerUserId: null, ownerTeamId: null, name: { not: CANARY_IDENTITY } } }),
      db.identity.count({ where: { status: "active", lastAttestedAt: { gte: attestedSince }, name: { not: CANARY_IDENTITY } } }),
    ]),
  ]);
  const [activeNow, revokeFailed, irrevocable, exceptionsActive, expiring, overdue, activeIdentities, unowned, attested] = counts;
  const i = issued[0];
  const l = lag[0];
  const a = approval[0];
  const series: HoursPoint[] = hours.map((h) => ({ bucket: h.bucket.toISOString(), kind: h.standing ? "standing" : "jit", key: h.key, hours: round(Number(h.seconds) / 3600), unusedHours: round(Number(h.unused_seconds) / 3600) }));
  const issuedCount = Number(i.issued);
  const decided = Number(a.decided);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    by,
    bucket: range.bucket,
    windowDays: Math.round((to.getTime() - from.getTime()) / 86400_000),
    grantsIssued: issuedCount,
    activeNow,
    privilegeHours: round(hours.filter((h) => !h.standing).reduce((s, h) => s + Number(h.seconds), 0) / 3600),
    standingPrivilegeHours: round(hours.filter((h) => h.standing).reduce((s, h) => s + Number(h.seconds), 0) / 3600),
    privilegeHoursSeries: series,
    grantedMinutes: { p50: num(i.granted_p50), p95: num(i.granted_p95) },
    heldMinutes: { p50: num(i.held_p50), p95: num(i.held_p95) },
    durationDistribution: BINS.map(([bin, upTo], idx) => ({ bin, upToMinutes: upTo, requested: Number(i[`req_${idx}`]), held: Number(i[`held_${idx}`]) })),
    revocationLagSeconds: { p50: num(l.p50), p95: num(l.p95), p99: num(l.p99), max: num(l.max) },
    revocationLagSeries: lagSeries.map((r) => ({ bucket: r.bucket.toISOString(), count: Number(r.count), p50: num(r.p50), p95: num(r.p95), max: num(r.max) })),
    outlived: {
      count: outlivedSeries.reduce((n, r) => n + Number(r.count), 0),
      totalSeconds: round(outlivedSeries.reduce((n, r) => n + Number(r.total), 0), 3),
      maxSeconds: outlivedSeries.length ? Math.max(...outlivedSeries.map((r) => Number(r.max))) : null,
    },
    outlivedSeries: outlivedSeries.map((r) => ({ bucket: r.bucket.toISOString(), count: Number(r.count), totalSeconds: round(Number(r.total), 3), maxSeconds: round(Number(r.max), 3) })),
    endedEarlyShare: Number(i.ended) ? Number(i.early) / Number(i.ended) : null,
    endedEarly: Number(i.early),
    usedShare: issuedCount ? Number(i.used) / issuedCount : null,
    unused: { count: Number(i.unused), privilegeHours: round(Number(i.unused_seconds) / 3600) },
    breakGlass: Number(i.break_glass),
    extended: Number(i.extended),
    extensions: Number(i.extensions),
    failingRevocations: revokeFailed + irrevocable,
    revokeFailed,
    irrevocable,
    approvalLatencySeconds: { p50: num(a.p50), p95: num(a.p95), decided },
    approvalLatencySeries: approvalSeries.map((r) => ({ bucket: r.bucket.toISOString(), decided: Number(r.decided), auto: Number(r.auto), p50: num(r.p50), p95: num(r.p95) })),
    autoApprovedShare: decided ? Number(a.auto) / decided : null,
    standingExceptions: exceptionsActive,
    exceptions: { active: exceptionsActive, expiringIn7Days: expiring, overdue },
    identities: { active: activeIdentities, unowned, unattested: activeIdentities - attested },
    attestedShare: activeIdentities ? attested / activeIdentities : null,
    unattestedIdentities: activeIdentities - attested,
  };
}
