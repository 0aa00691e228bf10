import { expect, test } from "@playwright/test";
import { demo, signIn, withDatabase, withDb } from "./support";

// The demo shows the product's hard cases, and they stay after start: standing access found as
// drift, a revoke that keeps failing, and an irrevocable grant — each for a real reason in the
// target database, so the worker's retries fail the same way instead of healing them.

test("the demo keeps a drift finding, a failing revoke and an irrevocable grant visible, for real reasons", async ({ page }) => {
  test.setTimeout(120_000);
  const failing = await withDb(async (c) =>
    (
      await c.query(
        `SELECT g.id, g.status::text AS status, g."issuerRef" AS ref, g.attempts FROM "Grant" g JOIN "Issuer" i ON i.id = g."issuerId"
         WHERE i.type = 'postgres' AND g.status IN ('revoke_failed', 'irrevocable') ORDER BY g.status`,
      )
    ).rows as { id: string; status: string; ref: string; attempts: number }[],
  );
  // Seeded as retrying and as given up; retrying ones give up after their last attempt, so either state counts.
  expect(failing.length).toBeGreaterThanOrEqual(2);
  expect(failing.map((g) => g.status)).toContain("irrevocable");
  // Each one's role is in the target and owns a table: PostgreSQL refuses to drop it.
  const owners = await withDatabase("hourglass_target", async (c) =>
    (await c.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public' AND tableowner = ANY($1)`, [failing.map((g) => g.ref)])).rows.map((r) => r.tableowner),
  );
  expect(owners.sort()).toEqual(failing.map((g) => g.ref).sort());

  // Retried now, a failing revoke fails again, for the reason the target gives.
  const retry = failing.find((g) => g.status === "revoke_failed") ?? failing[0];
  await withDb(async (c) => {
    await c.query(`UPDATE "Grant" SET "nextAttemptAt" = now() WHERE id = $1`, [retry.id]);
    await c.query(`SELECT pg_notify('hourglass_wake', 'grant.revoking')`);
  });
  await expect
    .poll(async () => withDb(async (c) => (await c.query(`SELECT status::text AS status, attempts, "lastError" AS error FROM "Grant" WHERE id = $1`, [retry.id])).rows[0]), { timeout: 60_000 })
    .toMatchObject({ status: retry.status, attempts: retry.attempts + 1, error: expect.stringMatching(/cannot be dropped because objects depend on it/) });
  // And only once: the failure keeps its schedule instead of being retried again at once.
  await new Promise((r) => setTimeout(r, 2000));
  expect((await withDb((c) => c.query(`SELECT attempts FROM "Grant" WHERE id = $1`, [retry.id]))).rows[0].attempts).toBe(retry.attempts + 1);

  await signIn(page, demo.security);
  const card = page.getByTestId("overview-stats").getByRole("link", { name: /Failing revocations/ });
  await expect(card).toContainText(String(failing.length));
  await card.click();
  await expect(page).toHaveURL(/status=failing/);
  for (const g of failing) await expect(page.locator(`tr[data-row-id="${g.id}"]`)).toBeVisible();

  await page.goto("/identities/drift");
  await expect(page.getByText("svc_reporting_legacy").first()).toBeVisible({ timeout: 30_000 });
});
