import { expect, test } from "@playwright/test";
import pg from "pg";
import { demo, signIn, withDb } from "./support";

// The whole journey: a requester asks for production read access for a service account, two
// approvers approve, the grant is issued as a real PostgreSQL login, the credential reads the
// orders table, and when the window ends the open session is killed and new logins are refused.

test("request → two approvals → real PostgreSQL credential → expiry kills the session", async ({ browser }) => {
  test.setTimeout(180_000);
  const identity = await withDb(async (c) => {
    // An identity the requester's team owns, and that neither approver owns through a team or
    // directly: separation of duties would refuse their decision otherwise.
    const r = await c.query(
      `SELECT i.id, i.name FROM "Identity" i JOIN "TeamMember" m ON m."teamId" = i."ownerTeamId" JOIN "User" u ON u.id = m."userId"
       WHERE u.email = $1 AND i.environment = 'prod' AND i.status = 'active' AND i.kind = 'service_account'
         AND NOT EXISTS (SELECT 1 FROM "TeamMember" am JOIN "User" au ON au.id = am."userId"
                         WHERE am."teamId" = i."ownerTeamId" AND au.email = ANY($2))
       ORDER BY i.name LIMIT 1`,
      [demo.owner, [demo.approver, demo.approver2]],
    );
    return r.rows[0] as { id: string; name: string };
  });
  expect(identity).toBeTruthy();

  // The requester asks.
  const requester = await (await browser.newContext()).newPage();
  await signIn(requester, demo.owner);
  await requester.goto("/requests/new");
  await requester.getByLabel("Identity").selectOption(identity.id);
  await requester.getByLabel("Entitlement").selectOption({ label: "orders-db-read-prod · medium risk" });
  await expect(requester.getByTestId("entitlement-hint")).toContainText("Needs 2 approvals");
  await requester.getByLabel("For how long (minutes)").fill("1");
  await requester.getByLabel("Justification").fill("Reconcile yesterday's orders against the ledger export");
  await requester.getByLabel("Ticket").fill("OPS-4711");
  await requester.getByRole("button", { name: "Request access" }).click();
  await expect(requester).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  const requestId = requester.url().split("/").pop()!;
  await expect(requester.getByTestId("request-status")).toContainText("pending");
  // The requester cannot approve: the queue is not theirs.
  await requester.goto("/approvals");
  await expect(requester.getByTestId("forbidden")).toBeVisible();

  // Two approvers approve, from the queue, with the keyboard and with the button.
  const approve = async (email: string, expectText: RegExp) => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email);
    await page.goto(`/approvals?environment=prod&sort=createdAt&dir=desc`);
    const row = page.locator(`tr[data-row-id="${requestId}"]`);
    await expect(row).toBeVisible();
    await row.getByLabel("Select row").check();
    await page.getByLabel("Comment").fill("Ticket checked");
    await page.getByRole("button", { name: /^Approve 1/ }).click();
    await expect(page.getByTestId("queue-message")).toHaveText(expectText);
    await page.context().close();
  };
  await approve(demo.approver, /Approved 1 request \(some still need another approval\)\./);
  await approve(demo.approver2, /^Approved 1 request\.$/);

  // The grant is issued through the PostgreSQL issuer; the requester sees it once.
  await requester.goto(`/requests/${requestId}`);
  await expect(requester.getByTestId("request-status")).toContainText("approved");
  await expect(requester.getByTestId("grant-status")).toContainText("active", { timeout: 15_000 });
  await expect(requester.getByTestId("countdown")).toBeVisible();
  await requester.getByRole("button", { name: "Show credential (once)" }).click();
  const connectionString = (await requester.getByTestId("credential-url").textContent())!;
  const username = (await requester.getByTestId("credential-username").textContent())!;
  expect(username).toMatch(/^hg_[0-9a-f]{32}$/);

  // The credential works against the real database.
  const session = new pg.Client({ connectionString });
  session.on("error", () => undefined);
  await session.connect();
  const orders = await session.query("SELECT count(*)::int AS n FROM orders");
  expect(orders.rows[0].n).toBeGreaterThan(0);

  // A second look shows nothing: the credential was handed over once.
  await requester.reload();
  await expect(requester.getByRole("button", { name: "Show credential (once)" })).toHaveCount(0);

  // The window ends; the worker revokes and verifies.
  await expect
    .poll(async () => withDb(async (c) => (await c.query(`SELECT status FROM "Grant" WHERE "requestId" = $1`, [requestId])).rows[0].status), {
      timeout: 90_000,
      intervals: [1000],
    })
    .toBe("revoked");
  const lag = await withDb(async (c) => (await c.query(`SELECT extract(epoch FROM ("revokedAt" - "expiresAt")) AS s FROM "Grant" WHERE "requestId" = $1`, [requestId])).rows[0].s);
  expect(Number(lag)).toBeLessThan(2);

  // The open session is gone, and a new login is refused.
  await expect(session.query("SELECT 1")).rejects.toThrow();
  const again = new pg.Client({ connectionString });
  again.on("error", () => undefined);
  await expect(again.connect()).rejects.toThrow(/password authentication failed|does not exist/);

  await requester.goto(`/requests/${requestId}`);
  await expect(requester.getByTestId("grant-status")).toContainText("revoked");
  await requester.getByRole("link", { name: /Grant details and history/ }).click();
  await expect(requester.getByTestId("grant-history")).toContainText("grant.revoked");
});
