import { expect, test } from "@playwright/test";
import { demo, signIn, withDb } from "./support";

test("an admin edits the Cedar policies: errors name their line, the simulator shows the decision and the impact", async ({ page }) => {
  await signIn(page, demo.admin);
  await page.goto("/admin/policies");
  await expect(page.getByRole("heading", { name: "Policies" })).toBeVisible();
  const editor = page.getByLabel("Cedar policies");
  const original = await editor.inputValue();
  // Other specs may have saved versions before this one: count from the version in force.
  const next = Number(/\d+/.exec((await page.getByRole("button", { name: /Save as version/ }).textContent()) ?? "")?.[0]);
  const lines = original.split("\n").length;

  await editor.fill(`${original}\n@id("typo")\npermit (principal, action, resource) when { context.enviroment == "dev" };`);
  await page.getByRole("button", { name: "Validate and simulate" }).click();
  await expect(page.getByTestId("policy-problems")).toContainText(`line ${lines + 2}`);
  await expect(page.getByTestId("policy-problems")).toContainText("enviroment");

  // An edit that keeps every outcome but asks for one more approval is a changed decision too.
  await editor.fill(original.replace('@approvals("2")', '@approvals("3")'));
  await page.getByRole("button", { name: "Validate and simulate" }).click();
  await expect(page.getByTestId("policy-problems")).toHaveCount(0);
  await expect(page.getByTestId("impact")).not.toContainText("No decision would change");
  await expect(page.getByTestId("impact-examples")).toContainText("approvals 2 → 3");
  await expect(page.getByTestId("impact-examples").getByRole("link").first()).toHaveAttribute("href", /^\/requests\//);

  // A valid change that approves every staging request at once: the impact on past requests shows.
  await editor.fill(`${original}\n@id("staging-auto")\npermit (principal, action == Hourglass::Action::"auto_approve", resource) when { context.environment == "staging" };`);
  await page.getByLabel("Entitlement").selectOption({ label: "orders-db-write-staging (medium)" });
  await page.getByRole("button", { name: "Validate and simulate" }).click();
  await expect(page.getByTestId("policy-problems")).toHaveCount(0);
  await expect(page.getByTestId("simulation")).toContainText("with your edit");
  await expect(page.getByTestId("impact")).toContainText("require approval → auto approve");

  await page.getByLabel("Change comment").fill("Approve staging at once (demo)");
  await page.getByRole("button", { name: /Save as version/ }).click();
  await expect(page.getByTestId("policy-message")).toContainText(`Saved as version ${next}`);
  const saved = await withDb((c) => c.query(`SELECT version, comment FROM "PolicyVersion" ORDER BY version DESC LIMIT 1`));
  expect(saved.rows[0]).toEqual({ version: next, comment: "Approve staging at once (demo)" });

  // Put the defaults back for the other specs.
  await page.reload();
  await page.getByLabel("Cedar policies").fill(original);
  await page.getByLabel("Change comment").fill("Back to the defaults");
  await page.getByRole("button", { name: `Save as version ${next + 1}` }).click();
  await expect(page.getByTestId("policy-message")).toContainText(`Saved as version ${next + 1}`);
});
