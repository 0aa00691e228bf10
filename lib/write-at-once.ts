import type { Db } from "./db";
import type { Actor } from "./authz";
import { auditEventsJson, type AuditInput } from "./audit";
import { WAKE_CHANNEL, wakePayload, type Wake } from "./worker/wake";

// New rows and their audit events written by one SQL statement: one round trip, atomic on its own
// (no BEGIN/COMMIT), and the audit chain's lock is held only for that statement. For writes that
// need no read in between (the hot path of a request: the request, its grant, their events).
//
// Each row is given as a plain object keyed by column; PostgreSQL turns it into the table's own
// types (jsonb_populate_record), so uuids, enums, arrays, jsonb and timestamps need no casts here,
// and columns left out take their database defaults. Timestamps are written as the UTC instants
// Prisma stores them as.

export type Insert = { table: "AccessRequest" | "Grant" | "BreakGlassReview" | "NotificationDelivery"; row: Record<string, unknown> };

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;

export async function writeAtOnce(db: Pick<Db, "$queryRawUnsafe">, inserts: Insert[], audit: { actor: Actor; events: AuditInput[]; wake?: Wake }): Promise<void> {
  if (audit.events.length === 0) throw new Error("writeAtOnce: every write here is audited");
  const params: unknown[] = [];
  const param = (value: unknown, cast = "") => {
    params.push(value);
    return `$${params.length}${cast}`;
  };
  const ctes = inserts.map(({ table, row }, i) => {
    const columns = Object.keys(row).filter((c) => row[c] !== undefined);
    for (const name of [table, ...columns]) if (!IDENTIFIER.test(name)) throw new Error(`writeAtOnce: bad identifier ${name}`);
    const list = columns.map((c) => `"${c}"`).join(", ");
    const values = JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] instanceof Date ? (row[c] as Date).toISOString() : row[c]])));
    return `w${i} AS (INSERT INTO "${table}" (${list}) SELECT ${list} FROM jsonb_populate_record(NULL::"${table}", ${param(values, "::jsonb")}) RETURNING 1)`;
  });
  const written = inserts.map((_, i) => `(SELECT count(*) FROM w${i})`).join(" + ") || "0";
  const wake = audit.wake ? `, pg_notify(${param(WAKE_CHANNEL)}, ${param(wakePayload(audit.wake.reason, audit.wake.dueAt))})::text AS woke` : "";
  const sql = `${ctes.length ? `WITH ${ctes.join(",\n")}\n` : ""}SELECT (${written})::int AS written, (SELECT count(*) FROM hourglass_append_audit(${param(auditEventsJson(audit.actor, audit.events), "::jsonb")}))::int AS events${wake}`;
  const [result] = await db.$queryRawUnsafe<{ written: number; events: number }[]>(sql, ...params);
  if (!result || result.written !== inserts.length || result.events !== audit.events.length) {
    throw new Error(`writeAtOnce: wrote ${result?.written} of ${inserts.length} rows and ${result?.events} of ${audit.events.length} events`);
  }
}
