import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

// An owner's journey on an identity they own (Mine, request access from it, hand it to a team with
// a reason; another owner is refused), then the auditor reads its history as sentences with links,
// and the audit page's subject link opens the subject.

const OTHER_OWNER = "maria.gonzalez@hourglass.local";

test("an owner filters Mine, requests access from their identity and transfers it; another owner is refused; history reads in sentences", async ({ browser }) => {
  test.setTimeout(180_000);
  const s = randomBytes(3).toString("hex");
  const name = `e2e-owned-${s}`;
  const { identityId, dataTeam } = await withDb(async (c) => {
    const owner = await c.query<{ id: string }>(`SELECT id::text FROM "User" WHERE email = $1`, [demo.owner]);
    const other = await c.query<{ id: string }>(`SELECT id::text FROM "User" WHERE email = $1`, [OTHER_OWNER]);
    const mk = (n: string, ownerId: string) =>
      c.query<{ id: string }>(
        `INSERT INTO "Identity" (id, name, kind, environment, system, "ownerUserId", "updatedAt") VALUES (gen_random_uuid(), $1, 'service_account', 'prod', 'orders', $2::uuid, now()) RETURNING id::text`,
        [n, ownerId],
      );
    const mine = await mk(name, owner.rows[0].id);
    await mk(`e2e-others-${s}`, other.rows[0].id);
    const team = await c.query<{ id: string }>(`SELECT id::text FROM "Team" WHERE name = 'data'`);
    return { identityId: mine.rows[0].id, dataTeam: team.rows[0].id };
  });

  // The owner finds it under Mine; the other owner's identity is not there.
  const ownerCtx = await browser.newContext();
  const page = await ownerCtx.newPage();
  await signIn(page, demo.owner);
  await page.goto(`/identities?q=${s}`);
  await expect(page.getByRole("link", { name: `e2e-others-${s}`, exact: true })).toBeVisible();
  await page.getByLabel("Owner").selectOption("mine");
  await expect(page).toHaveURL(/owner=mine/);
  await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: `e2e-others-${s}`, exact: true })).toHaveCount(0);
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  const actions = page.getByTestId("owner-actions");
  await expect(actions).toContainText("You own this identity");
  await expect(actions.getByRole("link", { name: "Propose an exception" })).toHaveAttribute("href", `/exceptions/new?identity=${identityId}`);

  // Request access opens the form with this identity chosen.
  await actions.getByRole("link", { name: "Request access" }).click();
  await expect(page).toHaveURL(new RegExp(`/requests/new\\?identity=${identityId}`));
  await expect(page.getByLabel("Identity")).toHaveValue(identityId);
  await page.getByLabel("Entitlement").selectOption({ label: "orders-db-read-prod · medium risk" });
  await page.getByLabel("Ticket").fill("OPS-4242");
  await page.getByLabel("For how long (minutes)").fill("20");
  await page.getByLabel("Justification").fill("Reconcile the ledger export");
  await page.getByRole("button", { name: "Request access" }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  const requestId = page.url().split("/").pop()!;
  await expect(page.getByTestId("request-history")).toContainText("Taylor Brooks requested orders-db-read-prod");

  // Handed to the data team, with a reason.
  await page.goto(`/identities/${identityId}`);
  const transfer = page.getByTestId("transfer-ownership");
  await transfer.getByLabel("New owner").selectOption(`team:${dataTeam}`);
  await transfer.getByLabel("Why transfer").fill("the data team runs the export now");
  await transfer.getByRole("button", { name: "Transfer" }).click();
  // Handed away: the page now shows the new owner, and the former owner may no longer transfer it.
  await expect(page.getByTestId("identity-owner")).toHaveText("team data");
  await expect(page.getByTestId("transfer-refused")).toBeVisible();
  await expect(page.getByTestId("identity-owner-history")).toContainText("the data team runs the export now");
  expect(await withDb(async (c) => (await c.query(`SELECT "ownerUserId", "ownerTeamId"::text FROM "Identity" WHERE id = $1`, [identityId])).rows[0])).toEqual({ ownerUserId: null, ownerTeamId: dataTeam });
  await ownerCtx.close();

  // Another owner may not hand it on, and is told so.
  const otherCtx = await browser.newContext();
  const other = await otherCtx.newPage();
  await signIn(other, OTHER_OWNER);
  await other.goto(`/identities/${identityId}`);
  await expect(other.getByTestId("transfer-refused")).toHaveText("Only its owner, a member of its owning team or an admin can transfer its ownership.");
  await expect(other.getByTestId("transfer-ownership")).toHaveCount(0);
  await otherCtx.close();

  // The auditor reads the identity's history in sentences, with a link to the request.
  const auditCtx = await browser.newContext();
  const auditor = await auditCtx.newPage();
  await signIn(auditor, demo.auditor);
  await auditor.goto(`/identities/${identityId}`);
  const history = auditor.getByTestId("identity-audit");
  await expect(history).toContainText(`Taylor Brooks handed this identity from ${demo.owner} to team data: “the data team runs the export now”`);
  const requested = history.locator("li", { hasText: "Taylor Brooks requested orders-db-read-prod" });
  await expect(requested).toBeVisible();
  await expect(history).not.toContainText('{"');
  await requested.getByRole("link", { name: "the request" }).click();
  await expect(auditor).toHaveURL(new RegExp(`/requests/${requestId}$`));

  // The audit page: a sentence per event, the exact data beneath, and the subject opens its page.
  await auditor.goto(`/audit?subjectId=${requestId}`);
  const row = auditor.locator("tbody tr", { hasText: "requested orders-db-read-prod" });
  await expect(row.getByTestId("audit-event")).toContainText(`Taylor Brooks requested orders-db-read-prod for ${name} for 20 min`);
  await row.getByText("Recorded data").click();
  await expect(row.locator("details[open] pre")).toContainText(`"identity": "${name}"`);
  await row.getByTestId("audit-subject").getByRole("link").click();
  await expect(auditor).toHaveURL(new RegExp(`/requests/${requestId}$`));
  await expect(auditor.getByRole("heading", { level: 1 })).toHaveText(`orders-db-read-prod for ${name}`);
  await auditCtx.close();
});
