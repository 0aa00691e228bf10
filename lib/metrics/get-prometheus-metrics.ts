import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { Prisma } from "../generated/prisma/client";
import { lastDrills } from "../drills/find-drills";

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
  const [drills, grants, lag, exceptions] = await Promise.all([
    lastDrills(db),
    db.$queryRaw<Row[]>`
      SELECT iss.name AS issuer, en.environment::text AS environment,
        count(*) FILTER (WHERE g."issuedAt" IS NOT NULL) AS issued,
        count(*) FILTER (WHERE g.status = 'active') AS active,
        count(*) FILTER (WHERE g.status = 'revoke_failed') AS revoke_failed,
        count(*) FILTER (WHERE g.status = 'irrevocable') AS irrevocable,
        count(*) FILTER (WHERE g."issuedAt" IS NOT NULL AND g."expiresAt" <= ${now} AND ${live} > g."expiresAt") AS outlived,
        coalesce(sum(extract(epoch FROM (${live} - g."issuedAt"))) FILTER (WHERE g."issuedAt" IS NOT NULL), 0)::float8 AS privilege_seconds
      FROM "Grant" g JOIN "Issuer" iss ON iss.id = g."issuerId" JOIN "Entitlement" en ON en.id = g."entitlementId"
      WHERE g."exceptionId" IS NULL AND NOT g.drill
      GROUP BY 1, 2 ORDER BY 1, 2`,
    db.$queryRaw<Row[]>`
      SELECT issuer, environment, count(*) AS count, coalesce(sum(lag), 0)::float8 AS sum, ${bucketColumns}
      FROM (
        SELECT iss.name AS issuer, en.environment::text AS environment, extract(epoch FROM (g."revokedAt" - g."expiresAt"))::float8 AS lag
        FROM "Grant" g JOIN "Issuer" iss ON iss.id = g."issuerId" JOIN "Entitlement" en ON en.id = g."entitlementId"
        WHERE g."exceptionId" IS NULL AND NOT g.drill AND g."revokeReason" = 'expired' AND g."revokedAt" IS NOT NULL
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
  // Revocation drills: the last finished drill of each issuer (drill grants are in none of the series above).
  const drill = (f: (d: (typeof drills)[number]) => number | null) =>
    drills.flatMap((d) => {
      const v = f(d);
      return v == null ? [] : [`${labels({ issuer: d.issuer.name })} ${v}`];
    });
  const prefixed = (name: string, lines: string[]) => lines.map((l) => name + l);
  family("hourglass_drill_last_success", "gauge", "1 when the issuer's last revocation drill passed, 0 when it failed.", prefixed("hourglass_drill_last_success", drill((d) => (d.ok ? 1 : 0))));
  family("hourglass_drill_last_timestamp_seconds", "gauge", "Unix time the issuer's last revocation drill finished.", prefixed("hourglass_drill_last_timestamp_seconds", drill((d) => Date.parse(d.finishedAt!) / 1000)));
  family("hourglass_drill_duration_seconds", "gauge", "Seconds the issuer's last revocation drill took, issue to verified revoke.", prefixed("hourglass_drill_duration_seconds", drill((d) => (Date.parse(d.finishedAt!) - Date.parse(d.startedAt)) / 1000)));
  family("hourglass_drill_time_to_revoke_seconds", "gauge", "Seconds from the start of the revoke to its verification in the issuer's last passed drill.", prefixed("hourglass_drill_time_to_revoke_seconds", drill((d) => (d.timeToRevokeMs == null ? null : d.timeToRevokeMs / 1000))));
  return out.join("\n") + "\n";
}
