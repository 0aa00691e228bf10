import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

// An admin imports identities from a CSV file: a file with one bad row is refused with the row
// named and nothing is written; the fixed file is imported whole and the identities are listed.

const header = "name,kind,environment,system,owner,description";

function file(names: string[], kindOfSecond: string) {
  return (
    [
      header,
      `${names[0]},service_account,prod,billing,${demo.owner},"Nightly invoices, EU"`,
      `${names[1]},${kindOfSecond},prod,billing,,`,
      `${names[2]},ci_job,dev,web,,"Deploys the ""web"" app"`,
    ].join("\r\n") + "\r\n"
  );
}

const countNamed = (names: string[]) =>
  withDb(async (c) => (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Identity" WHERE name = ANY($1)`, [names])).rows[0].n);

test("an import with a bad row is refused with the line named, then accepted once fixed", async ({ page }) => {
  const s = randomBytes(3).toString("hex");
  const names = [`e2e-imp-a-${s}`, `e2e-imp-b-${s}`, `e2e-imp-c-${s}`];
  await signIn(page, demo.admin);
  await page.goto("/identities");
  await page.getByRole("link", { name: "Import", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Import identities");

  // Upload a file whose line 3 has a kind that does not exist.
  const bad = file(names, "robot");
  await page.getByLabel("Choose a file").setInputFiles({ name: "identities.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await expect(page.getByLabel("File content")).toHaveValue(bad.replaceAll("\r\n", "\n"));
  await page.getByRole("button", { name: "Preview" }).click();
  const errors = page.getByTestId("import-errors");
  await expect(errors).toContainText('Line 3, kind: unknown kind "robot"');
  await expect(errors.locator("li")).toHaveCount(1);
  await expect(page.getByTestId("import-summary")).toContainText("1 problem: nothing can be imported until it is fixed");
  const importButton = page.getByRole("button", { name: "Import", exact: true });
  await expect(importButton).toBeDisabled();
  expect(await countNamed(names)).toBe(0);

  // Fix the line and preview again: clean, and the import goes through.
  await page.getByLabel("File content").fill(file(names, "bot"));
  await expect(importButton).toBeDisabled(); // the new content has not been previewed
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("import-summary")).toContainText("3 rows: 3 to create, 0 to update. No problems found.");
  await expect(page.getByTestId("import-errors")).toHaveCount(0);
  await expect(page.getByTestId("import-rows").locator("tbody tr")).toHaveCount(3);
  await expect(importButton).toBeEnabled();
  await importButton.click();
  await expect(page.getByTestId("import-result")).toContainText("Imported: 3 created, 0 updated");

  const rows = await withDb(async (c) =>
    (
      await c.query<{ name: string; kind: string; owner: string | null; description: string }>(
        `SELECT i.name, i.kind::text AS kind, u.email AS owner, i.description FROM "Identity" i LEFT JOIN "User" u ON u.id = i."ownerUserId" WHERE i.name = ANY($1) ORDER BY i.name`,
        [names],
      )
    ).rows,
  );
  expect(rows).toEqual([
    { name: names[0], kind: "service_account", owner: demo.owner, description: "Nightly invoices, EU" },
    { name: names[1], kind: "bot", owner: null, description: "" },
    { name: names[2], kind: "ci_job", owner: null, description: 'Deploys the "web" app' },
  ]);
  const audited = await withDb(
    async (c) => (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE action = 'identities.imported' AND data->>'created' = '3' AND at > now() - interval '5 minutes'`)).rows[0].n,
  );
  expect(audited).toBeGreaterThanOrEqual(1);

  // They are in the list, and a name opens the identity.
  await page.getByRole("link", { name: "See the identities" }).click();
  await page.getByRole("searchbox", { name: "Search name or system" }).fill(`e2e-imp-`);
  await page.getByRole("searchbox", { name: "Search name or system" }).press("Enter");
  await expect(page).toHaveURL(/q=e2e-imp-/);
  for (const name of names) await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  await page.getByRole("link", { name: names[0], exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(names[0]);
  await expect(page.getByTestId("identity-owner")).toContainText(demo.owner);
  await expect(page.getByTestId("identity-audit")).toContainText("identity.registered");
});

test("the import API takes the session, refuses a bad file with the line named, and other content types", async ({ page, request }) => {
  const s = randomBytes(3).toString("hex");
  const names = [`e2e-api-a-${s}`, `e2e-api-b-${s}`, `e2e-api-c-${s}`];
  // `request` carries no cookie: no session.
  const unauthenticated = await request.post("/api/v1/identities/import?dryRun=true", { headers: { "content-type": "text/csv" }, data: file(names, "bot") });
  expect(unauthenticated.status()).toBe(401);
  expect((await unauthenticated.json()).error.code).toBe("unauthenticated");

  await signIn(page, demo.admin);
  const api = page.request;
  const refused = await api.post("/api/v1/identities/import", { headers: { "content-type": "text/csv" }, data: file(names, "robot") });
  expect(refused.status()).toBe(400);
  const body = await refused.json();
  expect(body.error).toMatchObject({ code: "validation_failed", message: expect.stringMatching(/^Nothing was imported/) });
  expect(body.error.details.errors).toEqual([expect.objectContaining({ line: 3, field: "kind" })]);
  expect((await api.post("/api/v1/identities/import", { headers: { "content-type": "text/plain" }, data: "x" })).status()).toBe(415);
  expect((await api.post("/api/v1/identities/import?dryRun=maybe", { headers: { "content-type": "text/csv" }, data: file(names, "bot") })).status()).toBe(400);
  expect(await countNamed(names)).toBe(0);

  const preview = await api.post("/api/v1/identities/import?dryRun=true", { headers: { "content-type": "text/csv" }, data: file(names, "bot") });
  expect(preview.status()).toBe(200);
  expect(await preview.json()).toMatchObject({ dryRun: true, ok: true, create: 3 });
  expect(await countNamed(names)).toBe(0);
  const json = names.map((name) => ({ name, kind: "workload", environment: "staging", system: "api" }));
  const created = await api.post("/api/v1/identities/import", { headers: { "content-type": "application/json" }, data: JSON.stringify(json) });
  expect(created.status()).toBe(201);
  expect(await countNamed(names)).toBe(3);
});

test("only an admin may import", async ({ page }) => {
  await signIn(page, demo.security);
  await page.goto("/identities");
  await expect(page.getByRole("link", { name: "Import", exact: true })).toHaveCount(0);
  await page.goto("/identities/import");
  await expect(page.getByTestId("forbidden")).toContainText("403");
  const r = await page.request.post("/api/v1/identities/import?dryRun=true", { headers: { "content-type": "text/csv" }, data: `${header}\r\nx,bot,dev,s,,\r\n` });
  expect(r.status()).toBe(403);
});
