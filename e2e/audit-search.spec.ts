import { expect, test } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { demo, signIn } from "./support";

test("the auditor filters the trail by action and actor, opens an event and pages on with the filter kept", async ({ page }) => {
  await signIn(page, demo.auditor);
  await page.goto("/audit");
  await page.getByLabel("Action starts with").fill("request.");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=request\./);
  const actions = page.locator("tbody summary [data-testid=recorded-action]");
  await expect(actions.first()).toBeVisible();
  for (const a of await actions.allTextContents()) expect(a.startsWith("request.")).toBe(true);
  await page.locator("tbody summary").first().click();
  await expect(page.locator("tbody details[open] pre")).toContainText("{");

  await page.getByLabel("Actor").fill("nobody@nowhere.invalid");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No event matches.")).toBeVisible();

  const dir = process.env.E2E_SCREENSHOTS;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    await page.goto("/audit?action=grant.");
    await page.locator("tbody summary").first().click();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: `${dir}/audit-desktop.png`, fullPage: false });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${dir}/audit-390.png`, fullPage: false });
  }
});
