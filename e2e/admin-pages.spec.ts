import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

test("an admin adds and edits a token issuer through its typed form; a webhook's secret is a write-only field", async ({ page }) => {
  await signIn(page, demo.admin);
  await page.goto("/admin");
  const index = page.getByTestId("admin-index");
  await expect(index.locator('a[data-kind="issuers"]')).toContainText(/\d+ issuers?/);
  await index.locator('a[data-kind="issuers"]').click();
  await expect(page).toHaveURL(/\/admin\/issuers$/);

  const add = page.getByRole("form", { name: "Add an issuer" });
  await add.getByLabel("Issuer name").fill("e2e-typed-tokens");
  await add.getByLabel("Issuer type").selectOption("token");
  await add.getByRole("button", { name: "Add issuer" }).click();
  // Refused beside its field, in words; what was typed stays.
  await expect(add.getByTestId("admin-create-result")).toContainText("audience is required");
  await expect(add.locator("label", { has: page.getByLabel("Audience") })).toContainText("audience is required");
  await expect(add.getByLabel("Issuer name")).toHaveValue("e2e-typed-tokens");
  await add.getByLabel("Audience").fill("https://typed.e2e.example");
  await add.getByRole("button", { name: "Add issuer" }).click();
  await expect(add.getByTestId("admin-create-result")).toHaveText("Issuer added; its secret is sealed");

  await page.locator('tr[data-issuer="e2e-typed-tokens"]').getByRole("link", { name: "e2e-typed-tokens" }).click();
  await expect(page.getByRole("heading", { name: "e2e-typed-tokens" })).toBeVisible();
  const edit = page.getByRole("form", { name: "Edit the issuer" });
  await expect(edit.getByLabel("Audience")).toHaveValue("https://typed.e2e.example");
  await edit.getByLabel("Longest token life (seconds)").fill("30");
  await edit.getByRole("button", { name: "Save issuer" }).click();
  await expect(edit.getByTestId("admin-create-result")).toContainText("ttlMaxSec");
  await expect(edit.getByLabel("Longest token life (seconds)")).toHaveValue("30");
  await edit.getByLabel("Longest token life (seconds)").fill("600");
  await edit.getByLabel("Audience").fill("https://typed-v2.e2e.example");
  await edit.getByRole("button", { name: "Save issuer" }).click();
  await expect(edit.getByTestId("admin-create-result")).toHaveText("Issuer saved");
  const saved = await withDb((c) => c.query(`SELECT config FROM "Issuer" WHERE name = 'e2e-typed-tokens'`));
  expect(saved.rows[0].config).toMatchObject({ audience: "https://typed-v2.e2e.example", ttlMaxSec: 600 });
  const events = await withDb((c) => c.query(`SELECT action FROM "AuditEvent" WHERE "subjectType" = 'issuer' AND data->>'name' = 'e2e-typed-tokens' ORDER BY seq`));
  expect(events.rows.map((r) => r.action)).toEqual(["issuer.configured", "issuer.updated"]);

  // The raw JSON is still there, with the stored config.
  await edit.getByLabel("Raw JSON").check();
  await expect(edit.getByLabel("Issuer configuration")).toHaveValue(/typed-v2\.e2e\.example/);

  // A webhook issuer: its HMAC secret is a password field, empty, never filled with the sealed value.
  const webhookId = (await withDb((c) => c.query(`SELECT id::text FROM "Issuer" WHERE name = 'ops-webhook'`))).rows[0].id as string;
  await page.goto(`/admin/issuers/${webhookId}`);
  const secret = page.getByRole("form", { name: "Edit the issuer" }).getByLabel("HMAC secret");
  await expect(secret).toHaveAttribute("type", "password");
  await expect(secret).toHaveValue("");
  await expect(secret).toHaveAttribute("placeholder", "sealed: leave empty to keep it");
});

test("an admin disables an entitlement; requesting it is then refused in words, and it is requestable again once enabled", async ({ browser }) => {
  // Two people signed in, each with several pages: more than the default on a loaded machine.
  test.setTimeout(60_000);
  const { identity, entitlement } = await withDb(async (c) => {
    const owner = (await c.query(`SELECT id FROM "User" WHERE email = $1`, [demo.owner])).rows[0].id as string;
    const ident = (await c.query(`SELECT id, name, environment FROM "Identity" WHERE status = 'active' AND "ownerUserId" = $1 ORDER BY name LIMIT 1`, [owner])).rows[0];
    const issuer = (await c.query(`SELECT id FROM "Issuer" WHERE type = 'token' AND enabled ORDER BY name LIMIT 1`)).rows[0].id as string;
    const ent = (
      await c.query(
        `INSERT INTO "Entitlement" (id, name, "issuerId", target, environment, "riskTier", "maxDurationSec", "defaultDurationSec", "approvalsRequired", "updatedAt")
         VALUES (gen_random_uuid(), 'e2e-retired-scope', $1, '{"scope": "retired:read"}', $2, 'low', 3600, 900, 1, now()) RETURNING id, name`,
        [issuer, ident.environment],
      )
    ).rows[0];
    return { identity: ident as { id: string; name: string }, entitlement: ent as { id: string; name: string } };
  });

  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, demo.owner);
  await owner.goto("/requests/new");
  await owner.getByLabel("Identity").selectOption(identity.id);
  await owner.getByLabel("Entitlement").selectOption(entitlement.id);
  await owner.getByLabel("For how long (minutes)").fill("10");
  await owner.getByLabel("Justification").fill("Read the retired scope one last time");

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, demo.admin);
  await admin.goto("/admin/entitlements");
  await admin.locator('tr[data-entitlement="e2e-retired-scope"]').getByRole("link", { name: "e2e-retired-scope" }).click();
  await expect(admin.getByRole("heading", { name: "e2e-retired-scope" })).toBeVisible();
  // Editing through the typed target: the scope of a token issuer's entitlement.
  const edit = admin.getByRole("form", { name: "Edit the entitlement" });
  await expect(edit.getByLabel("Scope")).toHaveValue("retired:read");
  await edit.getByLabel("Maximum duration").fill("PT30M");
  await edit.getByRole("button", { name: "Save entitlement" }).click();
  await expect(edit.getByTestId("entitlement-edit-result")).toHaveText("Entitlement saved");
  admin.once("dialog", (d) => {
    expect(d.message()).toContain("Disable e2e-retired-scope?");
    void d.accept();
  });
  await admin.getByRole("button", { name: "Disable entitlement" }).click();
  await expect(admin.getByTestId("entitlement-toggle-result")).toContainText("Entitlement disabled");
  await expect(admin.getByRole("button", { name: "Enable entitlement" })).toBeVisible();

  // A form opened while the entitlement was still offered (a tab left open) and sent after it was disabled.
  await owner.getByRole("button", { name: "Request access" }).click();
  await expect(owner.getByTestId("form-error")).toHaveText("e2e-retired-scope is disabled: it can no longer be requested or granted");
  const made = await withDb((c) => c.query(`SELECT count(*)::int AS n FROM "AccessRequest" WHERE "entitlementId" = $1`, [entitlement.id]));
  expect(made.rows[0].n).toBe(0);
  // A form opened now does not offer it at all.
  const fresh = await owner.context().newPage();
  await fresh.goto("/requests/new");
  await expect(fresh.getByLabel("Identity")).toBeVisible();
  await expect(fresh.getByLabel("Entitlement").locator(`option[value="${entitlement.id}"]`)).toHaveCount(0);
  await fresh.close();

  await admin.getByRole("button", { name: "Enable entitlement" }).click();
  await expect(admin.getByTestId("entitlement-toggle-result")).toHaveText("Entitlement enabled");
  await owner.getByRole("button", { name: "Request access" }).click();
  await expect(owner).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  const row = await withDb((c) => c.query(`SELECT "maxDurationSec", enabled FROM "Entitlement" WHERE id = $1`, [entitlement.id]));
  expect(row.rows[0]).toEqual({ maxDurationSec: 1800, enabled: true });
  const audit = await withDb((c) => c.query(`SELECT action FROM "AuditEvent" WHERE "subjectType" = 'entitlement' AND "subjectId" = $1 ORDER BY seq`, [entitlement.id]));
  expect(audit.rows.map((r) => r.action)).toEqual(["entitlement.updated", "entitlement.disabled", "entitlement.enabled"]);
  await admin.context().close();
  await owner.context().close();
});

test("a security reviewer is refused every admin page", async ({ page }) => {
  const entitlementId = (await withDb((c) => c.query(`SELECT id::text FROM "Entitlement" ORDER BY name LIMIT 1`))).rows[0].id as string;
  await signIn(page, demo.security);
  for (const url of ["/admin", "/admin/issuers", "/admin/entitlements", `/admin/entitlements/${entitlementId}`, "/admin/workload-issuers", "/admin/tokens", "/admin/users", "/admin/policies"]) {
    await page.goto(url);
    await expect(page.getByTestId("forbidden"), url).toBeVisible();
  }
});
