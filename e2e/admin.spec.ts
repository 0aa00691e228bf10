import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

test("an admin adds an issuer and an entitlement; bad configuration is refused with a clear message", async ({ page }) => {
  await signIn(page, demo.admin);
  await page.goto("/admin/issuers");
  const issuerForm = page.getByRole("form", { name: "Add an issuer" });
  await issuerForm.getByLabel("Issuer name").fill("e2e-tokens");
  await issuerForm.getByLabel("Issuer type").selectOption("token");
  await issuerForm.getByLabel("Raw JSON").check();
  await issuerForm.getByLabel("Issuer configuration").fill('{"audience": 42}');
  await issuerForm.getByRole("button", { name: "Add issuer" }).click();
  await expect(issuerForm.getByTestId("admin-create-result")).toContainText("audience");
  await issuerForm.getByLabel("Issuer configuration").fill('{"audience": "https://e2e.example"}');
  await issuerForm.getByRole("button", { name: "Add issuer" }).click();
  await expect(issuerForm.getByTestId("admin-create-result")).toHaveText("Issuer added; its secret is sealed");

  await page.goto("/admin/entitlements");
  const entForm = page.getByRole("form", { name: "Add an entitlement" });
  await entForm.getByLabel("Entitlement name").fill("e2e-api-read");
  // A webhook issuer's target is JSON, checked as such.
  await entForm.getByLabel("Issuer").selectOption("ops-webhook");
  await entForm.getByLabel("Target").fill("not json");
  await entForm.getByRole("button", { name: "Add entitlement" }).click();
  await expect(entForm.getByTestId("admin-create-result")).toContainText("target: write a JSON object");
  // A token issuer's target is typed: a scope and an optional audience, no JSON.
  await entForm.getByLabel("Issuer").selectOption("e2e-tokens");
  await expect(entForm.getByLabel("Target")).toHaveCount(0);
  await entForm.getByLabel("Scope").fill("orders:read");
  await entForm.getByRole("button", { name: "Add entitlement" }).click();
  await expect(entForm.getByTestId("admin-create-result")).toHaveText("Entitlement added");

  const rows = await withDb((c) => c.query(`SELECT e.name, i.name AS issuer, e.target FROM "Entitlement" e JOIN "Issuer" i ON i.id = e."issuerId" WHERE e.name = 'e2e-api-read'`));
  expect(rows.rows).toEqual([{ name: "e2e-api-read", issuer: "e2e-tokens", target: { scope: "orders:read" } }]);
  const audit = await withDb((c) =>
    c.query(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE action IN ('issuer.configured', 'entitlement.created') AND data->>'name' IN ('e2e-tokens', 'e2e-api-read')`),
  );
  expect(audit.rows[0].n).toBe(2);
});

test("an admin creates an API token, sees it once, the token works, and revoking it stops it", async ({ page, request }) => {
  await signIn(page, demo.admin);
  await page.goto("/admin/tokens");
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

test("an admin trusts a workload issuer with inline keys; its tokens get in until the trust is withdrawn", async ({ page, request }) => {
  const { SignJWT, exportJWK, generateKeyPair } = await import("jose");
  const iss = "https://ci.e2e.example";
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "e2e-ci-1", alg: "ES256" };
  const identity = await withDb(async (c) => {
    const name = (await c.query(`SELECT name FROM "Identity" WHERE status = 'active' AND "workloadIssuer" IS NULL ORDER BY name LIMIT 1`)).rows[0].name as string;
    await c.query(`UPDATE "Identity" SET "workloadIssuer" = $1, "workloadSubject" = 'repo:e2e/orders:ref:refs/heads/*' WHERE name = $2`, [iss, name]);
    return name;
  });
  const workloadToken = () =>
    new SignJWT({}).setProtectedHeader({ alg: "ES256", kid: "e2e-ci-1" }).setIssuer(iss).setAudience("https://hourglass.e2e").setSubject("repo:e2e/orders:ref:refs/heads/main").setIssuedAt().setExpirationTime("5m").sign(privateKey);
  // An empty body is refused as invalid (400) only once the caller is authenticated; unknown callers get 401.
  const call = async () => request.post("/api/v1/access-requests", { headers: { authorization: `Bearer ${await workloadToken()}` }, data: {} });
  const before = await call();
  expect(before.status()).toBe(401);
  expect((await before.json()).error.details.reason).toBe("unknown_issuer");

  await signIn(page, demo.admin);
  await page.goto("/admin/workload-issuers");
  const form = page.getByRole("form", { name: "Trust a workload issuer" });
  await form.getByLabel("Workload issuer name").fill("e2e-ci");
  await form.getByLabel("Issuer URL (iss)").fill(iss);
  await form.getByLabel("Audience").fill("https://hourglass.e2e");
  await form.getByLabel("Inline keys (air-gapped)").check();
  await form.getByLabel("Inline JWKS").fill("{not json");
  await form.getByRole("button", { name: "Trust issuer" }).click();
  await expect(form.getByTestId("workload-issuer-result")).toContainText("jwks: paste the issuer's JWKS as JSON");
  await form.getByLabel("Inline JWKS").fill(JSON.stringify({ keys: [jwk] }));
  await form.getByRole("button", { name: "Trust issuer" }).click();
  await expect(form.getByTestId("workload-issuer-result")).toContainText("Issuer trusted");
  const row = page.locator('tr[data-issuer="e2e-ci"]');
  await expect(row).toContainText("1 inline key");
  await expect(row).toContainText("trusted");
  await expect(row.locator("td").nth(3)).toHaveText("1");

  const admitted = await call();
  expect(admitted.status()).toBe(400);
  expect((await admitted.json()).error.code).toBe("validation_failed");

  page.once("dialog", (d) => {
    expect(d.message()).toContain(`Stop trusting tokens from ${iss}?`);
    void d.accept();
  });
  await row.getByRole("button", { name: "Withdraw trust" }).click();
  await expect(page.getByTestId("workload-issuer-toggle-result")).toContainText("Trust withdrawn");
  await expect(row).toContainText("withdrawn");
  await expect(row.getByRole("button", { name: "Trust again" })).toBeVisible();
  const refused = await call();
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.details.reason).toBe("unknown_issuer");

  const audit = await withDb((c) => c.query(`SELECT action FROM "AuditEvent" WHERE "subjectType" = 'workload_issuer' AND data->>'name' = 'e2e-ci' ORDER BY seq`));
  expect(audit.rows.map((r) => r.action)).toEqual(["workload_issuer.trusted", "workload_issuer.withdrawn"]);
  await withDb((c) => c.query(`UPDATE "Identity" SET "workloadIssuer" = NULL, "workloadSubject" = NULL WHERE name = $1`, [identity]));
});

test("every demo issuer is reachable, the ops system's signed webhook included", async ({ page }) => {
  await signIn(page, demo.admin);
  await page.goto("/admin/issuers");
  const issuers = page.locator("section", { hasText: "Connections to the systems that grant and revoke" });
  for (const name of ["demo-postgres", "hourglass-tokens", "ops-webhook"]) {
    // The worker checks every issuer when it starts; the page shows the last result.
    await expect(async () => {
      await page.reload();
      await expect(issuers.locator("tr", { hasText: name })).toContainText("healthy", { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
  }
});
