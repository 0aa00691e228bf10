import { expect, test, type BrowserContext } from "@playwright/test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { demo, signIn, withDb } from "./support";

// Every server action of the build, called over plain HTTP the way an attacker would (the ids
// are in public JS chunks), as the least-privileged user, with keys a client must never be able
// to set: a forged actor, other people's ids, a status, a prototype key. Nothing may change that
// the requester could not have done, and nothing may answer with a server error.

const require = createRequire(import.meta.url);
const { encodeReply } = require("next/dist/compiled/react-server-dom-turbopack/client.node") as {
  encodeReply: (value: unknown) => Promise<string | FormData>;
};

type ManifestEntry = { workers: Record<string, unknown>; filename?: string; exportedName?: string };
const manifest = JSON.parse(readFileSync(path.join(process.cwd(), ".next/server/server-reference-manifest.json"), "utf8")) as {
  node: Record<string, ManifestEntry>;
};
const actions = Object.entries(manifest.node).map(([id, e]) => ({ id, name: `${e.filename}#${e.exportedName}`, page: pagePath(Object.keys(e.workers)[0]) }));

/** "app/(dashboard)/grants/[id]/page" → "/grants/<uuid>": a page the action can be posted to. */
function pagePath(worker: string): string {
  const p = worker
    .replace(/^app/, "")
    .replace(/\/page$/, "")
    .replace(/\/\([^)]+\)/g, "")
    .replace(/\[[^\]]+\]/g, "00000000-0000-4000-8000-000000000000");
  return p || "/";
}

const PERMIT_ALL = `@id("forged-permit-all")\npermit(principal, action, resource);`;

async function forgedKeys() {
  const ids = await withDb((c) => c.query(`SELECT id, email FROM "User" WHERE email = ANY($1)`, [[demo.admin, demo.security]]));
  const admin = ids.rows.find((r) => r.email === demo.admin)!.id as string;
  const other = await withDb((c) => c.query(`SELECT id FROM "AccessRequest" WHERE status = 'pending' LIMIT 1`));
  return {
    actor: { type: "system", name: "worker" },
    id: other.rows[0]?.id ?? admin,
    userId: admin,
    status: "approved",
    roles: ["admin"],
    // What the holes took: a whole policy set, an import, an attestation.
    text: PERMIT_ALL,
    comment: "forged through a server action",
    format: "json",
    content: JSON.stringify([{ name: "forged-identity", kind: "service_account", environment: "prod", system: "forged" }]),
    upsert: true,
    decision: "approve",
    requestIds: other.rows.map((r) => r.id),
  };
}

// The worker's own housekeeping writes audit events while the test runs (a pending request reaches
// its reminder, a scheduled drill issues and revokes its canary); those are not changes an action
// made. Anything else (a person's event, or the system doing what only a person does) is.
const WORKER_ACTIONS = [
  "grant.issued",
  "grant.issue_failed",
  "grant.issue_retry",
  "grant.issued_after_revoke",
  "grant.revoked",
  "grant.revoke_failed",
  "grant.native_expiry_moved",
  "grant.policy_drift",
  "grant.irrevocable",
  "grant.issue_cleaned_up",
  "request.expired",
  "request.reminded",
  "request.escalated",
  "campaign.reminded",
  "campaign.escalated",
  "drill.started",
  "drill.passed",
  "drill.failed",
  "exception.reminded",
  "exception.expired",
  "signing_key.created",
  "signing_key.rotated",
];

async function fingerprint() {
  return withDb(async (c) => {
    const r = await c.query(
      `SELECT
         (SELECT count(*)::int FROM "AuditEvent" WHERE NOT ("actorType" = 'system' AND (action = ANY($1) OR (action = 'grant.revoke_requested' AND data ? 'drill')))) AS "auditEvents",
         (SELECT count(*)::int FROM "PolicyVersion") AS "policyVersions",
         (SELECT md5(string_agg(id::text || status || coalesce("ownerUserId"::text, ''), ',' ORDER BY id)) FROM "Identity") AS identities,
         (SELECT md5(string_agg(email || roles::text || active::text, ',' ORDER BY email)) FROM "User") AS users,
         (SELECT count(*)::int FROM "ApiToken") AS "apiTokens",
         (SELECT count(*)::int FROM "AccessRequest") AS requests,
         (SELECT count(*)::int FROM "Approval") AS approvals,
         (SELECT count(*)::int FROM "Exception") AS exceptions,
         (SELECT count(*)::int FROM "Issuer") AS issuers,
         (SELECT count(*)::int FROM "Entitlement") AS entitlements`,
      [WORKER_ACTIONS],
    );
    return r.rows[0];
  });
}

async function cookieHeader(context: BrowserContext): Promise<string> {
  return (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
}

/** Posts one call of a server action, encoded the way React's client encodes it. */
async function callAction(baseURL: string, cookie: string, action: { id: string; page: string }, args: unknown[] | string) {
  // A string is sent as it is: React's encoder drops own `__proto__` keys, an attacker's client does not.
  const body = typeof args === "string" ? args : await encodeReply(args);
  const res = await fetch(new URL(action.page, baseURL), {
    method: "POST",
    redirect: "manual",
    headers: {
      "Next-Action": action.id,
      Accept: "text/x-component",
      Origin: baseURL,
      Cookie: cookie,
      ...(typeof body === "string" ? { "Content-Type": "text/plain;charset=UTF-8" } : {}),
    },
    body,
  });
  return { status: res.status, text: await res.text() };
}

function formData(fields: Record<string, unknown>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v)) for (const x of v) f.append(k, String(x));
    else f.append(k, typeof v === "object" ? JSON.stringify(v) : String(v));
  }
  f.append("__proto__", JSON.stringify({ polluted: true }));
  f.append("constructor", "forged");
  return f;
}

test.describe.configure({ mode: "serial" });

test("every server action, called as the requester with forged keys, changes nothing and never fails with a 500", async ({ page, context, baseURL }) => {
  test.setTimeout(120_000);
  // Sign-in and sign-out have no signed-in actor to forge; they are left to the sign-in specs.
  const probed = actions.filter((a) => !a.name.startsWith("app/(auth)/") && !a.name.endsWith("#signOutAction"));
  expect(probed.length).toBeGreaterThan(25);
  await signIn(page, demo.requester);
  const cookie = await cookieHeader(context);
  const keys = await forgedKeys();
  const before = await fingerprint();
  const failures: string[] = [];
  for (const action of probed) {
    const withProto = `[{"__proto__": {"polluted": true}, ${JSON.stringify(keys).slice(1)}]`;
    const calls: (unknown[] | string)[] = [[keys], withProto, [null, formData(keys)], [keys.id], [keys.id, true], []];
    for (const args of calls) {
      const r = await callAction(baseURL!, cookie, action, args);
      if (r.status >= 500 || r.text.includes(`"code":"internal"`)) failures.push(`${action.name} (${typeof args === "string" ? "raw" : args.length} args): ${r.status} ${r.text.slice(0, 200)}`);
    }
  }
  expect.soft(failures).toEqual([]);
  expect(await fingerprint()).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

test("the same plumbing reaches the actions: a well-formed call by an owner does what they may", async ({ page, context, baseURL }) => {
  await signIn(page, demo.owner);
  const cookie = await cookieHeader(context);
  const create = actions.find((a) => a.name.endsWith("#createRequestAction"))!;
  const options = await withDb((c) =>
    c.query(
      `SELECT i.id AS identity, e.id AS entitlement FROM "Identity" i JOIN "User" u ON u.email = $1, "Entitlement" e
       WHERE i.status = 'active' AND i."ownerUserId" = u.id AND e.environment = i.environment LIMIT 1`,
      [demo.owner],
    ),
  );
  const before = await fingerprint();
  const f = new FormData();
  for (const [k, v] of Object.entries({ identityId: options.rows[0].identity, entitlementId: options.rows[0].entitlement, durationMin: "15", justification: "checking the action plumbing end to end", ticketRef: "", incidentRef: "", changeRef: "" }))
    f.append(k, v);
  const r = await callAction(baseURL!, cookie, create, [null, f]);
  expect(r.status).toBeLessThan(500);
  const after = await fingerprint();
  expect(after.requests).toBe(before.requests + 1);

  // One forged key is enough for the same call to be refused as a whole.
  f.append("actor", JSON.stringify({ type: "system", name: "worker" }));
  const forged = await callAction(baseURL!, cookie, create, [null, f]);
  expect(forged.text).toContain("validation_failed");
  expect((await fingerprint()).requests).toBe(after.requests);
});
