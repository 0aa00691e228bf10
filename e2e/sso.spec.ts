import { chromium, expect, test, type Browser, type Page } from "@playwright/test";
import { readFileSync, rmSync } from "node:fs";
import pg from "pg";
import { freePort } from "../lib/testing/free-port";
import { E2E_CHROMIUM, E2E_DATA_DIR } from "./config";
import { startForwardProxy, startHourglass, startOidcProvider, type Closer, type SsoAccount } from "./sso-support";

// Single sign-on the way people use it: Hourglass deployed with SSO only, at a public host name
// (http://hourglass.example.test), a real OpenID Connect provider at another
// (http://sso.example.test), both reached through a forwarding proxy: Chromium's, and the server's
// own (Node's fetch with NODE_USE_ENV_PROXY), so every URL either side builds must be the public one.

const APP_HOST = "hourglass.example.test";
const SSO_HOST = "sso.example.test";
const APP = `http://${APP_HOST}`;
const ISSUER = `http://${SSO_HOST}`;
const dataDir = `${E2E_DATA_DIR}-sso`;

const accounts: Record<string, SsoAccount> = {
  nadia: { sub: "00u-nadia", email: "nadia.ross@example.test", email_verified: true, name: "Nadia Ross", groups: ["hg-approvers", "staff"] },
  eve: { sub: "00u-eve", email: "eve@example.test", email_verified: true, name: "Eve Marsh", groups: ["marketing"] },
  // Both claim the demo approver's email: unverified, then verified.
  mallory: { sub: "00u-mallory", email: "approver@hourglass.local", email_verified: false, name: "Mallory", groups: ["hg-approvers"] },
  jordan: { sub: "00u-jordan", email: "approver@hourglass.local", email_verified: true, name: "Jordan Lee", groups: ["hg-approvers"] },
};

let servers: Closer[] = [];
let proxy: Awaited<ReturnType<typeof startForwardProxy>>;
let browser: Browser;
let dbUrl = "";

test.describe.configure({ mode: "serial", timeout: 180_000 });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  rmSync(dataDir, { recursive: true, force: true });
  const [appPort, ssoPort, pgPort] = [await freePort(), await freePort(), await freePort()];
  proxy = await startForwardProxy({ [APP_HOST]: appPort, [SSO_HOST]: ssoPort });
  servers.push(proxy);
  servers.push(
    await startOidcProvider({
      issuer: ISSUER,
      port: ssoPort,
      client: { id: "hourglass", secret: "sso-e2e-client-secret-not-a-secret", redirectUri: `${APP}/api/auth/callback/oidc` },
      accounts,
    }),
  );
  const app = await startHourglass({
    port: appPort,
    pgPort,
    dataDir,
    env: {
      HOURGLASS_LOCAL_SIGNIN: "false",
      HOURGLASS_PUBLIC_URL: APP,
      AUTH_OIDC_ISSUER: ISSUER,
      AUTH_OIDC_CLIENT_ID: "hourglass",
      AUTH_OIDC_CLIENT_SECRET: "sso-e2e-client-secret-not-a-secret",
      AUTH_OIDC_NAME: "Example SSO",
      AUTH_OIDC_ROLE_MAP: "hg-approvers=approver",
      // The server reaches the provider through the proxy, as in a network with an egress proxy.
      NODE_USE_ENV_PROXY: "1",
      HTTP_PROXY: proxy.url,
      NO_PROXY: "127.0.0.1,localhost",
    },
  });
  servers.push(app);
  const secrets = JSON.parse(readFileSync(`${dataDir}/secrets.json`, "utf8")) as { pgPassword: string };
  dbUrl = `postgresql://postgres:${encodeURIComponent(secrets.pgPassword)}@127.0.0.1:${pgPort}/hourglass`;
  browser = await chromium.launch({
    executablePath: E2E_CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    proxy: { server: proxy.url },
  });
});

test.afterAll(async () => {
  await browser?.close();
  for (const s of servers.reverse()) await s.close().catch(() => undefined);
  servers = [];
  rmSync(dataDir, { recursive: true, force: true });
});

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** From Hourglass's sign-in page through the provider's login and consent, as the named account. */
async function ssoSignIn(page: Page, account: keyof typeof accounts) {
  await expect(page.getByRole("button", { name: "Continue with Example SSO" })).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveCount(0); // SSO only: no password form
  await page.getByRole("button", { name: "Continue with Example SSO" }).click();
  await expect(page).toHaveURL(new RegExp(`^${ISSUER}/interaction/`));
  await page.locator('input[name="login"]').fill(accounts[account].sub);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await expect(page).toHaveURL(new RegExp(`^${ISSUER}/interaction/`));
  await page.getByRole("button", { name: "Continue" }).click();
}

test("a person in a mapped group signs in with SSO at the public address, lands where they asked, and signs out", async () => {
  const page = await (await browser.newContext()).newPage();
  // A deep link while signed out goes to sign-in at the public address, and back after SSO.
  await page.goto(`${APP}/approvals?environment=prod`);
  await expect(page).toHaveURL(`${APP}/sign-in?next=${encodeURIComponent("/approvals?environment=prod")}`);
  await ssoSignIn(page, "nadia");
  await expect(page).toHaveURL(`${APP}/approvals?environment=prod`, { timeout: 30_000 });
  await expect(page.getByTestId("current-user")).toContainText("Nadia Ross");
  await expect(page.getByRole("heading", { name: /approval/i }).first()).toBeVisible();
  // Roles follow the groups: an approver, nothing more.
  await page.goto(`${APP}/admin`);
  await expect(page.getByTestId("forbidden")).toBeVisible();

  const [user] = await query<{ id: string; roles: string[]; ssoIssuer: string; ssoSubject: string }>(
    `SELECT id, roles::text[] AS roles, "ssoIssuer", "ssoSubject" FROM "User" WHERE email = $1`,
    ["nadia.ross@example.test"],
  );
  expect(user).toMatchObject({ roles: ["approver"], ssoIssuer: ISSUER, ssoSubject: "00u-nadia" });
  const events = await query<{ action: string }>(`SELECT action FROM "AuditEvent" WHERE "subjectId" = $1 ORDER BY seq`, [user.id]);
  expect(events.map((e) => e.action)).toContain("user.signed_in");

  // The session cookie belongs to the public host, not the loopback one.
  const cookies = await page.context().cookies(APP);
  expect(cookies.find((c) => c.name === "authjs.session-token")?.domain).toBe(APP_HOST);

  await page.goto(`${APP}/`);
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(new RegExp(`^${APP}/sign-in`));
  await page.goto(`${APP}/approvals`);
  await expect(page).toHaveURL(new RegExp(`^${APP}/sign-in`));
  // Every request went through the proxy by its public name: Chromium's and the server's.
  expect(proxy.seen.some((s) => s.startsWith(`CONNECT ${SSO_HOST}:80`))).toBe(true); // the server's token call
  expect(proxy.seen.some((s) => s.startsWith(`GET ${APP_HOST}/approvals`))).toBe(true);
  await page.context().close();
});

test("an account in no mapped group is refused on the sign-in page, and no user is created", async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${APP}/sign-in`);
  await ssoSignIn(page, "eve");
  await expect(page).toHaveURL(new RegExp(`^${APP}/sign-in\\?error=SsoRefused&reason=no_role`));
  await expect(page.getByText("Your SSO account is in no group that Hourglass maps to a role")).toBeVisible();
  await page.goto(`${APP}/`);
  await expect(page).toHaveURL(new RegExp(`^${APP}/sign-in`));
  expect(await query(`SELECT 1 FROM "User" WHERE email = $1`, ["eve@example.test"])).toHaveLength(0);
  await page.context().close();
});

test("an existing user is linked only by a verified email, once, and the link is audited", async () => {
  // Unverified email naming the demo approver: refused, the user stays unbound.
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${APP}/sign-in`);
  await ssoSignIn(page, "mallory");
  await expect(page).toHaveURL(new RegExp(`reason=link_refused`));
  await expect(page.getByText(/cannot be linked to the Hourglass user with this email/)).toBeVisible();
  const [before] = await query<{ ssoSubject: string | null }>(`SELECT "ssoSubject" FROM "User" WHERE email = 'approver@hourglass.local'`);
  expect(before.ssoSubject).toBeNull();
  await page.context().close();

  // Verified: linked to the demo approver, who now signs in with SSO.
  const linked = await (await browser.newContext()).newPage();
  await linked.goto(`${APP}/sign-in`);
  await ssoSignIn(linked, "jordan");
  await expect(linked).toHaveURL(`${APP}/`);
  await expect(linked.getByTestId("current-user")).toContainText("Jordan Lee");
  const [after] = await query<{ id: string; ssoSubject: string }>(`SELECT id, "ssoSubject" FROM "User" WHERE email = 'approver@hourglass.local'`);
  expect(after.ssoSubject).toBe("00u-jordan");
  const link = await query<{ data: { subject: string; by: string } }>(`SELECT data FROM "AuditEvent" WHERE action = 'user.sso_linked' AND "subjectId" = $1`, [after.id]);
  expect(link.map((l) => l.data)).toEqual([expect.objectContaining({ subject: "00u-jordan", by: "verified_email" })]);
  await linked.context().close();

  // The unverified account still cannot take the now-bound user.
  const again = await (await browser.newContext()).newPage();
  await again.goto(`${APP}/sign-in`);
  await ssoSignIn(again, "mallory");
  await expect(again).toHaveURL(new RegExp(`reason=link_refused`));
  await again.context().close();
});
