import { expect, test, type Page } from "@playwright/test";
import { DEMO_PASSWORD, demo, withDb } from "./support";

// A phone (390 × 844, touch): the navigation folds behind a Menu button, no page is wider than the
// screen, and an approver decides from the queue with the controls at the bottom of the screen.

const phone = { width: 390, height: 844 };
test.use({ viewport: phone, hasTouch: true, isMobile: true });

/** The real sign-in form; on a phone the signed-in person sits inside the folded menu. */
async function signInOnPhone(page: Page, email: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Menu" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toBeAttached();
}

async function expectNoSidewaysScroll(page: Page, what: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${what} is ${width} px wide`).toBeLessThanOrEqual(phone.width);
}

/** Fully inside the screen once scrolled to (not under its edge, not wider than it). */
async function expectOnScreen(page: Page, locator: ReturnType<Page["locator"]>) {
  await locator.scrollIntoViewIfNeeded();
  const box = (await locator.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(phone.width);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(phone.height);
}

test("the menu opens, navigates, and closes on navigation and on Esc", async ({ page }) => {
  await signInOnPhone(page, demo.security);
  const menu = page.getByRole("button", { name: "Menu" });
  const nav = page.locator("nav[aria-label=Main]");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(nav).toBeHidden();
  const controls = await menu.getAttribute("aria-controls");
  expect(controls).toBeTruthy();

  await menu.tap();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(page.locator(`#${controls} nav[aria-label=Main]`)).toBeVisible();
  await expect(page.getByTestId("current-user")).toBeVisible();
  await nav.getByRole("link", { name: "Grants" }).tap();
  await expect(page).toHaveURL(/\/grants$/);
  await expect(page.getByRole("heading", { level: 1, name: "Grants" })).toBeVisible();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(nav).toBeHidden();

  await menu.tap();
  await expect(nav).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(nav).toBeHidden();
  await expect(menu).toBeFocused();

  // Sign out lives in the menu too.
  await menu.tap();
  await page.getByRole("button", { name: "Sign out" }).tap();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("no dashboard page is wider than the phone", async ({ page }) => {
  test.setTimeout(120_000);
  await signInOnPhone(page, demo.admin);
  const wide: string[] = [];
  const visit = async (url: string) => {
    await page.goto(url);
    await page.waitForLoadState("networkidle");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > phone.width) wide.push(`${url}: ${width}px`);
  };
  const first = async (list: string, prefix: string) => {
    await page.goto(list);
    const href = await page.locator(`main a[href^='${prefix}']:not([href$='/new'])`).first().getAttribute("href");
    expect(href, `a link to ${prefix}… on ${list}`).toBeTruthy();
    return href!;
  };
  for (const url of ["/", "/approvals", "/requests", "/requests/new", "/grants", "/identities", "/identities/import", "/identities/drift", "/exceptions", "/exceptions/new", "/attestations", "/attestations/new", "/audit", "/metrics", "/admin", "/admin/issuers", "/admin/entitlements", "/admin/workload-issuers", "/admin/tokens", "/admin/users", "/admin/policies", "/account/tokens"]) await visit(url);
  for (const [list, prefix] of [
    ["/requests", "/requests/"],
    ["/grants", "/grants/"],
    ["/identities?kind=service_account", "/identities/"],
    ["/exceptions", "/exceptions/"],
    ["/attestations", "/attestations/"],
    ["/admin/issuers", "/admin/issuers/"],
    ["/admin/entitlements", "/admin/entitlements/"],
  ] as const) await visit(await first(list, prefix));
  expect(wide).toEqual([]);
});

test("from a phone: ask, approve from the queue with a thumb, then the request and its grant", async ({ browser }) => {
  test.setTimeout(120_000);
  // A staging service account of the requester's team that the approver has nothing to do with
  // (separation of duties would refuse the decision otherwise).
  const identity = await withDb(async (c) => {
    const r = await c.query(
      `SELECT i.id, i.name FROM "Identity" i JOIN "TeamMember" m ON m."teamId" = i."ownerTeamId" JOIN "User" u ON u.id = m."userId"
       WHERE u.email = $1 AND i.environment = 'staging' AND i.status = 'active' AND i.kind = 'service_account'
         AND NOT EXISTS (SELECT 1 FROM "TeamMember" am JOIN "User" au ON au.id = am."userId" WHERE am."teamId" = i."ownerTeamId" AND au.email = $2)
       ORDER BY i.name LIMIT 1`,
      [demo.owner, demo.approver],
    );
    return r.rows[0] as { id: string; name: string } | undefined;
  });
  expect(identity).toBeTruthy();

  const requester = await (await browser.newContext({ viewport: phone, hasTouch: true, isMobile: true })).newPage();
  await signInOnPhone(requester, demo.owner);
  await requester.goto("/requests/new");
  await expectNoSidewaysScroll(requester, "the request form");
  await requester.getByLabel("Identity").selectOption(identity!.id);
  await requester.getByLabel("Entitlement").selectOption({ label: "orders-db-read-staging · low risk" });
  await requester.getByLabel("For how long (minutes)").fill("30");
  const justification = `Check the staging orders after the schema change (${Date.now()})`;
  await requester.getByLabel("Justification").fill(justification);
  await requester.getByRole("button", { name: "Request access" }).tap();
  await expect(requester).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  const requestId = requester.url().split("/").pop()!;
  await expect(requester.getByTestId("request-status")).toContainText("pending");
  await expectNoSidewaysScroll(requester, "a pending request");
  await expectOnScreen(requester, requester.getByRole("button", { name: "Cancel request" }));

  // The approver, on a phone, taps the request in the queue and approves it from the bar.
  const approver = await (await browser.newContext({ viewport: phone, hasTouch: true, isMobile: true })).newPage();
  await signInOnPhone(approver, demo.approver);
  await approver.goto("/approvals?environment=staging&sort=createdAt&dir=desc");
  await approver.waitForLoadState("networkidle");
  await expectNoSidewaysScroll(approver, "the approval queue");
  const row = approver.locator(`[data-row-id="${requestId}"]`);
  await row.tap();
  const drawer = approver.getByTestId("drawer");
  await expect(drawer).toBeVisible();
  await expect(drawer).toContainText(justification);
  const drawerBox = (await drawer.boundingBox())!;
  expect(drawerBox.width).toBeGreaterThanOrEqual(phone.width - 1);
  await expectNoSidewaysScroll(approver, "the queue with its drawer open");

  const bar = approver.getByTestId("bulk-bar");
  const approve = bar.getByRole("button", { name: /^Approve/ });
  await expect(approve).toBeVisible();
  // Within a thumb's reach: in the lower part of the screen, above its edge.
  const box = (await approve.boundingBox())!;
  expect(box.y).toBeGreaterThan(phone.height * 0.66);
  expect(box.y + box.height).toBeLessThanOrEqual(phone.height);
  await approve.tap();
  await expect(approver.getByTestId("queue-message")).toHaveText(/^Approved 1 request\.$/);
  await expect(row).toHaveCount(0);
  const decided = await withDb(async (c) =>
    (
      await c.query(
        `SELECT r.status, u.email FROM "AccessRequest" r JOIN "Approval" a ON a."requestId" = r.id JOIN "User" u ON u.id = a."approverId" WHERE r.id = $1`,
        [requestId],
      )
    ).rows,
  );
  expect(decided).toEqual([{ status: "approved", email: demo.approver }]);

  // The requester's request page shows the grant; the grant page offers to end it.
  await requester.reload();
  await expect(requester.getByTestId("request-status")).toContainText("approved");
  await expect(requester.getByTestId("grant-status")).toContainText("active", { timeout: 15_000 });
  await expectNoSidewaysScroll(requester, "an approved request");
  const grantLink = requester.getByRole("link", { name: /Grant details and history/ });
  await expectOnScreen(requester, grantLink);
  await grantLink.tap();
  await expect(requester).toHaveURL(/\/grants\/[0-9a-f-]{36}$/);
  await expect(requester.getByTestId("grant-status")).toContainText("active");
  await expectNoSidewaysScroll(requester, "a grant");
  await expectOnScreen(requester, requester.getByRole("button", { name: "Revoke now" }));
  await expectOnScreen(requester, requester.getByRole("button", { name: "Ask for more time" }));

  // Ending it from the phone works too.
  await requester.getByLabel("Why", { exact: true }).fill("Checked, done");
  await requester.getByRole("button", { name: "Revoke now" }).tap();
  await expect(requester.getByTestId("grant-status")).toContainText(/revok/, { timeout: 15_000 });
  await requester.context().close();
  await approver.context().close();
});
