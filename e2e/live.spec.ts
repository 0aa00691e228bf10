import { expect, test, type Page } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

// Pages follow the database: a new request appears in an open queue, and a grant revoked elsewhere
// changes on its open page, without a reload and without losing what the user selected.

/** An identity of the owner's team with an entitlement that needs one approval, outside production. */
async function pick(approvals: number) {
  return withDb(async (c) => {
    const r = await c.query(
      `SELECT i.id AS "identityId", i.name AS identity, e.id AS "entitlementId", e.name AS entitlement
       FROM "Identity" i JOIN "TeamMember" m ON m."teamId" = i."ownerTeamId" JOIN "User" u ON u.id = m."userId"
       JOIN "Entitlement" e ON e.environment = i.environment JOIN "Issuer" s ON s.id = e."issuerId" AND s.type IN ('postgres', 'token')
       WHERE u.email = $1 AND i.status = 'active' AND e."approvalsRequired" = $2 AND i.environment <> 'prod' AND NOT e."securityApprovalRequired"
         AND NOT EXISTS (SELECT 1 FROM "TeamMember" am JOIN "User" au ON au.id = am."userId" WHERE am."teamId" = i."ownerTeamId" AND au.email = $3)
       ORDER BY i.name DESC, e.name LIMIT 1`,
      [demo.owner, approvals, demo.approver],
    );
    return r.rows[0] as { identityId: string; identity: string; entitlementId: string; entitlement: string } | undefined;
  });
}

async function request(page: Page, p: { identityId: string; entitlementId: string }, justification: string) {
  await page.goto("/requests/new");
  await page.getByLabel("Identity").selectOption(p.identityId);
  await page.getByLabel("Entitlement").selectOption(p.entitlementId);
  await page.getByLabel("For how long (minutes)").fill("30");
  await page.getByLabel("Justification").fill(justification);
  await page.getByRole("button", { name: "Request access" }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  return page.url().split("/").pop()!;
}

test("a new request appears in an open queue, and the approver's selection stays", async ({ browser }) => {
  test.setTimeout(120_000);
  const p = await pick(1);
  expect(p, "the demo data has a one-approval entitlement for the owner's team").toBeTruthy();
  const approver = await (await browser.newContext()).newPage();
  await signIn(approver, demo.approver);
  await approver.goto("/approvals?sort=createdAt&dir=desc");
  const firstRow = approver.locator("tbody tr[data-row-id]").first();
  await expect(firstRow).toBeVisible();
  const selectedId = await firstRow.getAttribute("data-row-id");
  await firstRow.getByLabel("Select row").check();
  await approver.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, demo.owner);
  const requestId = await request(owner, p!, "Backfill the staging search index after the schema change");

  await expect(approver.locator(`tr[data-row-id="${requestId}"]`)).toBeVisible({ timeout: 15_000 });
  expect(await approver.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  await expect(approver.locator(`tr[data-row-id="${selectedId}"]`).getByLabel("Select row")).toBeChecked();
  await owner.context().close();
  await approver.context().close();
});

test("a grant revoked elsewhere changes on its open page without a reload", async ({ browser }) => {
  test.setTimeout(120_000);
  const p = await pick(0);
  expect(p, "the demo data has an entitlement approved at once for the owner's team").toBeTruthy();
  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, demo.owner);
  await request(owner, p!, "Re-run the nightly reconciliation by hand");
  await expect(owner.getByTestId("grant-status")).toContainText("active", { timeout: 30_000 });
  await owner.getByRole("link", { name: "Grant details and history →" }).click();
  await expect(owner).toHaveURL(/\/grants\/[0-9a-f-]{36}$/);
  const grantId = owner.url().split("/").pop()!;
  await owner.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  const security = await (await browser.newContext()).newPage();
  await signIn(security, demo.security);
  await security.goto(`/grants?identity=${encodeURIComponent(p!.identity)}`);
  const row = security.locator(`tr[data-row-id="${grantId}"]`);
  await row.getByRole("button", { name: "Revoke" }).click();
  await row.getByLabel(/^Why revoke/).fill("Rotating every credential of this service");
  await row.getByRole("button", { name: "Revoke now" }).click();

  await expect(owner.getByText(/revoking|revoked/).first()).toBeVisible({ timeout: 15_000 });
  await expect(owner.getByRole("heading", { name: "End it now" })).toHaveCount(0);
  expect(await owner.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  await security.context().close();
  await owner.context().close();
});
