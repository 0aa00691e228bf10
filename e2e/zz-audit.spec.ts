import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

// Runs last (files run in name order): it breaks the chain on purpose.

test("the auditor verifies the audit chain, and a tampered row is found", async ({ page }) => {
  await signIn(page, demo.auditor);
  await page.goto("/audit");
  await page.getByRole("button", { name: "Verify the chain" }).click();
  await expect(page.getByTestId("audit-verify-result")).toContainText("Intact");

  const target = await withDb(async (c) => {
    const row = await c.query(`SELECT seq::text AS seq FROM "AuditEvent" ORDER BY seq LIMIT 1 OFFSET 10`);
    await c.query("SET session_replication_role = replica");
    await c.query(`UPDATE "AuditEvent" SET "actorLabel" = 'someone-else' WHERE seq = $1`, [row.rows[0].seq]);
    return row.rows[0].seq as string;
  });
  await page.getByRole("button", { name: "Verify the chain" }).click();
  await expect(page.getByTestId("audit-verify-result")).toContainText(`Broken at event #${target} (hash mismatch)`);
});
