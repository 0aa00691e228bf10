import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

// An owner answers the quarterly production attestation: one identity with the row's Keep button,
// two more in bulk with a decision and a comment. The database must show each decision, who made
// it, and the identity's new last-attested time.

test("an owner attests their identities in the open campaign, one by one and in bulk", async ({ page }) => {
  const openRows = () =>
    withDb(async (c) => {
      const r = await c.query(
        `SELECT a.id FROM "Attestation" a
         JOIN "AttestationCampaign" k ON k.id = a."campaignId"
         JOIN "Identity" i ON i.id = a."identityId"
         WHERE k.status = 'open' AND k.name LIKE '% production attestation' AND a.decision IS NULL AND i.status <> 'decommissioned'
           AND (i."ownerUserId" = (SELECT id FROM "User" WHERE email = $1)
                OR i."ownerTeamId" IN (SELECT m."teamId" FROM "TeamMember" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1))`,
        [demo.owner],
      );
      return r.rows.map((x) => x.id as string);
    });
  const before = await openRows();
  expect(before.length).toBeGreaterThanOrEqual(3);

  await signIn(page, demo.owner);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Attestations" }).click();
  await expect(page.getByRole("heading", { name: "My identities to attest" })).toBeVisible();
  const table = page.getByRole("table", { name: "My identities to attest" });
  const rows = table.locator("tbody tr[data-row-id]");
  await expect(rows.first()).toBeVisible();
  await expect(rows.first()).toContainText(/production attestation/);
  // Every row on screen is one of the owner's open rows, and there are as many as the database says.
  const shown = await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.rowId!));
  expect(shown.every((id) => before.includes(id))).toBe(true);
  await expect(page.getByTestId("my-attestations")).toContainText(`of ${before.length.toLocaleString("en")}`);

  // One by one: the row's Keep button.
  const [first, second, third] = shown;
  const keep = table.locator(`tr[data-row-id="${first}"]`).getByRole("button", { name: /^Keep / });
  const firstName = (await keep.getAttribute("aria-label"))!.replace(/^Keep /, "");
  await keep.click();
  await expect(page.getByTestId("attest-message")).toHaveText(`Attested 1 identity: keep (${firstName}).`);
  await expect(table.locator(`tr[data-row-id="${first}"]`)).toHaveCount(0);

  // In bulk: select two, choose a decision, say why.
  await table.locator(`tr[data-row-id="${second}"]`).getByLabel("Select row").check();
  await table.locator(`tr[data-row-id="${third}"]`).getByLabel("Select row").check();
  await expect(page.getByTestId("bulk-bar")).toContainText("2 selected");
  await page.getByLabel("Decision").selectOption("reduce");
  const attestTwo = page.getByRole("button", { name: "Attest 2: reduce" });
  // A reduce without a reason is refused before anything is sent.
  await attestTwo.click();
  await expect(page.getByTestId("attest-message")).toContainText("Say why in the comment");
  await page.getByLabel("Comment").fill("Write access no longer needed; cutting to read-only");
  await attestTwo.click();
  await expect(page.getByTestId("attest-message")).toHaveText("Attested 2 identities: reduce.");
  await expect(table.locator(`tr[data-row-id="${second}"]`)).toHaveCount(0);
  await expect(table.locator(`tr[data-row-id="${third}"]`)).toHaveCount(0);

  const after = await withDb((c) =>
    c.query(
      `SELECT a.id, a.decision::text AS decision, a.comment, u.email AS by, i."lastAttestedAt" > now() - interval '5 minutes' AS fresh, i.status::text AS status
       FROM "Attestation" a JOIN "Identity" i ON i.id = a."identityId" LEFT JOIN "User" u ON u.id = a."attestedById"
       WHERE a.id = ANY($1::uuid[])`,
      [[first, second, third]],
    ),
  );
  const byId = Object.fromEntries(after.rows.map((r) => [r.id, r]));
  expect(byId[first]).toMatchObject({ decision: "keep", comment: "", by: demo.owner, fresh: true, status: "active" });
  for (const id of [second, third]) {
    expect(byId[id]).toMatchObject({ decision: "reduce", comment: "Write access no longer needed; cutting to read-only", by: demo.owner, fresh: true, status: "active" });
  }
  expect(await openRows()).toHaveLength(before.length - 3);
  const audited = await withDb((c) =>
    c.query(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE action = 'attestation.recorded' AND "actorLabel" = $1 AND at > now() - interval '5 minutes'`, [demo.owner]),
  );
  expect(audited.rows[0].n).toBe(3);
});

test("an owner cannot open a new campaign", async ({ page }) => {
  await signIn(page, demo.owner);
  await page.goto("/attestations");
  await expect(page.getByRole("link", { name: "New campaign" })).toHaveCount(0);
  await page.goto("/attestations/new");
  await expect(page).toHaveURL(/\/forbidden/);
  await expect(page.getByTestId("forbidden")).toContainText("403");
});

test("security opens a campaign, sees who still has to attest, and closes it", async ({ page }) => {
  const name = `E2E CI job attestation ${Date.now()}`;
  await signIn(page, demo.security);
  await page.goto("/attestations");
  await page.getByRole("link", { name: "New campaign" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("New attestation campaign");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Environment").selectOption("dev");
  await page.getByLabel("Kind").selectOption("ci_job");
  await page.getByRole("button", { name: "Open campaign" }).click();
  await expect(page).toHaveURL(/\/attestations\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);

  const expected = await withDb(async (c) => (await c.query(`SELECT count(*)::int AS n FROM "Identity" WHERE status = 'active' AND environment = 'dev' AND kind = 'ci_job'`)).rows[0].n as number);
  await expect(page.getByTestId("campaign-progress")).toContainText(`0/${expected} attested`);
  await expect(page.getByTestId("open-by-owner")).toBeVisible();

  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Close campaign" }).click();
  await expect(page.getByTestId("campaign-status")).toContainText("closed");
  const row = await withDb(async (c) => (await c.query(`SELECT status::text AS status, "createdById" IS NOT NULL AS by FROM "AttestationCampaign" WHERE name = $1`, [name])).rows[0]);
  expect(row).toEqual({ status: "closed", by: true });
});
