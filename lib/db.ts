import "./platform/v8-workarounds";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { requireDatabaseUrl } from "./env";

export type Db = PrismaClient;
/** A transaction client: what domain functions pass to helpers that must join the caller's transaction. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

const globalForDb = globalThis as unknown as { hourglassDb?: PrismaClient };

function create(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: requireDatabaseUrl(), max: 10 });
  return new PrismaClient({ adapter });
}

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
