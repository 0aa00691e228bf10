import { expect, test } from "@playwright/test";
import { demo, navAreas, signIn, signOut, withDb } from "./support";

// Written out by hand, not derived from lib/authz.ts, so a change to the table shows up here.
const expected: Record<string, { email: string; areas: string[]; refused: string[] }> = {
  admin: {
    email: demo.admin,
    areas: ["overview", "requests", "approvals", "grants", "identities", "exceptions", "attestations", "metrics", "audit", "admin"],
    refused: [],
  },
  security: {
    email: demo.security,
    areas: ["overview", "requests", "approvals", "grants", "identities", "exceptions", "attestations", "metrics", "audit"],
    refused: ["/admin"],
  },
  approver: { email: demo.approver, areas: ["overview", "requests", "approvals", "grants", "identities", "metrics"], refused: ["/audit", "/exceptions", "/admin"] },
  owner: { email: demo.owner, areas: ["overview", "requests", "grants", "identities", "exceptions", "attestations"], refused: ["/approvals", "/audit", "/admin"] },
  auditor: { email: demo.auditor, areas: ["overview", "requests", "grants", "identities", "exceptions", "metrics", "audit"], refused: ["/approvals", "/admin"] },
  requester: { email: demo.requester, areas: ["overview", "requests", "grants", "identities"], refused: ["/approvals", "/metrics", "/audit", "/admin", "/exceptions"] },
};

for (const [role, { email, areas, refused }] of Object.entries(expected)) {
  test(`${role} sees exactly their areas and is refused the others`, async ({ page }) => {
    await signIn(page, email);
    expect(await navAreas(page)).toEqual(areas);
    for (const area of areas) {
      await page.goto(area === "overview" ? "/" : `/${area}`);
      await expect(page.getByTestId("forbidden")).toHaveCount(0);
      // The page's own title, not an error page's heading.
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(area === "overview" ? /^Hello, / : area[0].toUpperCase() + area.slice(1));
    }
    for (const path of refused) {
      await page.goto(path);
      await expect(page).toHaveURL(new RegExp(`/forbidden\\?area=${path.slice(1)}`));
      await expect(page.getByTestId("forbidden")).toContainText("403");
    }
  });
}

test("a server action refuses a user without the permission, and nothing changes", async ({ browser }) => {
  const context = await browser.newContext();
  const adminPage = await context.newPage();
  await signIn(adminPage, demo.admin);
  await adminPage.goto("/admin/users");
  const row = adminPage.locator(`tr[data-user="${demo.requester}"]`);
  await expect(row).toBeVisible();
  // Let the admin page's prefetches finish, so none of them refreshes the admin session later.
  await adminPage.waitForLoadState("networkidle");

  // The same browser now carries the approver's session; the admin form is still on screen.
  const other = await context.newPage();
  await signOut(other);
  await signIn(other, demo.approver);

  await row.getByLabel("admin").check();
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByTestId("roles-result")).toContainText("You do not have permission to do this (needs admin:users)");
  const roles = await withDb((c) => c.query(`SELECT roles::text[] AS roles FROM "User" WHERE email = $1`, [demo.requester]));
  expect(roles.rows[0].roles).toEqual(["requester"]);
  await context.close();
});

test("an admin changes a user's roles and the change is audited", async ({ page }) => {
  await signIn(page, demo.admin);
  await page.goto("/admin/users");
  const row = page.locator(`tr[data-user="${demo.auditor}"]`);
  await row.getByLabel("approver").check();
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByTestId("roles-result")).toHaveText("Roles saved");
  const after = await withDb((c) =>
    c.query(
      `SELECT u.roles::text[] AS roles, (SELECT count(*)::int FROM "AuditEvent" a WHERE a.action = 'user.roles_changed' AND a."subjectId" = u.id::text) AS events
       FROM "User" u WHERE email = $1`,
      [demo.auditor],
    ),
  );
  expect(after.rows[0]).toEqual({ roles: ["approver", "auditor"], events: 1 });
  // Put it back for the other specs.
  await row.getByLabel("approver").uncheck();
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByTestId("roles-result")).toHaveText("Roles saved");
});
