import { expect, test } from "@playwright/test";
import { demo, signIn, signOut, withDb } from "./support";

test("an admin runs a revocation drill from the issuer's page and sees it pass there and on the Overview; others are refused", async ({ page }) => {
  const { rows } = await withDb((c) => c.query<{ id: string }>(`SELECT id::text FROM "Issuer" WHERE name = 'demo-postgres'`));
  const issuerId = rows[0].id;
  const before = await withDb((c) => c.query<{ n: number }>(`SELECT count(*)::int AS n FROM "DrillRun" WHERE "issuerId" = $1 AND trigger = 'manual'`, [issuerId]));

  await signIn(page, demo.admin);
  await page.goto("/admin/issuers");
  await page.getByRole("link", { name: "demo-postgres", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/issuers/${issuerId}$`));
  await expect(page.getByRole("heading", { name: "demo-postgres" })).toBeVisible();

  await page.getByRole("button", { name: "Run drill now" }).click();
  await expect(page.getByTestId("drill-result")).toContainText(/Passed: access ended \d+ ms after the revoke began/, { timeout: 60_000 });
  const history = page.getByTestId("drill-history");
  await expect(history.locator("tbody tr").first()).toContainText("passed");
  await expect(history.locator("tbody tr").first()).toContainText("manual");

  // Recorded in the database, with every step passed.
  const after = await withDb((c) =>
    c.query<{ n: number; ok: boolean; steps: { ok: boolean }[] }>(
      `SELECT (SELECT count(*)::int FROM "DrillRun" WHERE "issuerId" = $1 AND trigger = 'manual') AS n, ok, steps FROM "DrillRun" WHERE "issuerId" = $1 ORDER BY "startedAt" DESC LIMIT 1`,
      [issuerId],
    ),
  );
  expect(after.rows[0].n).toBe(before.rows[0].n + 1);
  expect(after.rows[0].ok).toBe(true);
  expect(after.rows[0].steps.length).toBeGreaterThan(2);
  expect(after.rows[0].steps.every((s) => s.ok)).toBe(true);

  // The schedule: a bad interval is refused in words, a good one saved.
  await page.getByLabel("Drill every (minutes, 0 = off)").fill("");
  await page.getByRole("button", { name: "Save schedule" }).click();
  await expect(page.getByText(/whole number of minutes/)).toBeVisible();
  expect((await withDb((c) => c.query<{ s: number }>(`SELECT "drillIntervalSec" AS s FROM "Issuer" WHERE id = $1`, [issuerId]))).rows[0].s).toBeGreaterThan(0);
  await page.getByLabel("Drill every (minutes, 0 = off)").fill("2");
  await page.getByRole("button", { name: "Save schedule" }).click();
  await expect(page.getByText(/at least 5/)).toBeVisible();
  await page.getByLabel("Drill every (minutes, 0 = off)").fill("90");
  await page.getByRole("button", { name: "Save schedule" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  expect((await withDb((c) => c.query<{ s: number }>(`SELECT "drillIntervalSec" AS s FROM "Issuer" WHERE id = $1`, [issuerId]))).rows[0].s).toBe(5400);

  await page.goto("/");
  const overview = page.getByTestId("drill-demo-postgres");
  await expect(overview).toContainText("passed");
  await overview.getByRole("link", { name: "demo-postgres" }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/issuers/${issuerId}$`));

  await signOut(page);
  await signIn(page, demo.security);
  await page.goto(`/admin/issuers/${issuerId}`);
  await expect(page).toHaveURL(/\/forbidden/);
});
