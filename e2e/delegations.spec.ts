import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

// The principal's owner lets an agent act for it on the identity page, then withdraws it; both
// steps are audited and the delegation row says what the agent may do, and until when.

test("an owner delegates to an agent from the identity page and withdraws it", async ({ page }) => {
  const { principal, agent, entitlement } = await withDb(async (c) => {
    const p = await c.query(`SELECT i.id, i.name, i.environment FROM "Identity" i JOIN "User" u ON u.id = i."ownerUserId" WHERE u.email = $1 AND i.status = 'active' AND i.kind <> 'ai_agent' ORDER BY i.name LIMIT 1`, [demo.owner]);
    const a = await c.query(`SELECT id, name FROM "Identity" WHERE kind = 'ai_agent' AND status = 'active' AND id NOT IN (SELECT "agentId" FROM "Delegation" WHERE "principalId" = $1) ORDER BY name LIMIT 1`, [p.rows[0].id]);
    const e = await c.query(`SELECT name FROM "Entitlement" WHERE environment = $1 ORDER BY name LIMIT 1`, [p.rows[0].environment]);
    return { principal: p.rows[0], agent: a.rows[0], entitlement: e.rows[0] };
  });
  await signIn(page, demo.owner);
  await page.goto(`/identities/${principal.id}`);
  const section = page.getByTestId("identity-delegations");
  await section.getByLabel("Agent name").fill(agent.name);
  await section.getByLabel("Entitlements").fill(entitlement.name);
  await section.getByLabel("Ends on").fill(new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10));
  await section.getByLabel("Why", { exact: true }).fill("runs the nightly triage for it");
  await section.getByRole("button", { name: "Delegate" }).click();
  await expect(section.getByTestId("delegation-result")).toContainText(`${agent.name} may now ask for 1 entitlement`);
  const row = section.locator(`li[data-agent="${agent.name}"]`);
  await expect(row).toContainText("may ask for 1 entitlement until");

  await row.getByLabel(`Why withdraw ${agent.name}`).fill("triage moved elsewhere");
  await row.getByRole("button", { name: "Withdraw" }).click();
  await expect(section.locator(`li[data-agent="${agent.name}"]`)).toContainText("ended or withdrawn");
  const events = await withDb((c) => c.query(`SELECT action FROM "AuditEvent" WHERE "subjectId" = $1 AND action LIKE 'delegation.%' ORDER BY seq`, [principal.id]));
  expect(events.rows.map((r) => r.action)).toEqual(["delegation.created", "delegation.withdrawn"]);
});
