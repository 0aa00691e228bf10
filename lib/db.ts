import "./platform/v8-workarounds";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { env, requireDatabaseUrl } from "./env";

export type Db = PrismaClient;
/** A transaction client: what domain functions pass to helpers that must join the caller's transaction. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

const globalForDb = globalThis as unknown as { hourglassDb?: PrismaClient };

function create(): PrismaClient {
  // A fixed-size pool (min = max): once opened, a connection is kept until it fails.
  const size = env.DATABASE_POOL_SIZE;
  const adapter = new PrismaPg({ connectionString: requireDatabaseUrl(), max: size, min: size, application_name: APPLICATION_NAME });
  return new PrismaClient({ adapter });
}

/** How Hourglass's pooled connections appear in pg_stat_activity. */
export const APPLICATION_NAME = "hourglass";

/** The process-wide Prisma client, created on first use (so importing this module needs no database). */
export function getDb(): PrismaClient {
  globalForDb.hourglassDb ??= create();
  return globalForDb.hourglassDb;
}

export async function disconnectDb(): Promise<void> {
  const db = globalForDb.hourglassDb;
  globalForDb.hourglassDb = undefined;
  await db?.$disconnect();
}

/**
 * Opens every connection of the pool now (the server calls it at start), so the first burst of
 * requests does not wait for backends to start and authenticate. Returns how many were opened.
 */
export async function warmDatabasePool(db: PrismaClient = getDb()): Promise<number> {
  const size = env.DATABASE_POOL_SIZE;
  // Held for a moment each, so every query needs a connection of its own.
  await Promise.all(Array.from({ length: size }, () => db.$executeRaw`SELECT pg_sleep(0.02)`));
  return size;
}
