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
