import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

// The request form asks policy while it is filled in (the same decision a submit makes, nothing
// written), and a refused request is asked again from its page with every field kept.

test("the form says what policy will decide before submit, and a refused request is asked again with its fields", async ({ page }) => {
  test.setTimeout(120_000);
  const identity = await withDb(async (c) => {
    const r = await c.query(
      `SELECT i.id, i.name FROM "Identity" i JOIN "TeamMember" m ON m."teamId" = i."ownerTeamId" JOIN "User" u ON u.id = m."userId"
       WHERE u.email = $1 AND i.environment = 'prod' AND i.status = 'active' ORDER BY i.name DESC LIMIT 1`,
      [demo.owner],
    );
    return r.rows[0] as { id: string; name: string };
  });
  expect(identity).toBeTruthy();
  const requestsBefore = await withDb(async (c) => Number((await c.query(`SELECT count(*) FROM "AccessRequest"`)).rows[0].count));

  await signIn(page, demo.owner);
  await page.goto("/requests/new");
  // Many identities: the picker searches by name.
  const search = page.getByLabel("Search by name");
  if (await search.isVisible()) {
    await search.fill(identity.name);
    await expect(page.getByTestId("identity-matches")).toHaveText("1 match");
  }
  await page.getByLabel("Identity").selectOption(identity.id);
  await page.getByLabel("Entitlement").selectOption({ label: "orders-db-read-prod · medium risk" });
  const preview = page.getByTestId("policy-preview");
  await expect(preview).toContainText("Will be refused: Production access needs a ticket, incident or change reference");
  await page.getByLabel("Ticket").fill("OPS-9001");
  await expect(preview).toContainText("Needs 2 approvals");
  await expect(preview).toHaveAttribute("data-outcome", "require_approval");
  await page.getByLabel("Ticket").fill("");
  await expect(preview).toHaveAttribute("data-outcome", "deny");
  // Previews wrote nothing.
  expect(await withDb(async (c) => Number((await c.query(`SELECT count(*) FROM "AccessRequest"`)).rows[0].count))).toBe(requestsBefore);

  // A preset fills the minutes.
  await page.getByRole("group", { name: "Common durations" }).getByRole("button", { name: "2 h" }).click();
  await expect(page.getByLabel("For how long (minutes)")).toHaveValue("120");
  // Submitted anyway: refused at once, as the form said.
  await page.getByLabel("For how long (minutes)").fill("20");
  await page.getByLabel("Justification").fill("Check the nightly export against the ledger");
  await page.getByRole("button", { name: "Request access" }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("request-status")).toContainText("denied");

  // Asked again: the fields come back; only the ticket is added.
  await page.getByRole("link", { name: "Request again" }).click();
  await expect(page).toHaveURL(/\/requests\/new\?again=/);
  await expect(page.getByLabel("Identity")).toHaveValue(identity.id);
  await expect(page.getByLabel("Entitlement")).toHaveValue(/[0-9a-f-]{36}/);
  await expect(page.getByLabel("For how long (minutes)")).toHaveValue("20");
  await expect(page.getByLabel("Justification")).toHaveValue("Check the nightly export against the ledger");
  await expect(preview).toHaveAttribute("data-outcome", "deny");
  await page.getByLabel("Ticket").fill("OPS-9002");
  await expect(preview).toHaveAttribute("data-outcome", "require_approval");
  await page.getByRole("button", { name: "Request access" }).click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("request-status")).toContainText("pending");
});

test("asking again from someone else's request starts an empty form", async ({ page }) => {
  const foreign = await withDb(async (c) => {
    const r = await c.query(`SELECT r.id FROM "AccessRequest" r JOIN "User" u ON u.id = r."requesterUserId" WHERE u.email <> $1 LIMIT 1`, [demo.owner]);
    return r.rows[0] as { id: string } | undefined;
  });
  expect(foreign, "the demo data has requests by others").toBeTruthy();
  await signIn(page, demo.owner);
  await page.goto(`/requests/new?again=${foreign!.id}`);
  await expect(page.getByLabel("Justification")).toHaveValue("");
});
