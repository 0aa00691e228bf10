import { expect, test } from "@playwright/test";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { demo, E2E_ADMIN_TOKEN, signIn, withDatabase, withDb } from "./support";

// The pipeline CLI (the package's `hourglass` bin, built from scripts/cli/) against the running
// app: it asks for a PostgreSQL credential, hands it to a command through its environment, and
// revokes the grant the moment the command exits. No browser: the tests drive a child process.

const root = path.resolve(import.meta.dirname, "..");
const CLI = path.join(root, (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { bin: { hourglass: string } }).bin.hourglass);
const TARGET_DATABASE = "hourglass_target";

test.describe.configure({ mode: "serial" });

let baseURL: string;
let identity: { id: string; name: string };
let token: string;

type Result = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; exitedAt: number };

/** Runs the CLI with `node`, from the repository root (so the command can require("pg")). */
function hourglass(args: string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  const childEnv = {} as NodeJS.ProcessEnv;
  for (const [k, v] of Object.entries({ ...process.env, ...env })) {
    // A CI job's variables would shape the Idempotency-Key and jobRef; these runs stand alone.
    if (v !== undefined && !/^(GITHUB_|CI_|BUILDKITE_|HOURGLASS_)/.test(k)) childEnv[k] = v;
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: root, env: childEnv, stdio: ["ignore", "pipe", "pipe"] as const });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr, exitedAt: Date.now() }));
  });
}

// The command the pipeline runs: it reads the orders table with the credential it was given,
// and reports who it was, which grant it used, and whether the API token leaked to it.
const countOrders = `
const pg = require("pg");
(async () => {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  const r = await c.query("SELECT count(*)::int AS n, current_user AS role FROM orders");
  console.log("orders=" + r.rows[0].n);
  console.log("role=" + r.rows[0].role);
  console.log("grant=" + process.env.HOURGLASS_GRANT_ID);
  console.log("pguser=" + process.env.PGUSER + " same=" + (process.env.PGUSER === r.rows[0].role) + " pgpassword=" + Boolean(process.env.HOURGLASS_PG_PASSWORD));
  console.log("api-token-visible=" + (process.env.HOURGLASS_TOKEN !== undefined));
  await c.end();
})().catch((e) => { console.error(e); process.exit(1); });
`;

const requestArgs = (justification: string) => [
  "request",
  "--url",
  baseURL,
  "--identity",
  identity.name,
  "--entitlement",
  "orders-db-read-dev",
  "--duration",
  "PT10M",
  "--justification",
  justification,
];

const line = (out: string, key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(out)?.[1];

async function grantRow(id: string) {
  return withDb(async (c) => (await c.query(`SELECT status, "revokeComment", "revokedAt" FROM "Grant" WHERE id = $1`, [id])).rows[0] as { status: string; revokeComment: string | null; revokedAt: Date | null });
}

async function roleExists(role: string) {
  return withDatabase(TARGET_DATABASE, async (c) => (await c.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).rowCount === 1);
}

test.beforeAll(async ({ request }, testInfo) => {
  baseURL = testInfo.project.use.baseURL ?? "http://127.0.0.1:3100";
  identity = await withDb(async (c) => {
    const r = await c.query(`SELECT id, name FROM "Identity" WHERE kind = 'service_account' AND environment = 'dev' AND status = 'active' AND ("ownerTeamId" IS NOT NULL OR "ownerUserId" IS NOT NULL) ORDER BY name LIMIT 1`);
    return r.rows[0] as { id: string; name: string };
  });
  expect(identity, "an owned, active demo dev service account").toBeTruthy();
  // The pipeline's API token, made the way an admin makes one: through the API.
  const res = await request.post("/api/v1/tokens", {
    headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
    data: { name: "e2e CLI", identity: identity.name, scopes: ["request:create"], expiresIn: "PT1H" },
  });
  expect(res.status(), await res.text()).toBe(201);
  token = (await res.json()).token;
  expect(token).toMatch(/^hgt_/);
});

test("request → PostgreSQL credential → the command reads orders → the grant is revoked as it exits", async () => {
  test.setTimeout(90_000);
  const expected = await withDatabase(TARGET_DATABASE, async (c) => (await c.query("SELECT count(*)::int AS n FROM orders")).rows[0].n as number);

  const r = await hourglass([...requestArgs("e2e: count orders"), "--token", token, "--", process.execPath, "-e", countOrders]);
  // Right after the CLI exits, before anything else can move the grant on.
  const grantId = line(r.stdout, "grant");
  const immediately = grantId ? await grantRow(grantId) : undefined;

  expect(r.code, r.stderr).toBe(0);
  expect(line(r.stdout, "orders")).toBe(String(expected));
  const role = line(r.stdout, "role")!;
  expect(role).toMatch(/^[a-z0-9_]+$/);
  expect(r.stdout).toContain("same=true pgpassword=true");
  expect(line(r.stdout, "api-token-visible")).toBe("false");
  expect(r.stderr).toContain(`grant ${grantId} is active until`);
  expect(r.stderr).not.toContain(token);

  expect(grantId).toMatch(/^[0-9a-f-]{36}$/);
  expect(["revoking", "revoked"]).toContain(immediately!.status);
  expect(immediately!.revokeComment).toBe("task completed (exit 0)");
  await expect.poll(async () => (await grantRow(grantId!)).status, { timeout: 5_000 }).toBe("revoked");
  // The login the command used is gone from the target database.
  expect(await roleExists(role)).toBe(false);
  // And the grant's window was the task, not the ten minutes asked for.
  const row = await grantRow(grantId!);
  expect(row.revokedAt!.getTime()).toBeLessThanOrEqual(r.exitedAt + 1_000);
});

test("a failing command still revokes its grant, and the CLI exits with its code", async () => {
  test.setTimeout(60_000);
  const fail = `${countOrders.replace("await c.end();", "await c.end(); process.exit(7);")}`;
  // The API token comes from the environment this time; the command must not see it.
  const r = await hourglass([...requestArgs("e2e: a migration that fails"), "--", process.execPath, "-e", fail], { HOURGLASS_TOKEN: token });
  const grantId = line(r.stdout, "grant")!;
  const immediately = await grantRow(grantId);

  expect(r.code, r.stderr).toBe(7);
  expect(line(r.stdout, "api-token-visible")).toBe("false");
  expect(r.stderr).toMatch(/exited with code 7/);
  expect(["revoking", "revoked"]).toContain(immediately.status);
  expect(immediately.revokeComment).toBe("task completed (exit 7)");
  await expect.poll(async () => (await grantRow(grantId)).status, { timeout: 5_000 }).toBe("revoked");
  expect(await roleExists(line(r.stdout, "role")!)).toBe(false);
});

test("--wait: the CLI shows approval progress, and the command runs once a person approves", async ({ request, page }) => {
  test.setTimeout(90_000);
  // A staging read needs one approval; the approver must not own the identity.
  const staging = await withDb(async (c) => {
    const r = await c.query(
      `SELECT i.id, i.name FROM "Identity" i WHERE i.kind = 'service_account' AND i.environment = 'staging' AND i.status = 'active'
       AND (i."ownerTeamId" IS NOT NULL OR i."ownerUserId" IS NOT NULL)
       AND i."ownerUserId" IS DISTINCT FROM (SELECT id FROM "User" WHERE email = $1) ORDER BY i.name LIMIT 1`,
      [demo.approver],
    );
    return r.rows[0] as { id: string; name: string };
  });
  expect(staging, "an owned, active demo staging service account").toBeTruthy();
  const mint = async (data: object) => {
    const res = await request.post("/api/v1/tokens", { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` }, data: { expiresIn: "PT1H", ...data } });
    expect(res.status(), await res.text()).toBe(201);
    return (await res.json()).token as string;
  };
  const pipelineToken = await mint({ name: "e2e CLI staging", identity: staging.name, scopes: ["request:create"] });
  // A person's token is theirs to create: the approver makes one, signed in, on their tokens page.
  await signIn(page, demo.approver);
  await page.goto("/account/tokens");
  await page.getByLabel("Token name").fill("e2e approver");
  await page.getByLabel("request:approve").check();
  await page.getByLabel("request:read_all").check();
  await page.getByRole("button", { name: "Create token" }).click();
  const approverToken = (await page.getByTestId("new-token").locator("code").textContent())!.trim();
  expect(approverToken).toMatch(/^hgt_/);

  const justification = `e2e: wait for a person to approve (${Date.now()})`;
  const running = hourglass(
    ["request", "--url", baseURL, "--identity", staging.name, "--entitlement", "orders-db-read-staging", "--duration", "PT10M", "--justification", justification, "--ticket", "OPS-1234", "--timeout", "PT1M", "--", process.execPath, "-e", countOrders],
    { HOURGLASS_TOKEN: pipelineToken },
  );
  // The request is pending while the CLI waits; a person approves it through the API.
  let requestId: string | undefined;
  await expect
    .poll(async () => {
      requestId = await withDb(async (c) => (await c.query(`SELECT id, status FROM "AccessRequest" WHERE justification = $1`, [justification])).rows[0]?.id as string | undefined);
      return requestId;
    }, { timeout: 15_000 })
    .toBeTruthy();
  const pending = await withDb(async (c) => (await c.query(`SELECT status, "ticketRef" FROM "AccessRequest" WHERE id = $1`, [requestId])).rows[0]);
  expect(pending).toMatchObject({ status: "pending", ticketRef: "OPS-1234" });
  await new Promise((r) => setTimeout(r, 2_500)); // let the CLI report progress at least once
  const approved = await request.post(`/api/v1/access-requests/${requestId}/approve`, { headers: { authorization: `Bearer ${approverToken}` }, data: { comment: "fine for the e2e" } });
  expect(approved.status(), await approved.text()).toBe(200);

  const r = await running;
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toContain(`request ${requestId} needs approval (0/1)`);
  expect(r.stderr).toMatch(/waiting for approval: 0\/1 approval… \(\d+s elapsed\)/);
  expect(line(r.stdout, "orders")).toMatch(/^\d+$/);
  const grantId = line(r.stdout, "grant")!;
  expect(r.stderr).toContain(`grant ${grantId} revoked: task completed (exit 0)`);
  expect((await grantRow(grantId)).status).toBe("revoked");
  expect(await roleExists(line(r.stdout, "role")!)).toBe(false);
});

test("without a token the CLI exits 2 with a clear message and asks for nothing", async () => {
  const before = await withDb(async (c) => (await c.query(`SELECT count(*)::int AS n FROM "AccessRequest"`)).rows[0].n as number);
  const r = await hourglass([...requestArgs("e2e: no token given"), "--", process.execPath, "-e", "process.exit(0)"]);
  expect(r.code).toBe(2);
  expect(r.stderr.trim()).toBe("hourglass: usage: no API token: set HOURGLASS_TOKEN (preferred: flags show up in process lists) or pass --token");
  expect(r.stdout).toBe("");
  expect(await withDb(async (c) => (await c.query(`SELECT count(*)::int AS n FROM "AccessRequest"`)).rows[0].n as number)).toBe(before);
});

test("an unknown entitlement is an API error: hourglass: not_found: …, exit 5", async () => {
  const args = requestArgs("e2e: ask for something that does not exist");
  args[args.indexOf("orders-db-read-dev")] = "no-such-entitlement";
  const r = await hourglass([...args, "--", process.execPath, "-e", "process.exit(0)"], { HOURGLASS_TOKEN: token });
  expect(r.code).toBe(5);
  expect(r.stderr.trim()).toBe('hourglass: not_found: Entitlement "no-such-entitlement" not found');
});
