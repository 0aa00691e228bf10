import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// schema.prisma and prisma/migrations must describe the same database. Runs Prisma's own diff
// (through the offline schema engine) from the migrations to the schema.

const root = path.resolve(import.meta.dirname, "..");

function diff(schemaPath: string) {
  const url = process.env.HOURGLASS_TEST_PG_URL;
  if (!url) throw new Error("run through `npm run test:integration`");
  return spawnSync(
    path.join(root, "node_modules", ".bin", "prisma"),
    ["migrate", "diff", "--from-migrations", path.join(root, "prisma", "migrations"), "--to-schema", schemaPath, "--exit-code"],
    { cwd: root, env: { ...process.env, DATABASE_URL: url }, encoding: "utf8", timeout: 60_000 },
  );
}

describe("migrations vs schema.prisma", () => {
  it("shows no drift", () => {
    const r = diff(path.join(root, "prisma", "schema.prisma"));
    expect(r.stdout + r.stderr).toContain("No difference detected");
    expect(r.status).toBe(0);
  });

  it("reports a schema change that has no migration", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hourglass-drift-"));
    const changed = path.join(dir, "schema.prisma");
    copyFileSync(path.join(root, "prisma", "schema.prisma"), changed);
    writeFileSync(changed, readFileSync(changed, "utf8").replace("model Team {\n", "model Team {\n  driftProbe String?\n"));
    const r = diff(changed);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/Changed the `Team` table[\s\S]*Added column `driftProbe`/);
  });
});
