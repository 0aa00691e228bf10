import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { demo, E2E_ADMIN_TOKEN, signIn, withDb } from "./support";

// Approvers decide where they look: in the queue's detail drawer and on a request's page (where
// notifications link), under the same rules as the queue's bar; the keyboard keeps working after a
// mouse click on a checkbox, and an approval by key of high or critical risk asks once first.

/** An active, owned identity that none of `notOwnedBy` owns directly or through a team. */
async function identityFor(kind: string, environment: string, notOwnedBy: string[], offset = 0) {
  const row = await withDb(async (c) => {
    const r = await c.query(
      `SELECT i.id, i.name FROM "Identity" i
       WHERE i.kind = $1 AND i.environment = $2 AND i.status = 'active' AND (i."ownerUserId" IS NOT NULL OR i."ownerTeamId" IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM "User" u WHERE u.email = ANY($3)
                         AND (u.id = i."ownerUserId" OR EXISTS (SELECT 1 FROM "TeamMember" m WHERE m."teamId" = i."ownerTeamId" AND m."userId" = u.id)))
       ORDER BY i.name OFFSET $4 LIMIT 1`,
      [kind, environment, notOwnedBy, offset],
    );
    return r.rows[0] as { id: string; name: string } | undefined;
  });
  expect(row, `an owned, active ${environment} ${kind} that ${notOwnedBy.join(", ")} do not own`).toBeTruthy();
  return row!;
}

/** A pending request made by the identity itself, through the machine API with its own token. */
async function requestAsIdentity(request: APIRequestContext, identity: string, entitlement: string, justification: string): Promise<string> {
  const minted = await request.post("/api/v1/tokens", {
    headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
    data: { name: `e2e ${justification}`.slice(0, 60), identity, scopes: ["request:create"], expiresIn: "PT1H" },
  });
  expect(minted.status(), await minted.text()).toBe(201);
  const token = (await minted.json()).token as string;
  const res = await request.post("/api/v1/access-requests", {
    headers: { authorization: `Bearer ${token}` },
    data: { identity, entitlement, duration: "PT10M", justification, context: { ticket: "OPS-2024" } },
  });
  expect(res.status(), await res.text()).toBe(201);
  const body = (await res.json()) as { id: string; status: string };
  expect(body.status).toBe("pending");
  return body.id;
}

async function requestRow(id: string) {
  return withDb(async (c) => (await c.query(`SELECT status FROM "AccessRequest" WHERE id = $1`, [id])).rows[0] as { status: string });
}

async function approvalsOf(id: string) {
  return withDb(
    async (c) =>
      (await c.query(`SELECT u.email, a.decision, a.comment FROM "Approval" a JOIN "User" u ON u.id = a."approverId" WHERE a."requestId" = $1 ORDER BY a."createdAt"`, [id])).rows as {
        email: string;
        decision: string;
        comment: string;
      }[],
  );
}

async function signedIn(page: Page, email: string, path: string) {
  await signIn(page, email);
  await page.goto(path);
  await page.waitForLoadState("networkidle");
}

const approvers = [demo.approver, demo.approver2];

test("an approver approves from the queue's drawer, whose buttons are not covered", async ({ page, request }) => {
  const identity = await identityFor("service_account", "staging", approvers);
  const id = await requestAsIdentity(request, identity.name, "orders-db-read-staging", `e2e: drawer approval ${Date.now()}`);

  await signedIn(page, demo.approver, "/approvals?environment=staging&sort=createdAt&dir=desc");
  await page.locator(`tr[data-row-id="${id}"]`).getByText(identity.name).click();
  const drawer = page.getByTestId("drawer");
  await expect(drawer).toBeVisible();
  const approve = drawer.getByRole("button", { name: "Approve this request" });
  await expect(approve).toBeEnabled();
  await expect(approve).toBeInViewport({ ratio: 1 });
  await expect(drawer.getByRole("button", { name: "Deny this request" })).toBeInViewport({ ratio: 1 });
  // On a narrow screen the drawer fits it instead of hanging off the left edge.
  await page.setViewportSize({ width: 400, height: 800 });
  await expect(approve).toBeInViewport({ ratio: 1 });
  await expect(drawer.getByRole("button", { name: "Close" })).toBeInViewport({ ratio: 1 });
  await page.setViewportSize({ width: 1280, height: 720 });

  await drawer.getByLabel("Decision comment").fill("Read-only, staging, ticket checked");
  await approve.click();
  await expect(page.getByTestId("queue-message")).toHaveText("Approved 1 request.");
  await expect(drawer).toHaveCount(0);
  await expect(page.locator(`tr[data-row-id="${id}"]`)).toHaveCount(0);
  expect((await requestRow(id)).status).toBe("approved");
  expect(await approvalsOf(id)).toEqual([{ email: demo.approver, decision: "approve", comment: "Read-only, staging, ticket checked" }]);
});

test("an approver denies on a request's page, with a reason", async ({ page, request }) => {
  const identity = await identityFor("service_account", "staging", approvers, 1);
  const id = await requestAsIdentity(request, identity.name, "orders-db-read-staging", `e2e: page denial ${Date.now()}`);

  await signedIn(page, demo.approver, `/requests/${id}`);
  const controls = page.getByTestId("decision-controls");
  await expect(controls).toBeVisible();
  // A denial needs a reason: refused in words, nothing sent.
  await controls.getByRole("button", { name: "Deny" }).click();
  await expect(page.getByTestId("decision-message")).toHaveText("Say why in the comment before denying.");
  expect(await approvalsOf(id)).toEqual([]);

  await controls.getByLabel("Decision comment").fill("Not during the change freeze");
  await controls.getByRole("button", { name: "Deny" }).click();
  await expect(page.getByTestId("request-status")).toContainText("denied");
  await expect(page.getByTestId("approvals")).toContainText("Not during the change freeze");
  await expect(page.getByTestId("decision-controls")).toHaveCount(0);
  expect((await requestRow(id)).status).toBe("denied");
  expect(await approvalsOf(id)).toEqual([{ email: demo.approver, decision: "deny", comment: "Not during the change freeze" }]);
});

test("the requester and an approver whose team owns the identity get no decision controls; a refused attempt answers in words", async ({ browser }) => {
  // Taylor (owner) and Jordan (approver) are both on the platform team.
  const identity = await withDb(async (c) => {
    const r = await c.query(
      `SELECT i.id, i.name FROM "Identity" i JOIN "Team" t ON t.id = i."ownerTeamId"
       WHERE t.name = 'platform' AND i.kind = 'service_account' AND i.environment = 'staging' AND i.status = 'active' ORDER BY i.name LIMIT 1`,
    );
    return r.rows[0] as { id: string; name: string };
  });
  expect(identity, "a staging service account the platform team owns").toBeTruthy();

  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, demo.owner);
  await owner.goto("/requests/new");
  await owner.getByLabel("Identity").selectOption(identity.id);
  await owner.getByLabel("Entitlement").selectOption({ label: "orders-db-read-staging · low risk" });
  await owner.getByLabel("Justification").fill(`e2e: my own request ${Date.now()}`);
  await owner.getByRole("button", { name: "Request access" }).click();
  await expect(owner).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  const id = owner.url().split("/").pop()!;
  await expect(owner.getByTestId("request-status")).toContainText("pending");
  await expect(owner.getByTestId("decision-controls")).toHaveCount(0);
  await expect(owner.getByRole("button", { name: /^(Approve|Deny)/ })).toHaveCount(0);

  const approver = await (await browser.newContext()).newPage();
  await signedIn(approver, demo.approver, `/requests/${id}`);
  await expect(approver.getByTestId("decision-blocked")).toHaveText(/You cannot decide on this request: You or your team own this identity/);
  await expect(approver.getByRole("button", { name: /^(Approve|Deny)/ })).toHaveCount(0);

  // The queue's drawer says the same; the bar's attempt is refused by the server, in words.
  await approver.goto("/approvals?environment=staging&sort=createdAt&dir=desc");
  const row = approver.locator(`tr[data-row-id="${id}"]`);
  await row.getByText(identity.name).click();
  await expect(approver.getByTestId("drawer-decision")).toHaveText(/You cannot decide on this request: You or your team own this identity/);
  await expect(approver.getByTestId("drawer").getByRole("button", { name: /this request/ })).toHaveCount(0);
  await approver.getByTestId("drawer").getByRole("button", { name: "Close" }).click();
  await row.getByLabel("Select row").check();
  await approver.getByRole("button", { name: /^Approve 1/ }).click();
  await expect(approver.getByTestId("queue-message")).toHaveText(/^Not approved: You or your team own this identity/);
  expect(await approvalsOf(id)).toEqual([]);
  expect((await requestRow(id)).status).toBe("pending");
});

test("a decision the server refuses after the drawer opened is shown in words, and nothing is recorded", async ({ browser, request }) => {
  const identity = await identityFor("service_account", "staging", approvers, 2);
  const id = await requestAsIdentity(request, identity.name, "orders-db-read-staging", `e2e: decided elsewhere ${Date.now()}`);

  const second = await (await browser.newContext()).newPage();
  await signedIn(second, demo.approver2, "/approvals?environment=staging&sort=createdAt&dir=desc");
  await second.locator(`tr[data-row-id="${id}"]`).getByText(identity.name).click();
  await expect(second.getByTestId("drawer").getByRole("button", { name: "Approve this request" })).toBeEnabled();

  // Meanwhile another approver denies it on the request's page.
  const first = await (await browser.newContext()).newPage();
  await signedIn(first, demo.approver, `/requests/${id}`);
  await first.getByTestId("decision-controls").getByLabel("Decision comment").fill("Duplicate of an earlier request");
  await first.getByTestId("decision-controls").getByRole("button", { name: "Deny" }).click();
  await expect(first.getByTestId("request-status")).toContainText("denied");

  await second.getByTestId("drawer").getByRole("button", { name: "Approve this request" }).click();
  await expect(second.getByTestId("queue-message")).toHaveText("Not approved: This request is already denied");
  await expect(second.getByTestId("drawer")).toHaveCount(0);
  await expect(second.getByRole("heading", { level: 1 })).toHaveText("Approvals");
  expect(await approvalsOf(id)).toEqual([{ email: demo.approver, decision: "deny", comment: "Duplicate of an earlier request" }]);
});

test("the keys keep working after a checkbox click, and low risk is approved at once", async ({ page, request }) => {
  const stamp = Date.now();
  const older = await requestAsIdentity(request, (await identityFor("service_account", "staging", approvers, 3)).name, "orders-db-read-staging", `e2e: keys older ${stamp}`);
  const newer = await requestAsIdentity(request, (await identityFor("service_account", "staging", approvers, 4)).name, "orders-db-read-staging", `e2e: keys newer ${stamp}`);

  await signedIn(page, demo.approver, "/approvals?environment=staging&riskTier=low&sort=createdAt&dir=desc");
  await expect(page.getByTestId("shortcut-hint")).toContainText("j/k move");
  const olderRow = page.locator(`tr[data-row-id="${older}"]`);
  const newerRow = page.locator(`tr[data-row-id="${newer}"]`);
  // Newest first: the newer request is row 1, the older row 2.
  await olderRow.getByLabel("Select row").click();
  await expect(olderRow.getByLabel("Select row")).toBeFocused();
  await expect(olderRow).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("k");
  await expect(newerRow).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("x");
  await expect(page.getByTestId("bulk-bar")).toContainText("2 selected");
  await page.keyboard.press("a");
  await expect(page.getByTestId("confirm-approval")).toHaveCount(0);
  await expect(page.getByTestId("queue-message")).toHaveText("Approved 2 requests.");
  expect((await requestRow(older)).status).toBe("approved");
  expect((await requestRow(newer)).status).toBe("approved");
});

test("`a` on a critical request asks once: Esc cancels and nothing is approved, Enter approves", async ({ page, request }) => {
  const identity = await identityFor("service_account", "prod", approvers);
  const id = await requestAsIdentity(request, identity.name, "customers-api-pii-read-prod", `e2e: critical by key ${Date.now()}`);

  await signedIn(page, demo.approver, "/approvals?riskTier=critical&sort=createdAt&dir=desc");
  const row = page.locator(`tr[data-row-id="${id}"]`);
  await expect(row).toHaveAttribute("aria-selected", "true");

  await page.keyboard.press("a");
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toHaveAccessibleName("Approve this critical-risk request?");
  await expect(dialog).toContainText(identity.name);
  await expect(dialog.getByRole("button", { name: /^Approve/ })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("queue-message")).toHaveCount(0);
  await expect(row).toBeVisible();
  expect(await approvalsOf(id)).toEqual([]);

  await page.keyboard.press("a");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("queue-message")).toHaveText("Approved 1 request (some still need another approval).");
  expect(await approvalsOf(id)).toEqual([{ email: demo.approver, decision: "approve", comment: "" }]);
  expect((await requestRow(id)).status).toBe("pending");
});

test("with the drawer open, the keys act on the request it shows, not on the selection behind it", async ({ page, request }) => {
  const critical = await requestAsIdentity(request, (await identityFor("service_account", "prod", approvers, 1)).name, "customers-api-pii-read-prod", `e2e: drawer keys critical ${Date.now()}`);
  const low = await requestAsIdentity(request, (await identityFor("service_account", "staging", approvers, 5)).name, "orders-db-read-staging", `e2e: drawer keys low ${Date.now()}`);

  await signedIn(page, demo.approver, "/approvals?sort=createdAt&dir=desc");
  await page.locator(`tr[data-row-id="${low}"]`).getByLabel("Select row").check();
  await page.locator(`tr[data-row-id="${critical}"]`).getByText("customers-api-pii-read-prod").click();
  await expect(page.getByTestId("drawer")).toContainText("customers-api-pii-read-prod");
  await expect(page.getByTestId("bulk-bar")).toContainText("Acting on the open request");

  await page.keyboard.press("a");
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("customers-api-pii-read-prod");
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("drawer")).toBeVisible();
  expect(await approvalsOf(critical)).toEqual([]);
  expect(await approvalsOf(low)).toEqual([]);

  await page.keyboard.press("a");
  await dialog.getByRole("button", { name: /^Approve/ }).click();
  await expect(page.getByTestId("queue-message")).toHaveText("Approved 1 request (some still need another approval).");
  expect(await approvalsOf(critical)).toEqual([{ email: demo.approver, decision: "approve", comment: "" }]);
  expect(await approvalsOf(low)).toEqual([]);
  expect((await requestRow(low)).status).toBe("pending");
});
