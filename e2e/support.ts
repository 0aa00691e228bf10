import { expect, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { E2E_ADMIN_TOKEN, E2E_DATA_DIR, E2E_PG_PORT } from "./config";

export { E2E_ADMIN_TOKEN };

export const DEMO_PASSWORD = "hourglass-demo";


export const demo = {
  admin: "admin@hourglass.local",
  security: "security@hourglass.local",
  approver: "approver@hourglass.local",
  approver2: "approver2@hourglass.local",
  owner: "owner@hourglass.local",
  auditor: "auditor@hourglass.local",
  requester: "requester@hourglass.local",
} as const;

/** Signs in through the real sign-in form. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
}

export async function signOut(page: Page) {
  await page.goto("/");
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

/** A connection to the database the app under test uses, to check what it wrote. */
export function withDb<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  return withDatabase("hourglass", fn);
}

/** A connection to another database of the same server (the demo issuers' target: "hourglass_target"). */
export async function withDatabase<T>(database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const secrets = JSON.parse(readFileSync(path.join(E2E_DATA_DIR, "secrets.json"), "utf8")) as { pgPassword: string };
  const c = new pg.Client({ host: "127.0.0.1", port: E2E_PG_PORT, user: "postgres", password: secrets.pgPassword, database });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function navAreas(page: Page): Promise<string[]> {
  return page.locator("nav[aria-label=Main] a").evaluateAll((as) => as.map((a) => (a as HTMLElement).dataset.area ?? ""));
}
