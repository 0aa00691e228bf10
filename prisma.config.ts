import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";

// Prisma's CLI would download a native schema engine, which this machine (and air-gapped sites)
// cannot do. Use our stand-in built on Prisma's wasm engine, unless a real binary is configured.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(
  new URL("./scripts/prisma-schema-engine.mjs", import.meta.url),
);

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
    seed: "tsx prisma/seed.ts",
  },
  datasource: {
    // Optional in Prisma 7.10: `prisma generate`/`validate` work without it, while commands that
    // need a database stop with "The datasource.url property is required ..." when it is unset.
    // Prisma 7 does not read .env files itself: export DATABASE_URL in the shell.
    url: process.env.DATABASE_URL,
  },
});
