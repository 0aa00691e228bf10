import { openReadConnection } from "../platform/read-connection";

/**
 * One audit row as chain verification reads it. `head` is the canonical JSON of its hashed fields
 * before `data`, built by PostgreSQL: '"id","at",actorType,actorId,actorLabel,action,subjectType,subjectId,'
 * (to_json escapes a string exactly as JSON.stringify does, and `at` is stored to the millisecond,
 * as Date.toISOString prints it), so only `data` is serialised in JavaScript.
 */
export type ChainRow = [seq: string, id: string, head: string, data: string, prevHash: string, hash: string];

// Ordered by the table's seq, not the text column of the same name.
const SELECT = `SELECT seq::text, id::text,
    '"' || id::text || '","' || to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '",' ||
    to_json("actorType")::text || ',' || coalesce(to_json("actorId")::text, 'null') || ',' || to_json("actorLabel")::text || ',' ||
    to_json(action)::text || ',' || to_json("subjectType")::text || ',' || coalesce(to_json("subjectId")::text, 'null') || ',',
    data::text, "prevHash", hash
  FROM "AuditEvent" a WHERE a.seq > $1 ORDER BY a.seq LIMIT $2`;

/**
 * Reads the audit rows after `after` in order, in keyset batches on a connection of its own (a
 * long read does not hold one of the pool's), fetching the next batch while the caller works on
 * the current one. Call `close` when done, also when stopping early.
 */
export async function openChainRows(after: bigint, batchSize: number): Promise<{ batches: AsyncGenerator<ChainRow[]>; close: () => Promise<void> }> {
  const connection = await openReadConnection();
  const fetch = (from: string) => {
    const rows = connection.rows<ChainRow>(SELECT, [from, batchSize]);
    // A read ahead that fails while the batch before it is hashed is reported when awaited, not as unhandled.
    rows.catch(() => undefined);
    return rows;
  };
  let next: Promise<ChainRow[]> | null = fetch(after.toString());
  async function* batches(): AsyncGenerator<ChainRow[]> {
    while (next) {
      const rows: ChainRow[] = await next;
      next = rows.length === batchSize ? fetch(rows[rows.length - 1][0]) : null;
      if (rows.length > 0) yield rows;
    }
  }
  return {
    batches: batches(),
    close: async () => {
      await next?.catch(() => undefined);
      next = null;
      await connection.close();
    },
  };
}
