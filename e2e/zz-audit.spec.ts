import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

// Runs last (files run in name order): it breaks the chain on purpose.

test("the auditor verifies the audit chain, and a tampered row is found", async ({ page }) => {
  await signIn(page, demo.auditor);
  await page.goto("/audit");
  await page.getByRole("button", { name: "Verify the chain" }).click();
  await expect(page.getByTestId("audit-verify-result")).toContainText("Intact");
  // The launcher signs checkpoints with a key beside the data; the verification just confirmed one.
  await page.getByRole("button", { name: "Sign a checkpoint now" }).click();
  await page.getByRole("button", { name: "Verify the chain" }).click();
  await expect(page.getByTestId("audit-checkpoint")).toContainText("Verified");

  const target = await withDb(async (c) => {
    const row = await c.query(`SELECT seq::text AS seq FROM "AuditEvent" ORDER BY seq LIMIT 1 OFFSET 10`);
    await c.query("SET session_replication_role = replica");
    await c.query(`UPDATE "AuditEvent" SET "actorLabel" = 'someone-else' WHERE seq = $1`, [row.rows[0].seq]);
    return row.rows[0].seq as string;
  });
  // Before the verified checkpoint, so the quick check (from that checkpoint on) does not read it: the full one does.
  await page.getByRole("button", { name: "Verify everything" }).click();
  await expect(page.getByTestId("audit-verify-result")).toContainText(`Broken at event #${target} (hash mismatch)`);
});
