import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

const pad = (n: number) => String(n).padStart(2, "0");
/** What a datetime-local input holds: local time, to the minute. */
const localInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

// A form the server refuses keeps everything the user typed: the refusal is read, one field is
// corrected, and the form is sent again; nothing jumps to another value or is emptied.

test("a refused exception proposal keeps the identity, entitlement and every text typed", async ({ page }) => {
  // An identity the owner may propose for that already holds an entitlement under an accepted exception.
  const held = await withDb(async (c) => {
    const r = await c.query(
      `SELECT e."identityId", n.name AS entitlement, n."riskTier" FROM "Exception" e
         JOIN "Entitlement" n ON n.id = e."entitlementId" JOIN "Identity" i ON i.id = e."identityId"
       WHERE e.status = 'accepted' AND i.status = 'active'
         AND (i."ownerUserId" = (SELECT id FROM "User" WHERE email = $1)
              OR i."ownerTeamId" IN (SELECT m."teamId" FROM "TeamMember" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1))
       ORDER BY e."createdAt" LIMIT 1`,
      [demo.owner],
    );
    return r.rows[0] as { identityId: string; entitlement: string; riskTier: string };
  });
  expect(held).toBeTruthy();

  await signIn(page, demo.owner);
  await page.goto("/exceptions/new");
  await page.getByLabel("Identity").selectOption(held.identityId);
  await page.getByLabel("Entitlement").selectOption({ label: `${held.entitlement} · ${held.riskTier} risk` });
  const justification = "Nightly reconciliation needs the read role until the per-run flow ships (OPS-9001)";
  const controls = "Read-only role; statements logged to the SIEM";
  const end = localInput(new Date(Date.now() + 7 * 86_400_000));
  await page.getByLabel("End", { exact: true }).fill(end);
  await page.getByLabel("Justification").fill(justification);
  await page.getByLabel("Compensating controls").fill(controls);
  await page.getByLabel("Review every (days)").fill("7");
  await page.getByRole("button", { name: "Propose exception" }).click();

  await expect(page.getByTestId("form-error")).toContainText("renew that one instead");
  await expect(page).toHaveURL(/\/exceptions\/new$/);
  await expect(page.getByLabel("Identity")).toHaveValue(held.identityId);
  await expect(page.getByLabel("Entitlement").locator("option:checked")).toHaveText(`${held.entitlement} · ${held.riskTier} risk`);
  await expect(page.getByLabel("End", { exact: true })).toHaveValue(end);
  await expect(page.getByLabel("Justification")).toHaveValue(justification);
  await expect(page.getByLabel("Compensating controls")).toHaveValue(controls);
  await expect(page.getByLabel("Review every (days)")).toHaveValue("7");
});

test("a refused API token keeps its name and scopes, and a corrected one is created once", async ({ page }) => {
  await signIn(page, demo.approver);
  await page.goto("/account/tokens");
  const form = page.getByRole("form", { name: "Create an API token" });
  const name = `kept-${Date.now()}`;
  await form.getByLabel("Token name").fill(name);
  await form.getByLabel("Expires in").fill("forever");
  // The scopes as the user set them: the first one (checked by default) off, the second on.
  const scopes = form.getByRole("checkbox");
  await scopes.nth(0).uncheck();
  await scopes.nth(1).check();
  const chosen = await scopes.nth(1).getAttribute("value");
  await form.getByRole("button", { name: /Create/ }).click();
  await expect(page.getByTestId("token-error")).toBeVisible();
  await expect(scopes.nth(0)).not.toBeChecked();
  await expect(scopes.nth(1)).toBeChecked();
  await expect(form.getByLabel("Token name")).toHaveValue(name);
  await expect(form.getByLabel("Expires in")).toHaveValue("forever");
  await form.getByLabel("Expires in").fill("P30D");
  await form.getByRole("button", { name: /Create/ }).click();
  await expect(page.getByTestId("new-token")).toBeVisible();
  const rows = await withDb(async (c) => (await c.query(`SELECT scopes FROM "ApiToken" WHERE name = $1`, [name])).rows as { scopes: string[] }[]);
  expect(rows).toHaveLength(1);
  expect(rows[0].scopes).toEqual([chosen]); // only the scope the user left checked

});
