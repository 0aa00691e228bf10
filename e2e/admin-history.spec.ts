import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

const RULE = `@id("e2e-history-rule")\nforbid (principal, action == Hourglass::Action::"request", resource) when { context.hourUtc < 0 };`;

test("an admin edits the policies, reads the change in the history with its author, and rolls back to the text before it", async ({ page }) => {
  // Two saves, two reloads and the database read back: more than the default on a loaded machine.
  test.setTimeout(60_000);
  await signIn(page, demo.admin);
  await page.goto("/admin/policies");
  const editor = page.getByLabel("Cedar policies");
  const original = await editor.inputValue();
  const edited = Number(/\d+/.exec((await page.getByRole("button", { name: /Save as version/ }).textContent()) ?? "")?.[0]);
  const before = edited - 1;

  await editor.fill(`${original.trimEnd()}\n${RULE}\n`);
  await page.getByLabel("Change comment").fill("Forbid requests at no hour (history e2e)");
  await page.getByRole("button", { name: `Save as version ${edited}` }).click();
  await expect(page.getByTestId("policy-message")).toContainText(`Saved as version ${edited}`);

  await page.reload();
  const newest = page.getByTestId("policy-version").first();
  await expect(newest).toHaveAttribute("data-version", String(edited));
  await expect(newest).toContainText("in force");
  await expect(newest).toContainText("Forbid requests at no hour (history e2e)");
  await expect(newest).toContainText(demo.admin);
  await newest.getByText(`Changes against v${before}`).click();
  const added = newest.getByTestId("policy-diff").locator('[data-kind="added"]');
  await expect(added).toHaveCount(2);
  await expect(added.first()).toContainText('@id("e2e-history-rule")');
  await expect(newest.getByTestId("policy-diff").locator('[data-kind="removed"]')).toHaveCount(0);

  // Back to the version before the edit: saved as a new version with that text.
  const previous = page.locator(`[data-testid="policy-version"][data-version="${before}"]`);
  await previous.getByRole("button", { name: "Roll back to this version" }).click();
  await previous.getByRole("button", { name: `Save version ${before}'s text as a new version` }).click();
  await expect(previous.getByRole("status")).toHaveText(`Rolled back: version ${edited + 1} has the text of version ${before}.`);
  await expect(page.getByTestId("policy-version").first()).toHaveAttribute("data-version", String(edited + 1));
  await expect(page.getByTestId("policy-version").first()).toContainText(`Roll back to version ${before}`);
  await expect(editor).toHaveValue(original);

  const { rows } = await withDb((c) =>
    c.query(`SELECT v.version, v.text, v.comment, u.email FROM "PolicyVersion" v LEFT JOIN "User" u ON u.id = v."createdById" ORDER BY v.version DESC LIMIT 1`),
  );
  expect(rows[0]).toMatchObject({ version: edited + 1, comment: `Roll back to version ${before}`, email: demo.admin });
  expect(rows[0].text).not.toContain("e2e-history-rule");
  const audit = await withDb((c) => c.query(`SELECT data FROM "AuditEvent" WHERE action = 'policy.rolled_back' AND "subjectId" = $1`, [String(edited + 1)]));
  expect(audit.rows[0].data).toMatchObject({ from: edited, to: edited + 1, restored: before, removed: ["e2e-history-rule"] });
});

test("an admin invites a user by email with roles: listed as invited, a second invitation for that email refused in words", async ({ page }) => {
  await signIn(page, demo.admin);
  await page.goto("/admin/users");
  const invite = page.getByRole("form", { name: "Invite a user" });
  await invite.getByLabel("Email").fill("Jordan.Invited@Example.com");
  await invite.getByLabel("Name").fill("Jordan Invited");
  await invite.getByLabel("owner").check();
  await invite.getByLabel("approver").check();
  await invite.getByRole("button", { name: "Invite" }).click();
  await expect(invite.getByTestId("invite-result")).toHaveText("jordan.invited@example.com is invited; their first single sign-on with that email gives them these roles");

  const row = page.locator('tr[data-user="jordan.invited@example.com"]');
  await expect(row).toContainText("Jordan Invited");
  await expect(row).toContainText("invited, not signed in yet");
  await expect(row.getByRole("checkbox", { name: "approver" })).toBeChecked();
  await expect(row.getByRole("checkbox", { name: "owner" })).toBeChecked();
  await expect(row.getByRole("checkbox", { name: "admin" })).not.toBeChecked();

  await invite.getByLabel("Email").fill("jordan.invited@example.com");
  await invite.getByLabel("requester").check();
  await invite.getByRole("button", { name: "Invite" }).click();
  await expect(invite.getByTestId("invite-result")).toHaveText("jordan.invited@example.com is already a user of Hourglass");
  await expect(invite.getByLabel("Email")).toHaveValue("jordan.invited@example.com");

  const { rows } = await withDb((c) => c.query(`SELECT u.roles::text AS roles, u."passwordHash", (SELECT count(*)::int FROM "AuditEvent" a WHERE a.action = 'user.invited' AND a."subjectId" = u.id::text) AS events FROM "User" u WHERE u.email = 'jordan.invited@example.com'`));
  expect(rows).toEqual([{ roles: "{approver,owner}", passwordHash: null, events: 1 }]);
});
