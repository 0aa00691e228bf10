// `npm run bench:rate-limit`: what the shared rate limit costs an API call. Times takeToken (one
// statement on the token's bucket row) sequentially on one token and across many tokens, beside
// the floor measured in the same run: a bare database round trip.
//
// Options: --runs N --tokens N
import { setProcessEnv } from "../../lib/env";
import { arg, migrate, startServer, stats, table, timeIt } from "./support";

const RUNS = arg("runs", 2000);
const TOKENS = arg("tokens", 1000);

async function main() {
  // The database as the product runs it (its default settings, fsync on commit).
  const app = await startServer("rate-limit", ["hourglass"]);
  setProcessEnv({ DATABASE_URL: app.url("hourglass"), HOURGLASS_SECRET_KEY: "bench-seal-key-0123456789abcdef0123456789" });
  migrate(app.url("hourglass"));
  const { getDb, disconnectDb } = await import("../../lib/db");
  const { takeToken } = await import("../../lib/web/rate-limit");
  const db = getDb();
  const sample = async (fn: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 50; i++) await fn(i);
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) ms.push((await timeIt(() => fn(i)))[0]);
    return stats(ms);
  };
  const rows: (string | number)[][] = [["ms", "p50", "p90", "p99", "max"]];
  const add = (name: string, s: ReturnType<typeof stats>) => rows.push([name, s.p50, s.p90, s.p99, s.max]);
  add("SELECT 1 (round trip)", await sample(() => db.$queryRaw`SELECT 1`));
  add("takeToken, one token", await sample(() => takeToken("bench-one", undefined, 1e6, 1e6)));
  add(`takeToken, ${TOKENS} tokens`, await sample((i) => takeToken(`bench-${i % TOKENS}`, undefined, 1e6, 1e6)));
  console.log(table(rows));
  await disconnectDb();
  await app.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
