import { expect, test } from "@playwright/test";
import { demo, DEMO_PASSWORD, signIn, withDb } from "./support";

test("a demo user signs in and sees the overview with real numbers", async ({ page }) => {
  await signIn(page, demo.approver);
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Hello");
  const pending = await withDb((c) => c.query(`SELECT count(*)::int AS n FROM "AccessRequest" WHERE status = 'pending'`));
  const card = page.getByTestId("overview-stats").getByRole("link", { name: /Pending requests/ });
  await expect(card).toContainText(String(pending.rows[0].n));
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(demo.admin);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("sign-in-error")).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByLabel("Email")).toHaveValue(demo.admin);
});

test("an unknown email gets the same message as a wrong password", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("nobody@hourglass.local");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("sign-in-error")).toHaveText("Wrong email or password.");
});

test("a signed-out visitor is sent to sign in, then back to the page asked for", async ({ page }) => {
  await page.goto("/grants?status=active");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fgrants%3Fstatus%3Dactive/);
  await page.getByLabel("Email").fill(demo.security);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/grants\?status=active$/);
  await expect(page.getByRole("heading", { name: "Grants" })).toBeVisible();
});

test("sign-out ends the session", async ({ page }) => {
  await signIn(page, demo.auditor);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/audit");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the sign-in page is ready to type into, has the product's icon, and in the demo lists the demo accounts", async ({ page, request }) => {
  await page.goto("/sign-in");
  await expect(page.getByLabel("Email")).toBeFocused();
  const icon = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(icon).toMatch(/^\/icon\.svg/);
  const served = await request.get(icon!);
  expect(served.status()).toBe(200);
  expect(served.headers()["content-type"]).toContain("image/svg+xml");

  const accounts = page.getByRole("region", { name: "Demo accounts" });
  await expect(accounts).toContainText(DEMO_PASSWORD);
  await expect(accounts.getByRole("button")).toHaveCount(7);
  await accounts.getByRole("button", { name: /security@hourglass\.local/ }).click();
  await expect(page.getByLabel("Email")).toHaveValue(demo.security);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
});
