import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

test("an admin adds an issuer and an entitlement; bad configuration is refused with a clear message", async ({ page }) => {
  await signIn(page, demo.admin);
  await page.goto("/admin");
  const issuerForm = page.getByRole("form", { name: "Add an issuer" });
  await issuerForm.getByLabel("Issuer name").fill("e2e-tokens");
  await issuerForm.getByLabel("Issuer type").selectOption("token");
  await issuerForm.getByLabel("Issuer configuration").fill('{"audience": 42}');
  await issuerForm.getByRole("button", { name: "Add issuer" }).click();
  await expect(issuerForm.getByTestId("admin-create-result")).toContainText("audience");
  await issuerForm.getByLabel("Issuer configuration").fill('{"audience": "https://e2e.example"}');
  await issuerForm.getByRole("button", { name: "Add issuer" }).click();
  await expect(issuerForm.getByTestId("admin-create-result")).toHaveText("Issuer added; its secret is sealed");

  const entForm = page.getByRole("form", { name: "Add an entitlement" });
  await entForm.getByLabel("Entitlement name").fill("e2e-api-read");
  await entForm.getByLabel("Issuer").selectOption("e2e-tokens");
  await entForm.getByLabel("Target").fill("not json");
  await entForm.getByRole("button", { name: "Add entitlement" }).click();
  await expect(entForm.getByTestId("admin-create-result")).toContainText("target: write a JSON object");
  await entForm.getByLabel("Target").fill('{"scope": "orders:read"}');
  await entForm.getByRole("button", { name: "Add entitlement" }).click();
  await expect(entForm.getByTestId("admin-create-result")).toHaveText("Entitlement added");

  const rows = await withDb((c) => c.query(`SELECT e.name, i.name AS issuer FROM "Entitlement" e JOIN "Issuer" i ON i.id = e."issuerId" WHERE e.name = 'e2e-api-read'`));
  expect(rows.rows).toEqual([{ name: "e2e-api-read", issuer: "e2e-tokens" }]);
  const audit = await withDb((c) =>
    c.query(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE action IN ('issuer.configured', 'entitlement.created') AND data->>'name' IN ('e2e-tokens', 'e2e-api-read')`),
  );
  expect(audit.rows[0].n).toBe(2);
});

test("an admin creates an API token, sees it once, the token works, and revoking it stops it", async ({ page, request }) => {
  await signIn(page, demo.admin);
  await page.goto("/admin");
  const form = page.getByRole("form", { name: "Create an API token" });
  await form.getByLabel("Bound to").fill("nobody-by-this-name");
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(form.getByTestId("token-error")).toContainText("not found");
  const identity = await withDb(async (c) => (await c.query(`SELECT name FROM "Identity" WHERE status = 'active' AND "ownerUserId" IS NOT NULL ORDER BY name LIMIT 1`)).rows[0].name as string);
  await form.getByLabel("Token name").fill("e2e-ui-token");
  await form.getByLabel("Bound to").fill(identity);
  await form.getByRole("button", { name: "Create token" }).click();
  const token = (await form.getByTestId("new-token").locator("code").textContent())!;
  expect(token).toMatch(/^hgt_/);
  const ok = await request.get("/api/v1/grants", { headers: { authorization: `Bearer ${token}` } });
  expect(ok.status()).toBe(200);
  await page.reload();
  await page.locator('tr[data-token="e2e-ui-token"]').getByRole("button", { name: "Revoke" }).click();
  await expect(page.locator('tr[data-token="e2e-ui-token"]')).toContainText("revoked");
  const refused = await request.get("/api/v1/grants", { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.message).toMatch(/revoked/);
});
