// `npx tsx prisma/seed.ts`: writes the Northwind Logistics demo into the database at DATABASE_URL.
// Safe to run again (nothing is duplicated). Options (see lib/env.ts):
// HOURGLASS_DEMO_PASSWORD (default `hourglass-demo`) and HOURGLASS_TARGET_URL (the
// admin connection string of the database the demo PostgreSQL issuer grants in; default: the same
// server as DATABASE_URL, database `hourglass_target`).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../lib/generated/prisma/client";
import { env, requireDatabaseUrl } from "../lib/env";
import { seedDemo } from "./seed-demo";

async function main() {
  const connectionString = requireDatabaseUrl();
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
  try {
    const result = await seedDemo(db, {
      databaseUrl: connectionString,
      targetUrl: env.HOURGLASS_TARGET_URL,
      password: env.HOURGLASS_DEMO_PASSWORD,
      opsWebhook: env.HOURGLASS_DEMO_OPS_URL && env.HOURGLASS_DEMO_OPS_SECRET ? { url: env.HOURGLASS_DEMO_OPS_URL, hmacSecret: env.HOURGLASS_DEMO_OPS_SECRET } : undefined,
      log: (line) => console.log(`[seed] ${line}`),
    });
    console.log(result.summary);
  } finally {
    await db.$disconnect();
  }
}

main().catch((e: unknown) => {
  console.error(`seed failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
});
