import { expect, test } from "@playwright/test";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { areas, rolePermissions, roles, type Permission } from "../lib/authz";
import bcrypt from "bcryptjs";
import { DEMO_PASSWORD, demo, signIn, withDb } from "./support";

// Every dashboard page × every role, expectations from the role table (lib/authz.ts): a page opens
// for whoever may open its area (and, for the pages below, holds what the page itself needs);
// everyone else lands on the 403 page. Nobody sees a server error. Ids in paths name nothing.

const pagesDir = path.join(process.cwd(), "app/(dashboard)");
const NOBODY = "00000000-0000-4000-8000-000000000000";

function pages(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) pages(p, out);
    else if (name === "page.tsx") out.push("/" + path.relative(pagesDir, dir).split(path.sep).join("/"));
  }
  return out.map((p) => (p === "/" ? "/" : p.replace(/\/$/, ""))).sort();
}

/** Pages that need more than their area. */
const pageNeeds: Record<string, Permission[]> = {
  "/requests/new": ["request:create"],
  "/exceptions/new": ["exception:propose"],
  "/attestations/new": ["attestation:manage"],
  "/identities/import": ["identity:write"],
  "/identities/drift": ["identity:quarantine"],
  "/admin/policies": ["admin:policies"],
  "/admin/issuers": ["admin:issuers"],
  "/admin/issuers/[id]": ["admin:issuers"],
  "/admin/entitlements": ["admin:entitlements"],
  "/admin/entitlements/[id]": ["admin:entitlements"],
  "/admin/workload-issuers": ["admin:issuers"],
  "/admin/tokens": ["admin:tokens"],
  "/admin/users": ["admin:users"],
};
/** Pages every signed-in person may open. */
const everyone = new Set(["/", "/account/tokens", "/forbidden"]);

const users: Record<(typeof roles)[number], string> = {
  admin: demo.admin,
  security: "security-only@hourglass.local",
  approver: demo.approver,
  owner: "owner-only@hourglass.local",
  auditor: demo.auditor,
  requester: demo.requester,
};

function mayOpen(role: (typeof roles)[number], page: string): boolean {
  if (everyone.has(page)) return true;
  const held = new Set<Permission>(rolePermissions[role]);
  const area = areas.find((a) => a.href !== "/" && (page === a.href || page.startsWith(`${a.href}/`)));
  const areaOk = !area || area.needs.length === 0 || area.needs.some((p) => held.has(p));
  const extra = Object.entries(pageNeeds).find(([p]) => page === p)?.[1];
  return areaOk && (!extra || extra.some((p) => held.has(p)));
}

const list = pages(pagesDir);

test("every dashboard page is listed", () => {
  expect(list.length).toBeGreaterThan(15);
});

// The demo's security and owner people hold a second role; these checks want one role each.
test.beforeAll(async () => {
  const hash = await bcrypt.hash(DEMO_PASSWORD, 10);
  await withDb(async (c) => {
    for (const [email, role] of [
      [users.security, "security"],
      [users.owner, "owner"],
    ]) {
      await c.query(
        `INSERT INTO "User" (id, email, name, roles, active, "passwordHash", "updatedAt") VALUES (gen_random_uuid(), $1, $2, ARRAY[$3]::"Role"[], true, $4, now())
         ON CONFLICT (email) DO NOTHING`,
        [email, `Only ${role}`, role, hash],
      );
    }
  });
});

for (const role of roles) {
  test(`${role}: each page opens exactly when the role table says so`, async ({ page }) => {
    test.setTimeout(120_000);
    await signIn(page, users[role]);
    const wrong: string[] = [];
    for (const p of list) {
      const url = p.replaceAll(/\[[^\]]+\]/g, NOBODY);
      const res = await page.goto(url);
      const status = res?.status() ?? 0;
      const forbidden = /\/forbidden/.test(page.url()) && p !== "/forbidden";
      if (status >= 500) wrong.push(`${url}: ${status}`);
      else if (mayOpen(role, p) === forbidden) wrong.push(`${url}: ${forbidden ? "refused" : `opened (${status})`}, expected ${forbidden ? "open" : "refused"}`);
    }
    expect(wrong).toEqual([]);
  });
}
