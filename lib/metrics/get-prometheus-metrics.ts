import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { Prisma } from "../generated/prisma/client";

// The Prometheus text exposition format (version 0.0.4): counters and gauges labelled by issuer
// and environment, revocation lag as a histogram. Computed from the rows at scrape time.

export const LAG_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const labels = (l: Record<string, string>) => `{${Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;

type Row = { issuer: string; environment: string } & Record<string, unknown>;

export async function getPrometheusMetrics({ actor, now = new Date() }: { actor: Actor; now?: Date }): Promise<string> {
  assertCan(actor, "metrics:read");
  const db = getDb();
  const live = Prisma.sql`coalesce(g."revokedAt", ${now}::timestamptz)`;
  const bucketColumns = Prisma.join(LAG_BUCKETS.map((le, i) => Prisma.sql`count(*) FILTER (WHERE lag <= ${le}::float8) AS ${Prisma.raw(`b${i}`)}`));
  const [grants, lag, exceptions] = await Promise.all([
    db.$queryRaw<Row[]>`
      SELECT iss.name AS issuer, en.environment::text AS environment,
        count(*) FILTER (WHERE g."issuedAt" IS NOT NULL) AS issued,
        count(*) FILTER (WHERE g.status = 'active') AS active,
        count(*) FILTER (WHERE g.status = 'revoke_failed') AS revoke_failed,
        count(*) FILTER (WHERE g.status = 'irrevocable') AS irrevocable,
        count(*) FILTER (WHERE g."issuedAt" IS NOT NULL AND g."expiresAt" <= ${now} AND ${live} > g."expiresAt") AS outlived,
        coalesce(sum(extract(epoch FROM (${live} - g."issuedAt"))) FILTER (WHERE g."issuedAt" IS NOT NULL), 0)::float8 AS privilege_seconds
      FROM "Grant" g JOIN "Issuer" iss ON iss.id = g."issuerId" JOIN "Entitlement" en ON en.id = g."entitlementId"
      WHERE g."exceptionId" IS NULL
      GROUP BY 1, 2 ORDER BY 1, 2`,
    db.$queryRaw<Row[]>`
      SELECT issuer, environment, count(*) AS count, coalesce(sum(lag), 0)::float8 AS sum, ${bucketColumns}
      FROM (
        SELECT iss.name AS issuer, en.environment::text AS environment, extract(epoch FROM (g."revokedAt" - g."expiresAt"))::float8 AS lag
        FROM "Grant" g JOIN "Issuer" iss ON iss.id = g."issuerId" JOIN "Entitlement" en ON en.id = g."entitlementId"
        WHERE g."exceptionId" IS NULL AND g."revokeReason" = 'expired' AND g."revokedAt" IS NOT NULL
      ) x
      GROUP BY 1, 2 ORDER BY 1, 2`,
    db.$queryRaw<Record<string, unknown>[]>`
      SELECT count(*) FILTER (WHERE status = 'accepted') AS active,
             count(*) FILTER (WHERE status = 'accepted' AND "expiresAt" <= ${now}) AS overdue
      FROM "Exception"`,
  ]);

  const out: string[] = [];
  const family = (name: string, type: "counter" | "gauge" | "histogram", help: string, lines: string[]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
  };
  const per = (name: string, column: string) => grants.map((r) => `${name}${labels({ issuer: r.issuer, environment: r.environment })} ${Number(r[column])}`);
  family("hourglass_grants_issued_total", "counter", "Temporary grants issued.", per("hourglass_grants_issued_total", "issued"));
  family("hourglass_grants_active", "gauge", "Temporary grants live now.", per("hourglass_grants_active", "active"));
  family("hourglass_grants_revoke_failed", "gauge", "Grants whose revoke failed and is being retried.", per("hourglass_grants_revoke_failed", "revoke_failed"));
  family("hourglass_grants_irrevocable", "gauge", "Grants whose revoke failed after every retry.", per("hourglass_grants_irrevocable", "irrevocable"));
  family("hourglass_grants_outlived_window_total", "counter", "Grants whose privilege lived past the end of their window.", per("hourglass_grants_outlived_window_total", "outlived"));
  family("hourglass_privilege_seconds_total", "counter", "Seconds temporary privilege was live, summed over grants.", per("hourglass_privilege_seconds_total", "privilege_seconds"));
  const histogram: string[] = [];
  for (const r of lag) {
    const l = { issuer: r.issuer, environment: r.environment };
    LAG_BUCKETS.forEach((le, i) => histogram.push(`hourglass_revocation_lag_seconds_bucket${labels({ ...l, le: String(le) })} ${Number(r[`b${i}`])}`));
    histogram.push(`hourglass_revocation_lag_seconds_bucket${labels({ ...l, le: "+Inf" })} ${Number(r.count)}`);
    histogram.push(`hourglass_revocation_lag_seconds_sum${labels(l)} ${Number(r.sum)}`);
    histogram.push(`hourglass_revocation_lag_seconds_count${labels(l)} ${Number(r.count)}`);
  }
  family("hourglass_revocation_lag_seconds", "histogram", "Seconds from the end of a grant's window to its verified revoke.", histogram);
  family("hourglass_exceptions_active", "gauge", "Accepted exceptions (standing access) in force.", [`hourglass_exceptions_active ${Number(exceptions[0].active)}`]);
  family("hourglass_exceptions_overdue", "gauge", "Accepted exceptions past their end date and not yet closed.", [`hourglass_exceptions_overdue ${Number(exceptions[0].overdue)}`]);
  return out.join("\n") + "\n";
}
