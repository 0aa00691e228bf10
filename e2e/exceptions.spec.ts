import { expect, test } from "@playwright/test";
import { demo, signIn, withDatabase, withDb } from "./support";

// The security reviewer's journey: an owner proposes standing access for a production identity,
// security accepts the risk from the review queue, the standing grant becomes a real PostgreSQL
// role in the target database, and at the exception's end the same durable worker that ends JIT
// grants revokes it: the role is gone and the exception reads "expired".

const ENTITLEMENT = "orders-db-read-prod";
const pad = (n: number) => String(n).padStart(2, "0");
/** What a datetime-local input holds: local time, to the minute (Node and Chromium share the machine's zone). */
const localInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

test("owner proposes → security accepts → real PostgreSQL role → revoked at the end → expired", async ({ browser }) => {
  test.setTimeout(300_000);
  const identity = await withDb(async (c) => {
    const r = await c.query(
      `SELECT i.id, i.name FROM "Identity" i
       WHERE i.environment = 'prod' AND i.status = 'active'
         AND (i."ownerUserId" = (SELECT id FROM "User" WHERE email = $1)
              OR i."ownerTeamId" IN (SELECT m."teamId" FROM "TeamMember" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1))
         AND i."ownerUserId" IS DISTINCT FROM (SELECT id FROM "User" WHERE email = $2)
         AND NOT EXISTS (SELECT 1 FROM "Exception" e JOIN "Entitlement" n ON n.id = e."entitlementId"
                         WHERE e."identityId" = i.id AND n.name = $3 AND e.status IN ('proposed', 'changes_requested', 'accepted'))
       ORDER BY i.name DESC LIMIT 1`,
      [demo.owner, demo.security, ENTITLEMENT],
    );
    return r.rows[0] as { id: string; name: string };
  });
  expect(identity).toBeTruthy();

  // The owner proposes, with an end one to two minutes away.
  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, demo.owner);
  await owner.goto("/exceptions");
  await owner.getByRole("link", { name: "Propose exception" }).click();
  await expect(owner).toHaveURL(/\/exceptions\/new$/);
  await owner.getByLabel("Identity").selectOption(identity.id);
  await owner.getByLabel("Entitlement").selectOption({ label: `${ENTITLEMENT} · medium risk` });
  await expect(owner.getByLabel("Risk rating")).toHaveValue("medium");
  await expect(owner.getByTestId("end-hint")).toContainText("at most 90 days");
  const end = new Date(Date.now() + 120_000);
  end.setSeconds(0, 0);
  await owner.getByLabel("End", { exact: true }).fill(localInput(end));
  await owner.getByLabel("Justification").fill("The reconciler reads orders continuously while the JIT per-run flow is built (OPS-5120)");
  await owner.getByLabel("Compensating controls").fill("Read-only group role; statements logged to the SIEM; orders VPC only");
  await owner.getByLabel("Review every (days)").fill("7");
  await owner.getByRole("button", { name: "Propose exception" }).click();
  await expect(owner).toHaveURL(/\/exceptions\/[0-9a-f-]{36}$/);
  const exceptionId = owner.url().split("/").pop()!;
  await expect(owner.getByTestId("exception-status")).toContainText("proposed");
  // The proposer sees no review controls (and the domain refuses self-acceptance: integration tests).
  await expect(owner.getByRole("button", { name: "Accept the risk" })).toHaveCount(0);
  await expect(owner.getByRole("button", { name: "Reject" })).toHaveCount(0);
  const stored = await withDb(async (c) => (await c.query(`SELECT status, "requestedEndAt", "proposedById" FROM "Exception" WHERE id = $1`, [exceptionId])).rows[0]);
  expect(stored.status).toBe("proposed");
  expect(new Date(stored.requestedEndAt).getTime()).toBe(end.getTime());

  // Security accepts it from the review queue.
  const security = await (await browser.newContext()).newPage();
  await signIn(security, demo.security);
  await security.goto("/exceptions");
  await expect(security.getByTestId("exceptions-tab-queue")).toHaveAttribute("aria-current", "page");
  const row = security.locator(`tr[data-row-id="${exceptionId}"]`);
  await expect(row).toBeVisible();
  await row.getByRole("link", { name: identity.name }).click();
  await expect(security).toHaveURL(new RegExp(`/exceptions/${exceptionId}$`));
  await security.getByLabel("Review comment").fill("Controls are adequate for two minutes of standing read access");
  await security.getByRole("button", { name: "Accept the risk" }).click();
  // The review controls are gone once decided; the page shows who accepted the risk.
  await expect(security.getByTestId("exception-status")).toContainText("accepted");
  await expect(security.getByRole("button", { name: "Accept the risk" })).toHaveCount(0);
  await expect(security.getByTestId("exception-review-comment")).toContainText("Controls are adequate");
  await expect(security.getByTestId("exception-accepted-by")).toContainText("Priya Raman");

  // The standing grant is issued through the demo PostgreSQL issuer: a real login role in the target database.
  await expect(security.getByTestId("exception-grant-status")).toContainText("active", { timeout: 20_000 });
  const grant = await withDb(async (c) => (await c.query(`SELECT id, status, "issuerRef", "expiresAt", "exceptionId" FROM "Grant" WHERE "exceptionId" = $1`, [exceptionId])).rows[0]);
  expect(grant).toMatchObject({ status: "active", issuerRef: `hg_${String(grant.id).replaceAll("-", "")}` });
  expect(new Date(grant.expiresAt).getTime()).toBe(end.getTime());
  const role = await withDatabase("hourglass_target", async (c) =>
    (await c.query(`SELECT rolname, rolcanlogin, rolvaliduntil, pg_has_role(rolname, 'orders_read', 'member') AS member FROM pg_roles WHERE rolname = $1`, [grant.issuerRef])).rows[0],
  );
  expect(role).toMatchObject({ rolname: grant.issuerRef, rolcanlogin: true, member: true });
  // The issuer's native expiry is the backstop: VALID UNTIL at the exception's end.
  expect(Math.abs(new Date(role.rolvaliduntil).getTime() - end.getTime())).toBeLessThan(60_000);

  // It shows among the exceptions expiring soon.
  await security.goto("/exceptions?view=expiring");
  await expect(security.locator(`tr[data-row-id="${exceptionId}"]`)).toBeVisible();

  // At the end the worker revokes it, verified at the issuer, with reason exception_ended.
  await expect
    .poll(async () => withDb(async (c) => (await c.query(`SELECT status, "revokeReason" FROM "Grant" WHERE id = $1`, [grant.id])).rows[0]), {
      timeout: 180_000,
      intervals: [1000],
    })
    .toEqual({ status: "revoked", revokeReason: "exception_ended" });
  const lag = await withDb(async (c) => (await c.query(`SELECT extract(epoch FROM ("revokedAt" - "expiresAt")) AS s FROM "Grant" WHERE id = $1`, [grant.id])).rows[0].s);
  expect(Number(lag)).toBeLessThan(5);
  const left = await withDatabase("hourglass_target", async (c) => (await c.query(`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1`, [grant.issuerRef])).rows[0].n);
  expect(left).toBe(0);

  // The exception follows its grant: expired, never left accepted.
  await expect
    .poll(async () => withDb(async (c) => (await c.query(`SELECT status FROM "Exception" WHERE id = $1`, [exceptionId])).rows[0].status), { timeout: 30_000, intervals: [500] })
    .toBe("expired");
  await security.goto(`/exceptions/${exceptionId}`);
  await expect(security.getByTestId("exception-status")).toContainText("expired");
  await expect(security.getByTestId("exception-grant-status")).toContainText("revoked");
  await expect(security.getByTestId("exception-history")).toContainText("exception.expired");
  await security.goto("/exceptions?view=overdue");
  await expect(security.locator(`tr[data-row-id="${exceptionId}"]`)).toHaveCount(0);

  // The owner sees the same end, and may propose a renewal (a new review).
  await owner.reload();
  await expect(owner.getByTestId("exception-status")).toContainText("expired");
  await expect(owner.getByRole("button", { name: "Propose renewal" })).toBeVisible();
});
