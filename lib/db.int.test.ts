import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPLICATION_NAME, getDb, warmDatabasePool } from "./db";
import { setProcessEnv } from "./env";
import { useFreshDatabase, withAdminClient } from "./testing/database";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  setProcessEnv({ DATABASE_POOL_SIZE: "4" });
  database = await useFreshDatabase();
});
afterAll(async () => {
  await database.drop();
  setProcessEnv({ DATABASE_POOL_SIZE: undefined });
});

/** The backends of this file's database that belong to the app's pool. */
const poolBackends = () =>
  withAdminClient(database.name, async (c) =>
    (await c.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 ORDER BY pid", [database.name, APPLICATION_NAME])).rows.map((r) => r.pid),
  );

describe("the connection pool", () => {
  it("opens every connection at start and keeps them through idle time and bursts", { timeout: 30_000 }, async () => {
    expect(await poolBackends()).toEqual([]);
    expect(await warmDatabasePool()).toBe(4);
    const opened = await poolBackends();
    expect(opened).toHaveLength(4);

    // Idle for longer than pg's default idle timeout (10 s): a shrinking pool would have closed them.
    await new Promise((r) => setTimeout(r, 10_500));
    expect(await poolBackends()).toEqual(opened);

    // A burst larger than the pool queues for the same connections; none is opened or closed.
    await Promise.all(Array.from({ length: 12 }, () => getDb().$executeRaw`SELECT pg_sleep(0.01)`));
    expect(await poolBackends()).toEqual(opened);
  });
});
