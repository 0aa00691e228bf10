import pg from "pg";
import { requireDatabaseUrl } from "../env";

// The audit chain as verification reads it: in sequence order, each row with its links and
// whether the database, rebuilding the row's canonical tail (lib/audit.ts hashedTail) from its
// columns, gets the row's hash. Hashing where the rows are (PostgreSQL's sha256, no per-row
// objects through the ORM) is what lets a full verification keep pace with the chain's size.
//
// `matches` is a fast path, never a verdict on its own: a row it does not confirm is recomputed
// the exact way (lib/audit.ts eventHash on the row as Prisma reads it) before it is called broken.
// It confirms a row only when sha256 of the rebuilt text equals the stored hash, i.e. only when the
// text is the very one hashed at append time; the rebuild is JSON text of each field (to_json has
// JSON.stringify's escapes) and data's keys sorted (flat values as jsonb prints them; a nested
// value prints with spaces and so falls to the exact path).

export type ChainRow = { seq: bigint; prevHash: string; hash: string; matches: boolean };

const REBUILT_TAIL = `
  '"' || id::text || '","' || to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '",' || to_json("actorType")::text || ','
  || coalesce(to_json("actorId")::text, 'null') || ',' || to_json("actorLabel")::text || ',' || to_json(action)::text || ','
  || to_json("subjectType")::text || ',' || coalesce(to_json("subjectId")::text, 'null') || ','
  || CASE WHEN jsonb_typeof(data) = 'object'
       THEN coalesce((SELECT '{' || string_agg(to_json(k)::text || ':' || v::text, ',' ORDER BY k COLLATE "C") || '}' FROM jsonb_each(data) AS e(k, v)), '{}')
       ELSE data::text END
  || ']'`;

const BATCH_SQL = `
  -- Ordered by the column, not by its text (an output name would win in ORDER BY).
  SELECT a.seq::text, "prevHash", hash,
         hash = encode(sha256(convert_to('["' || "prevHash" || '",' || ${REBUILT_TAIL}, 'UTF8')), 'hex') AS matches
  FROM "AuditEvent" a WHERE a.seq > $1 ORDER BY a.seq LIMIT $2`;

/**
 * Reads the chain after `afterSeq` in batches on a connection of its own; the next batch is asked
 * for as soon as one arrives, so the database works while the caller checks.
 */
export async function* chainRows(afterSeq: bigint, batchSize: number): AsyncGenerator<ChainRow[]> {
  const client = new pg.Client({ connectionString: requireDatabaseUrl(), application_name: "hourglass-audit-verify" });
  await client.connect();
  try {
    const fetch = (after: bigint) => client.query<[string, string, string, boolean]>({ text: BATCH_SQL, values: [after.toString(), batchSize], rowMode: "array" });
    let next = fetch(afterSeq);
    for (;;) {
      const { rows } = await next;
      if (rows.length === 0) return;
      if (rows.length === batchSize) {
        next = fetch(BigInt(rows[rows.length - 1][0]));
        next.catch(() => undefined); // awaited on the next turn; ended with the connection if the caller stops first
      }
      yield rows.map(([seq, prevHash, hash, matches]) => ({ seq: BigInt(seq), prevHash, hash, matches }));
      if (rows.length < batchSize) return;
    }
  } finally {
    // A batch still in flight when the caller stopped early is drained by end().
    await client.end().catch(() => undefined);
  }
}
