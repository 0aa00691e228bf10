import { openReadConnection, type ReadConnection } from "../platform/read-connection";

/**
 * One audit row as chain verification reads it. `head` is the canonical JSON of its hashed fields
 * before `data`: '"id","at",actorType,actorId,actorLabel,action,subjectType,subjectId,' (`at` is
 * stored to the millisecond, printed as Date.toISOString prints it); `data` is jsonb's text.
 */
export type ChainRow = [seq: string, head: string, data: string, prevHash: string, hash: string];

/** The event id of a row (its head opens with it). */
export const chainRowId = (row: ChainRow): string => row[1].slice(1, 37);

// PostgreSQL builds the head by plain concatenation, quoting each string without escaping it,
// which costs a third of to_json's escaping per field. That is the canonical JSON exactly when no
// field holds a character JSON escapes (a quote, a backslash, a control character): then the text
// is eight quote-free fields in the fixed frame PLAIN_HEAD matches. A field holding a quote adds
// fields to the frame, so a head the pattern accepts has none; the rows it rejects are read again
// with each field escaped by to_json.
const PLAIN = `'"' || id::text || '","' || to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '","' || "actorType" || '",' ||
    coalesce('"' || "actorId" || '"', 'null') || ',"' || "actorLabel" || '","' || action || '","' || "subjectType" || '",' ||
    coalesce('"' || "subjectId" || '"', 'null') || ','`;
const ESCAPED = `'"' || id::text || '","' || to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '",' ||
    to_json("actorType")::text || ',' || coalesce(to_json("actorId")::text, 'null') || ',' || to_json("actorLabel")::text || ',' ||
    to_json(action)::text || ',' || to_json("subjectType")::text || ',' || coalesce(to_json("subjectId")::text, 'null') || ','`;
const FIELD = '"[^"\\\\\\u0000-\\u001f]*"';
const PLAIN_HEAD = new RegExp(`^${FIELD},${FIELD},${FIELD},(?:null|${FIELD}),${FIELD},${FIELD},${FIELD},(?:null|${FIELD}),$`);

// Ordered by the table's seq, not the text column of the same name.
const SELECT = `SELECT seq::text, ${PLAIN}, data::text, "prevHash", hash FROM "AuditEvent" a WHERE a.seq > $1 ORDER BY a.seq LIMIT $2`;
const SELECT_ESCAPED = `SELECT seq::text, ${ESCAPED} FROM "AuditEvent" a WHERE a.seq = ANY($1::bigint[])`;

/** Replaces the heads plain concatenation could not spell (a field JSON escapes) by escaped ones. */
async function escapeHeads(connection: ReadConnection, rows: ChainRow[]): Promise<ChainRow[]> {
  const unplain: number[] = [];
  for (let i = 0; i < rows.length; i++) if (!PLAIN_HEAD.test(rows[i][1])) unplain.push(i);
  if (unplain.length === 0) return rows;
  const escaped = new Map(
    (await connection.rows<[string, string]>(SELECT_ESCAPED, [unplain.map((i) => rows[i][0])])).map(([seq, head]) => [seq, head]),
  );
  for (const i of unplain) {
    const head = escaped.get(rows[i][0]);
    // Gone between the two reads: the row as first read stays, and fails to verify if it was not canonical.
    if (head !== undefined) rows[i][1] = head;
  }
  return rows;
}

/**
 * Reads the audit rows after `after` in order, in keyset batches on a connection of its own (a
 * long read does not hold one of the pool's), fetching the next batch while the caller works on
 * the current one. Call `close` when done, also when stopping early.
 */
export async function openChainRows(after: bigint, batchSize: number): Promise<{ batches: AsyncGenerator<ChainRow[]>; close: () => Promise<void> }> {
  const connection = await openReadConnection();
  const fetch = (from: string) => {
    const rows = connection.rows<ChainRow>(SELECT, [from, batchSize]).then((batch) => escapeHeads(connection, batch));
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
