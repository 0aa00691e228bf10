import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

// Security's inventory journeys: quarantine an identity (its grant is revoked through the worker),
// and find an unmanaged PostgreSQL role as drift, attach it to an identity, then revoke it.

async function createIdentity(name: string): Promise<string> {
  return withDb(async (c) => {
    const r = await c.query<{ id: string }>(
      `INSERT INTO "Identity" (id, name, kind, environment, system, "updatedAt") VALUES (gen_random_uuid(), $1, 'service_account', 'prod', 'orders', now()) RETURNING id::text`,
      [name],
    );
    return r.rows[0].id;
  });
}

test("security quarantines an identity and its active grant is revoked by the worker", async ({ page }) => {
  const s = randomBytes(3).toString("hex");
  const name = `e2e-quarantine-${s}`;
  const identityId = await createIdentity(name);
  const grantId = await withDb(async (c) => {
    const e = await c.query<{ id: string; issuerId: string }>(
      `SELECT e.id::text, e."issuerId"::text AS "issuerId" FROM "Entitlement" e JOIN "Issuer" i ON i.id = e."issuerId" WHERE i.type = 'token' ORDER BY e.name LIMIT 1`,
    );
    const g = await c.query<{ id: string }>(
      `INSERT INTO "Grant" (id, "identityId", "entitlementId", "issuerId", status, "issuerRef", "issuedAt", "expiresAt", "updatedAt")
       VALUES (gen_random_uuid(), $1, $2, $3, 'active', $4, now(), now() + interval '1 hour', now()) RETURNING id::text`,
      [identityId, e.rows[0].id, e.rows[0].issuerId, `e2e-jti-${s}`],
    );
    return g.rows[0].id;
  });

  await signIn(page, demo.security);
  await page.goto(`/identities?q=${name}`);
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  const form = page.getByTestId("identity-quarantine");
  await form.getByLabel("Why quarantine").fill("token seen in a public CI log");
  await form.getByRole("button", { name: "Quarantine" }).click();
  await expect(page.getByTestId("identity-status")).toContainText("quarantined");

  await expect
    .poll(async () => withDb(async (c) => (await c.query(`SELECT status::text, "revokeReason"::text AS reason FROM "Grant" WHERE id = $1`, [grantId])).rows[0]), { timeout: 20_000 })
    .toEqual({ status: "revoked", reason: "identity_quarantined" });
  await page.reload();
  await expect(page.getByTestId("identity-grants")).toContainText("identity quarantined");
  await expect(page.getByTestId("identity-audit")).toContainText("identity.quarantined");

  // Back in play: reactivation needs a reason too, and revives nothing.
  await page.getByTestId("identity-reactivate").getByLabel("Why reactivate").fill("token rotated, cleared by incident response");
  await page.getByTestId("identity-reactivate").getByRole("button", { name: "Reactivate" }).click();
  await expect(page.getByTestId("identity-status")).toContainText("active");
});

test("security finds an unmanaged PostgreSQL role as drift, attaches it, then revokes it at the target", async ({ page }) => {
  const s = randomBytes(3).toString("hex");
  const role = `e2e_legacy_${s}`;
  const name = `e2e-legacy-batch-${s}`;
  await createIdentity(name);
  // Roles are cluster-wide: the demo target's group role orders_read is visible from here.
  await withDb((c) => c.query(`CREATE ROLE ${role} LOGIN IN ROLE orders_read`));
  try {
    await signIn(page, demo.security);
    await page.goto("/identities");
    await page.getByRole("link", { name: "Drift", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Drift");
    const row = page.locator(`[data-issuer="demo-postgres"] tr[data-finding="${role}:orders_read"]`);
    await expect(row).toContainText("unmanaged");

    await row.getByText("Attach to an identity").click();
    await row.getByLabel("Identity").first().fill(name);
    await row.getByRole("button", { name: "Attach", exact: true }).click();
    await expect(row).toContainText(`attached to ${name}`);

    await row.getByText("Revoke at the target").click();
    await row.getByLabel("Why revoke").fill("nobody owns this login any more");
    await row.getByRole("button", { name: `REVOKE orders_read FROM ${role}` }).click();
    await expect(row).toHaveCount(0);
    const left = await withDb(
      async (c) =>
        (await c.query(`SELECT count(*)::int AS n FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1`, [role])).rows[0].n,
    );
    expect(left).toBe(0);
    const events = await withDb(
      async (c) => (await c.query(`SELECT action FROM "AuditEvent" WHERE data->>'principal' = $1 ORDER BY seq`, [role])).rows.map((r) => r.action),
    );
    expect(events).toEqual(["drift.attached", "drift.revoke_requested", "drift.revoked"]);
  } finally {
    await withDb((c) => c.query(`DROP ROLE IF EXISTS ${role}`));
  }
});

test("drift is for security and admins only", async ({ page }) => {
  await signIn(page, demo.owner);
  await page.goto("/identities");
  await expect(page.getByRole("link", { name: "Drift", exact: true })).toHaveCount(0);
  await page.goto("/identities/drift");
  await expect(page.getByTestId("forbidden")).toContainText("403");
});
