import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

// The grants list: live grants by default, "any" means every state, filters held in the URL, and
// Revoke as a row action for whom the domain allows it.

const LIVE = ["issuing", "active", "revoking", "revoke_failed", "irrevocable"];

async function countOf(sql: string, params: unknown[] = []) {
  return withDb(async (c) => Number((await c.query(sql, params)).rows[0].count));
}

test("live by default, any means any, and the filters narrow by environment, entitlement and end", async ({ page }) => {
  await signIn(page, demo.security);
  await page.goto("/grants");
  const range = page.getByText(/^\d+–\d+ of [\d,]+$|^No rows$/);
  const totalShown = async () => {
    const t = (await range.textContent()) ?? "";
    return t === "No rows" ? 0 : Number(t.split(" of ")[1].replaceAll(",", ""));
  };
  await expect(page.getByLabel("Status")).toHaveValue("live");
  expect(await totalShown()).toBe(await countOf(`SELECT count(*) FROM "Grant" WHERE status::text = ANY($1)`, [LIVE]));

  await page.getByLabel("Status").selectOption("any");
  await expect(page).toHaveURL(/status=any/);
  await expect.poll(totalShown).toBe(await countOf(`SELECT count(*) FROM "Grant"`));
  expect(await countOf(`SELECT count(*) FROM "Grant" WHERE NOT (status::text = ANY($1))`, [LIVE])).toBeGreaterThan(0);

  await page.getByLabel("Environment").selectOption("prod");
  await expect(page).toHaveURL(/environment=prod/);
  await expect.poll(totalShown).toBe(await countOf(`SELECT count(*) FROM "Grant" g JOIN "Entitlement" e ON e.id = g."entitlementId" WHERE e.environment = 'prod'`));
  for (const cell of await page.locator("tbody tr td:nth-child(4)").allTextContents()) expect(cell).toBe("prod");

  const ent = await withDb(async (c) => (await c.query(`SELECT e.id, e.name FROM "Grant" g JOIN "Entitlement" e ON e.id = g."entitlementId" WHERE e.environment = 'prod' GROUP BY e.id, e.name ORDER BY count(*) DESC LIMIT 1`)).rows[0] as { id: string; name: string });
  await page.getByLabel("Entitlement").selectOption(ent.id);
  await expect.poll(totalShown).toBe(await countOf(`SELECT count(*) FROM "Grant" WHERE "entitlementId" = $1`, [ent.id]));
  for (const cell of await page.locator("tbody tr td:nth-child(2)").allTextContents()) expect(cell).toBe(ent.name);

  // Ends by a day long past: nothing; the state is in the URL, so a reload keeps it.
  await page.getByLabel("Ends by (UTC)").fill("2001-01-01");
  await expect(page).toHaveURL(/endsBefore=2001-01-01/);
  await expect(page.getByText("No grant matches these filters.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Environment")).toHaveValue("prod");
  await expect(page.getByText("No grant matches these filters.")).toBeVisible();
});

test("an owner revokes their own grant from the list; an approver, who may not revoke, is offered no Revoke", async ({ browser }) => {
  test.setTimeout(120_000);
  // The owner's own live grant: an entitlement approved at once, outside production (no ticket needed).
  const pick = await withDb(async (c) => {
    const r = await c.query(
      `SELECT i.id AS "identityId", i.name AS identity, e.id AS "entitlementId", e.name AS entitlement
       FROM "Identity" i JOIN "TeamMember" m ON m."teamId" = i."ownerTeamId" JOIN "User" u ON u.id = m."userId"
       JOIN "Entitlement" e ON e.environment = i.environment JOIN "Issuer" s ON s.id = e."issuerId" AND s.type IN ('postgres', 'token')
       WHERE u.email = $1 AND i.status = 'active' AND e."approvalsRequired" = 0 AND i.environment <> 'prod'
       ORDER BY i.name, e.name LIMIT 1`,
      [demo.owner],
    );
    return r.rows[0] as { identityId: string; identity: string; entitlementId: string; entitlement: string } | undefined;
  });
  expect(pick, "the demo data has an entitlement approved at once for the owner's team").toBeTruthy();
  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, demo.owner);
  await owner.goto("/requests/new");
  await owner.getByLabel("Identity").selectOption(pick!.identityId);
  await owner.getByLabel("Entitlement").selectOption(pick!.entitlementId);
  await expect(owner.getByTestId("policy-preview")).toHaveAttribute("data-outcome", "auto_approve");
  await owner.getByLabel("For how long (minutes)").fill("30");
  await owner.getByLabel("Justification").fill("Replay the dead-letter queue after the fix");
  await owner.getByRole("button", { name: "Request access" }).click();
  await expect(owner.getByTestId("grant-status")).toContainText("active", { timeout: 30_000 });
  const grant = await withDb(async (c) => {
    const r = await c.query(`SELECT g.id FROM "Grant" g JOIN "AccessRequest" r ON r.id = g."requestId" WHERE r.id = $1`, [owner.url().split("/").pop()]);
    return { id: r.rows[0].id as string, identity: pick!.identity, entitlement: pick!.entitlement };
  });

  const approver = await (await browser.newContext()).newPage();
  await signIn(approver, demo.approver);
  await approver.goto(`/grants?identity=${encodeURIComponent(grant.identity)}`);
  await expect(approver.locator(`tr[data-row-id="${grant.id}"]`)).toBeVisible();
  await expect(approver.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await approver.context().close();

  await owner.goto(`/grants?identity=${encodeURIComponent(grant.identity)}`);
  const row = owner.locator(`tr[data-row-id="${grant.id}"]`);
  await row.getByRole("button", { name: "Revoke" }).click();
  // Too short a reason is refused in words, beside the field.
  await row.getByLabel(`Why revoke ${grant.entitlement} for ${grant.identity}`).fill("no");
  await row.getByRole("button", { name: "Revoke now" }).click();
  await expect(row.getByRole("alert")).toContainText("few words");
  await row.getByLabel(`Why revoke ${grant.entitlement} for ${grant.identity}`).fill("Job finished early");
  await row.getByRole("button", { name: "Revoke now" }).click();
  // The row says so at once (or is gone already, once the worker revoked it and the live list re-rendered).
  await expect(row.getByRole("status").or(row.getByText(/^(revoking|revoked)$/)).or(owner.getByText("No grant matches these filters.")).first()).toBeVisible();
  await expect(row.getByRole("button", { name: "Revoke", exact: true })).toHaveCount(0);
  await expect.poll(async () => withDb(async (c) => (await c.query(`SELECT status::text AS s FROM "Grant" WHERE id = $1`, [grant.id])).rows[0].s)).toMatch(/^(revoking|revoked)$/);
  expect(await countOf(`SELECT count(*) FROM "AuditEvent" WHERE action = 'grant.revoke_requested' AND "subjectId" = $1`, [grant.id])).toBe(1);
  await owner.context().close();
});
