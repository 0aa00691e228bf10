import pg from "pg";
import { requireDatabaseUrl } from "../env";
import { APPLICATION_NAME } from "../db";

/** A connection of its own, outside the pool, for a long read (rows as arrays of their text values). */
export type ReadConnection = {
  rows<R extends unknown[]>(text: string, values: unknown[]): Promise<R[]>;
  close(): Promise<void>;
};

export async function openReadConnection(): Promise<ReadConnection> {
  const client = new pg.Client({ connectionString: requireDatabaseUrl(), application_name: APPLICATION_NAME });
  await client.connect();
  return {
    rows: <R extends unknown[]>(text: string, values: unknown[]) => client.query<R>({ text, values, rowMode: "array" }).then((r) => r.rows),
    close: () => client.end(),
  };
}
