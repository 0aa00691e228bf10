import { EventEmitter } from "node:events";
import { execFileSync, spawn, type SpawnOptions } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The CLI as it ships: the bundle of scripts/cli/*.ts (the package's bin; build.test.ts checks it
// is current). Its pure parts are exported and tested here, and run() is driven end to end
// against a fake API with real child processes.

type Json = Record<string, any>;
type Cli = {
  EXIT: Record<"ok" | "usage" | "ended" | "timeout" | "api" | "revokeFailed", number>;
  CliError: new (code: string, message: string, exitCode: number) => Error & { code: string; exitCode: number };
  parseArgs: (argv: string[], env?: Record<string, string | undefined>) => Json;
  parseIsoDuration: (v: string) => number | null;
  formatElapsed: (ms: number) => string;
  formatError: (e: unknown) => string;
  exitCodeFor: (e: unknown) => number;
  childExitCode: (code: number | null, signal: string | null) => number;
  credentialEnv: (credential: Json | undefined, grant: Json, requestId?: string) => Record<string, string>;
  buildChildEnv: (parent: Record<string, string | undefined>, credential: Json | undefined, grant: Json, requestId?: string) => Record<string, string | undefined>;
  shellQuote: (v: string) => string;
  formatEnvLines: (vars: Record<string, string>) => string;
  defaultIdempotencyKey: (env: Record<string, string | undefined>, body: Json) => string;
  defaultJobRef: (env: Record<string, string | undefined>) => string | undefined;
  classifyRequest: (r: Json) => string;
  describeEnded: (r: Json) => string;
  progressLine: (r: Json, elapsedMs: number) => string;
  isMain: (metaUrl: string, argv1: string | undefined) => boolean;
  USAGE: string;
  run: (argv: string[], deps?: Json) => Promise<number>;
};

const cliUrl = new URL("./hourglass.mjs", import.meta.url).href;
const cli = (await import(/* @vite-ignore */ cliUrl)) as Cli;
const { EXIT, parseArgs } = cli;

const TOKEN = { HOURGLASS_TOKEN: "hgt_test" };
const base = ["request", "--identity", "svc-orders", "--entitlement", "orders-db-read-dev", "--duration", "PT10M", "--justification", "nightly export of orders"];

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect((e as { exitCode: number }).exitCode).toBe(EXIT.usage);
    return (e as Error).message;
  }
  throw new Error("expected a usage error");
}

describe("parseArgs", () => {
  it("parses a request with a command after --", () => {
    const o = parseArgs([...base, "--ticket", "OPS-1", "--job-ref=run/42", "--", "psql", "-c", "select 1", "--wait"], TOKEN);
    expect(o).toMatchObject({
      command: "request",
      url: "http://localhost:3000",
      token: "hgt_test",
      body: { identity: "svc-orders", entitlement: "orders-db-read-dev", duration: "PT10M", justification: "nightly export of orders", context: { ticket: "OPS-1", jobRef: "run/42" } },
      wait: true,
      timeoutMs: 30 * 60_000,
      commandArgs: ["psql", "-c", "select 1", "--wait"],
    });
    expect(o.idempotencyKey).toBeUndefined();
  });

  it("takes the URL and token from flags over the environment", () => {
    expect(parseArgs([...base], { HOURGLASS_URL: "https://hg.example.com/", HOURGLASS_TOKEN: "env" })).toMatchObject({ url: "https://hg.example.com", token: "env", wait: false, commandArgs: null });
    expect(parseArgs(["--url", "http://127.0.0.1:3100", ...base, "--token", "flag"], { HOURGLASS_TOKEN: "env" })).toMatchObject({ url: "http://127.0.0.1:3100", token: "flag" });
  });

  it("reads --wait, --timeout, --json, --idempotency-key and the other context flags", () => {
    const o = parseArgs([...base, "--wait", "--timeout", "pt2m", "--json", "--idempotency-key", "k-1", "--incident", "INC-9", "--change", "CHG-3"], TOKEN);
    expect(o).toMatchObject({ wait: true, timeoutMs: 120_000, json: true, idempotencyKey: "k-1", body: { context: { incident: "INC-9", change: "CHG-3" } } });
  });

  it("parses revoke and status", () => {
    expect(parseArgs(["revoke", "g-1", "--reason", "done early"], TOKEN)).toMatchObject({ command: "revoke", grantId: "g-1", reason: "done early" });
    expect(parseArgs(["status", "r-1", "--json"], TOKEN)).toMatchObject({ command: "status", requestId: "r-1", json: true });
  });

  it("answers --help and --version without a token", () => {
    expect(parseArgs(["--help"])).toEqual({ command: "help", topic: null });
    expect(parseArgs(["request", "-h"])).toEqual({ command: "help", topic: "request" });
    expect(parseArgs(["help"])).toMatchObject({ command: "help" });
    expect(parseArgs(["--version"])).toEqual({ command: "version" });
  });

  it.each([
    [[...base], {}, /no API token: set HOURGLASS_TOKEN/],
    [[], TOKEN, /no command given/],
    [["frobnicate"], TOKEN, /unknown command "frobnicate"/],
    [["toString"], TOKEN, /unknown command "toString"/],
    [["request", "--identity", "x"], TOKEN, /request needs --entitlement/],
    [[...base, "--bogus"], TOKEN, /unknown option --bogus for request/],
    [["--identity", "x"], TOKEN, /--identity belongs after a command/],
    [[...base, "--identity", "again"], TOKEN, /--identity is given twice/],
    [[...base.slice(0, -1), "short"], TOKEN, /at least 10 characters/],
    [[...base.slice(0, 6), "10 minutes", ...base.slice(7)], TOKEN, /--duration "10 minutes" is not an ISO 8601 duration/],
    [[...base, "--timeout", "forever"], TOKEN, /--timeout "forever"/],
    [[...base, "--ticket"], TOKEN, /--ticket needs a value/],
    [[...base, "--ticket", "--wait"], TOKEN, /--ticket needs a value/],
    [[...base, "--wait=yes"], TOKEN, /--wait takes no value/],
    [[...base, "--"], TOKEN, /nothing to run after --/],
    [[...base, "extra"], TOKEN, /put the command to run after --/],
    [["revoke", "g-1"], TOKEN, /revoke needs --reason/],
    [["revoke", "--reason", "done"], TOKEN, /exactly one grant id/],
    [["status", "r-1", "--", "ls"], TOKEN, /only request takes -- command/],
    [[...base, "--url", "ftp://x"], TOKEN, /http:\/\/ or https:\/\//],
    [[...base, "--url", "not a url"], TOKEN, /is not a URL/],
    [["-x"], TOKEN, /unknown option -x/],
  ])("refuses %j with a clear usage error", (argv, env, message) => {
    expect(usage(() => parseArgs(argv as string[], env))).toMatch(message);
  });
});

describe("durations", () => {
  it.each([
    ["PT10M", 600],
    ["pt1h30m", 5400],
    ["P1D", 86400],
    ["PT45S", 45],
    ["PT0S", null],
    ["P", null],
    ["PT", null],
    ["10m", null],
    ["P1DT", null],
  ])("%s → %s seconds", (v, s) => expect(cli.parseIsoDuration(v)).toBe(s));

  it("formats elapsed time for progress lines", () => {
    expect(cli.formatElapsed(4_200)).toBe("4s");
    expect(cli.formatElapsed(125_000)).toBe("2m05s");
    expect(cli.formatElapsed(3_725_000)).toBe("1h02m");
  });
});

describe("exit codes and errors", () => {
  it("maps a child's exit to ours: its code, or 128 + the signal", () => {
    expect(cli.childExitCode(0, null)).toBe(0);
    expect(cli.childExitCode(7, null)).toBe(7);
    expect(cli.childExitCode(null, "SIGINT")).toBe(130);
    expect(cli.childExitCode(null, "SIGTERM")).toBe(143);
    expect(cli.childExitCode(null, "SIGKILL")).toBe(137);
  });

  it("prints every error as hourglass: <code>: <message> with a distinct exit code", () => {
    const e = new cli.CliError("not_found", "Entitlement \"x\" not found", EXIT.api);
    expect(cli.formatError(e)).toBe('hourglass: not_found: Entitlement "x" not found');
    expect(cli.exitCodeFor(e)).toBe(5);
    expect(cli.exitCodeFor(new Error("boom"))).toBe(5);
    expect(cli.formatError(new Error("boom"))).toBe("hourglass: internal: boom");
    expect(new Set(Object.values(EXIT)).size).toBe(Object.keys(EXIT).length);
    expect(EXIT).toEqual({ ok: 0, usage: 2, ended: 3, timeout: 4, api: 5, revokeFailed: 6 });
  });
});

const grant = { id: "7d4c2b1e-0000-4000-8000-000000000001", status: "active", expiresAt: "2030-01-01T00:10:00.000Z" };
const pgCredential = { type: "postgres", username: "hg_7d4c", password: "s3cr'et", connectionString: "postgresql://hg_7d4c:s3cr%27et@db.internal:6432/orders?sslmode=require" };

describe("credential environment", () => {
  it("gives a PostgreSQL credential as HOURGLASS_PG_* and the libpq names", () => {
    expect(cli.credentialEnv(pgCredential, grant, "req-1")).toEqual({
      HOURGLASS_REQUEST_ID: "req-1",
      HOURGLASS_GRANT_ID: grant.id,
      HOURGLASS_GRANT_EXPIRES_AT: grant.expiresAt,
      HOURGLASS_PG_USER: "hg_7d4c",
      HOURGLASS_PG_PASSWORD: "s3cr'et",
      HOURGLASS_PG_URL: pgCredential.connectionString,
      PGUSER: "hg_7d4c",
      PGPASSWORD: "s3cr'et",
      DATABASE_URL: pgCredential.connectionString,
      PGHOST: "db.internal",
      PGPORT: "6432",
      PGDATABASE: "orders",
      PGSSLMODE: "require",
    });
  });

  it("removes the API token from the child's environment and never reuses its name", () => {
    const env = cli.buildChildEnv({ HOURGLASS_TOKEN: "hgt_api", HOURGLASS_URL: "http://x", PATH: "/bin", PGUSER: "old" }, { type: "jwt", token: "eyJ.jwt", expiresAt: "2030-01-01T00:00:00Z" }, grant);
    expect(env.HOURGLASS_TOKEN).toBeUndefined();
    expect("HOURGLASS_TOKEN" in env).toBe(false);
    expect(env).toMatchObject({ HOURGLASS_TOKEN_VALUE: "eyJ.jwt", HOURGLASS_TOKEN_EXPIRES_AT: "2030-01-01T00:00:00Z", HOURGLASS_GRANT_ID: grant.id, PATH: "/bin", PGUSER: "old", HOURGLASS_URL: "http://x" });
    expect(cli.buildChildEnv({ PGUSER: "old" }, pgCredential, grant).PGUSER).toBe("hg_7d4c");
  });

  it("gives a webhook's credential as JSON", () => {
    const vars = cli.credentialEnv({ type: "webhook", data: { seat: "agent-7", apiKey: "k" } }, grant);
    expect(JSON.parse(vars.HOURGLASS_CREDENTIAL_JSON)).toEqual({ seat: "agent-7", apiKey: "k" });
    expect(cli.credentialEnv({ type: "ssh-certificate", certificate: "ssh-ed25519-cert-v01@openssh.com AAA" }, grant).HOURGLASS_SSH_CERTIFICATE).toMatch(/^ssh-ed25519-cert/);
    expect(cli.credentialEnv(undefined, grant)).toEqual({ HOURGLASS_GRANT_ID: grant.id, HOURGLASS_GRANT_EXPIRES_AT: grant.expiresAt });
  });

  it("prints NAME=value lines a shell reads back unchanged", () => {
    const vars = cli.credentialEnv(pgCredential, grant, "req-1");
    const lines = cli.formatEnvLines(vars);
    expect(lines.split("\n")[0]).toBe("HOURGLASS_REQUEST_ID=req-1");
    const out = execFileSync("sh", ["-c", `set -a; eval "$1"; set +a; printf '%s\\n%s\\n%s' "$PGPASSWORD" "$DATABASE_URL" "$HOURGLASS_GRANT_EXPIRES_AT"`, "sh", lines], { encoding: "utf8" });
    expect(out.split("\n")).toEqual(["s3cr'et", pgCredential.connectionString, grant.expiresAt]);
    expect(cli.shellQuote("")).toBe("''");
    expect(cli.shellQuote("a b")).toBe("'a b'");
  });
});

describe("CI defaults", () => {
  const body = { identity: "svc", entitlement: "e", duration: "PT10M", justification: "a good reason" };

  it("derives a stable Idempotency-Key from the CI job, and a random one elsewhere", () => {
    const gh = { GITHUB_RUN_ID: "123", GITHUB_RUN_ATTEMPT: "2", GITHUB_JOB: "migrate", GITHUB_ACTION: "__run_3" };
    const key = cli.defaultIdempotencyKey(gh, body);
    expect(key).toMatch(/^gh-123-2-[0-9a-f]{16}$/);
    expect(cli.defaultIdempotencyKey(gh, body)).toBe(key);
    expect(cli.defaultIdempotencyKey(gh, { ...body, entitlement: "other" })).not.toBe(key);
    expect(cli.defaultIdempotencyKey({ ...gh, GITHUB_RUN_ATTEMPT: "3" }, body)).not.toBe(key);
    expect(cli.defaultIdempotencyKey({ CI_JOB_ID: "77", CI_PIPELINE_ID: "9" }, body)).toMatch(/^gl-77-/);
    const a = cli.defaultIdempotencyKey({}, body);
    expect(a).toMatch(/^cli-[0-9a-f-]{36}$/);
    expect(cli.defaultIdempotencyKey({}, body)).not.toBe(a);
  });

  it("references the CI run in the request's context", () => {
    expect(cli.defaultJobRef({ GITHUB_RUN_ID: "123", GITHUB_REPOSITORY: "acme/orders", GITHUB_SERVER_URL: "https://github.com" })).toBe("https://github.com/acme/orders/actions/runs/123");
    expect(cli.defaultJobRef({ CI_JOB_URL: "https://gitlab.example.com/x/-/jobs/9" })).toBe("https://gitlab.example.com/x/-/jobs/9");
    expect(cli.defaultJobRef({})).toBeUndefined();
  });
});

describe("request states", () => {
  const r = (extra: Json) => ({ id: "r1", status: "pending", approvals: { given: 1, required: 2 }, decision: { outcome: "require_approval", reasons: [] }, ...extra });
  it.each([
    [r({}), "pending"],
    [r({ status: "approved" }), "issuing"],
    [r({ status: "approved", grant: { ...grant, status: "issuing" } }), "issuing"],
    [r({ status: "approved", grant: { ...grant, credential: pgCredential } }), "ready"],
    [r({ status: "approved", grant }), "taken"],
    [r({ status: "approved", grant: { ...grant, status: "revoked" } }), "ended"],
    [r({ status: "approved", grant: { ...grant, status: "issue_failed" } }), "failed"],
    [r({ status: "denied" }), "ended"],
    [r({ status: "expired" }), "ended"],
    [r({ status: "cancelled" }), "ended"],
  ])("%j is %s", (req, state) => expect(cli.classifyRequest(req)).toBe(state));

  it("says how far approval has come and why a request ended", () => {
    expect(cli.progressLine(r({}), 65_000)).toBe("waiting for approval: 1/2 approvals… (1m05s elapsed)");
    expect(cli.progressLine(r({ approvals: { given: 0, required: 1 } }), 3_000)).toBe("waiting for approval: 0/1 approval… (3s elapsed)");
    expect(cli.progressLine(r({ status: "approved" }), 3_000)).toMatch(/^approved; issuing/);
    expect(cli.describeEnded(r({ status: "denied", decision: { reasons: ["outside the change window"] } }))).toBe("request r1 was denied: outside the change window");
    expect(cli.describeEnded(r({ status: "expired" }))).toMatch(/expired before it was approved \(1\/2 approvals\)/);
  });
});

describe("main guard", () => {
  it("recognises the module through the npm bin symlink, and not otherwise", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hourglass-bin-"));
    try {
      const link = path.join(dir, "hourglass");
      symlinkSync(fileURLToPath(cliUrl), link);
      expect(cli.isMain(cliUrl, link)).toBe(true);
      expect(cli.isMain(cliUrl, fileURLToPath(cliUrl))).toBe(true);
      expect(cli.isMain(cliUrl, path.join(dir, "other.js"))).toBe(false);
      expect(cli.isMain(cliUrl, undefined)).toBe(false);
      // Run through the symlink: it executes (and importing it here did not).
      expect(execFileSync(link, ["--version"], { encoding: "utf8" })).toMatch(/^hourglass \d+\.\d+\.\d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has real usage text", () => {
    for (const word of ["request", "status", "revoke", "--identity", "--entitlement", "--duration", "--justification", "--wait", "--timeout", "--idempotency-key", "HOURGLASS_TOKEN", "HOURGLASS_PG_URL", "Exit codes"]) expect(cli.USAGE).toContain(word);
  });
});

// ---------------------------------------------------------------------------------------------
// run() against a fake API

type Call = { method: string; path: string; body: any; headers: Record<string, string> };
type Route = (call: Call, n: number) => { status?: number; body: unknown; headers?: Record<string, string> };

function fakeApi(routes: Record<string, Route>) {
  const calls: Call[] = [];
  const counts = new Map<string, number>();
  const fetch = async (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => {
    const u = new URL(url);
    const call: Call = { method: init.method, path: u.pathname, body: init.body ? JSON.parse(init.body) : undefined, headers: init.headers };
    calls.push(call);
    const key = `${init.method} ${u.pathname.replace(/[0-9a-f-]{36}/g, ":id")}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    const route = routes[key];
    if (!route) return Response.json({ error: { code: "not_found", message: `no route ${key}` } }, { status: 404 });
    const out = route(call, n);
    return Response.json(out.body, { status: out.status ?? 200, headers: out.headers });
  };
  return { fetch, calls };
}

function harness(routes: Record<string, Route>, env: Record<string, string> = {}) {
  const api = fakeApi(routes);
  let out = "";
  let err = "";
  let clock = 1_000_000;
  const proc = new EventEmitter();
  let childOut = "";
  const deps = {
    // The real spawn, with the child's output captured instead of inherited.
    spawn: (cmd: string, args: string[], o: SpawnOptions) => {
      const child = spawn(cmd, args, { ...o, stdio: ["ignore", "pipe", "pipe"] });
      child.stdout?.on("data", (d: Buffer) => (childOut += d));
      child.stderr?.on("data", (d: Buffer) => (childOut += d));
      return child;
    },
    env: { PATH: process.env.PATH ?? "", HOURGLASS_TOKEN: "hgt_secret_api_token", ...env },
    stdout: (s: string) => (out += s),
    stderr: (s: string) => (err += s),
    fetch: api.fetch,
    process: proc,
    pollIntervalMs: 1000,
    sleep: async (ms: number) => {
      clock += ms;
    },
    now: () => clock,
    isTTY: false,
  };
  return { deps, calls: api.calls, proc, out: () => out, err: () => err, childOut: () => childOut };
}

const REQ = "11111111-1111-4111-8111-111111111111";
const GRANT = "22222222-2222-4222-8222-222222222222";
const req = (extra: Json = {}) => ({ id: REQ, status: "pending", identity: "svc-orders", entitlement: "orders-db-read-dev", duration: "PT10M", decision: { outcome: "require_approval", reasons: ["needs 2 approvals"], policyIds: [] }, approvals: { given: 0, required: 2 }, createdAt: "", expiresAt: "", ...extra });
const activeGrant = (extra: Json = {}) => ({ id: GRANT, status: "active", identity: "svc-orders", entitlement: "orders-db-read-dev", issuedAt: "", expiresAt: "2030-01-01T00:10:00.000Z", revokedAt: null, revokeReason: null, lastError: null, ...extra });
const revokedGrant = () => activeGrant({ status: "revoked", revokedAt: "2030-01-01T00:01:00.000Z" });

// The command checks its environment: the credential is there, the API token is not.
const checkEnv = `if (process.env.HOURGLASS_TOKEN) { console.error("API token leaked"); process.exit(99) } process.stdout.write(process.env.PGUSER + " " + process.env.HOURGLASS_GRANT_ID); process.exit(Number(process.argv[1] ?? 0))`;

function approvedFlow(revoke: Route = () => ({ body: activeGrant({ status: "revoking" }) })) {
  return {
    "POST /api/v1/access-requests": () => ({ status: 201, body: req() }),
    "GET /api/v1/access-requests/:id": (_c: Call, n: number) =>
      n === 1 ? { body: req({ approvals: { given: 1, required: 2 } }) } : n === 2 ? { body: req({ status: "approved", approvals: { given: 2, required: 2 } }) } : { body: req({ status: "approved", approvals: { given: 2, required: 2 }, grant: activeGrant(n === 3 ? { credential: pgCredential } : {}) }) },
    "POST /api/v1/grants/:id/revoke": revoke,
    "GET /api/v1/grants/:id": () => ({ body: revokedGrant() }),
  } satisfies Record<string, Route>;
}

describe("run", () => {
  it("waits for approval with progress, runs the command with the credential, and revokes when it ends", async () => {
    const h = harness(approvedFlow(), { GITHUB_RUN_ID: "55", GITHUB_JOB: "export", GITHUB_REPOSITORY: "acme/orders" });
    const code = await cli.run([...base, "--", process.execPath, "-e", checkEnv, "0"], h.deps);
    expect(code).toBe(0);
    expect(h.childOut()).toBe(`hg_7d4c ${GRANT}`);
    expect(h.err()).toContain("waiting for approval: 0/2 approvals");
    expect(h.err()).toContain("waiting for approval: 1/2 approvals");
    expect(h.err()).toContain(`grant ${GRANT} revoked: task completed (exit 0)`);
    const post = h.calls[0];
    expect(post.headers.authorization).toBe("Bearer hgt_secret_api_token");
    expect(post.headers["idempotency-key"]).toMatch(/^gh-55-1-/);
    expect(post.body.context.jobRef).toBe("https://github.com/acme/orders/actions/runs/55");
    const revoke = h.calls.find((c) => c.path.endsWith("/revoke"));
    expect(revoke?.body).toEqual({ reason: "task completed (exit 0)" });
    // Revoked right after the command: no other call in between.
    const i = h.calls.indexOf(revoke!);
    expect(h.calls[i - 1].path).toBe(`/api/v1/access-requests/${REQ}`);
    // Nothing secret was printed by the CLI.
    expect(h.err()).not.toContain("s3cr");
    expect(h.out()).toBe("");
  });

  it("revokes after a failing command too, and exits with its code", async () => {
    const h = harness(approvedFlow());
    const code = await cli.run([...base, "--", process.execPath, "-e", "process.exit(7)"], h.deps);
    expect(code).toBe(7);
    expect(h.calls.find((c) => c.path.endsWith("/revoke"))?.body).toEqual({ reason: "task completed (exit 7)" });
  });

  it("forwards SIGTERM to the command and exits 128 + 15", async () => {
    const h = harness(approvedFlow());
    const running = cli.run([...base, "--", process.execPath, "-e", "setTimeout(() => {}, 20000)"], h.deps);
    const until = Date.now() + 5000;
    while (!h.err().includes("running") && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    h.proc.emit("SIGTERM");
    expect(await running).toBe(143);
    expect(h.calls.find((c) => c.path.endsWith("/revoke"))?.body).toEqual({ reason: "task completed (exit 143, SIGTERM)" });
    expect(h.proc.listenerCount("SIGTERM")).toBe(0);
  });

  it("exits 127 when the command cannot be started, and still revokes", async () => {
    const h = harness(approvedFlow());
    expect(await cli.run([...base, "--", "/nonexistent/hourglass-test-command"], h.deps)).toBe(127);
    expect(h.calls.find((c) => c.path.endsWith("/revoke"))?.body).toEqual({ reason: "task completed (exit 127)" });
  });

  it("retries a failing revoke, then fails loudly: 6 if the command succeeded, else the command's code", async () => {
    const failing: Route = () => ({ status: 502, body: { error: { code: "issuer_unavailable", message: "the database is down" } } });
    const ok = harness(approvedFlow(failing));
    expect(await cli.run([...base, "--", process.execPath, "-e", "0"], ok.deps)).toBe(EXIT.revokeFailed);
    expect(ok.calls.filter((c) => c.path.endsWith("/revoke")).length).toBe(5);
    expect(ok.err()).toMatch(/!{20}\nhourglass: revoke_failed: could not revoke grant .*issuer_unavailable: the database is down/);
    const failed = harness(approvedFlow(failing));
    expect(await cli.run([...base, "--", process.execPath, "-e", "process.exit(9)"], failed.deps)).toBe(9);
  });

  it("treats a grant that is already revoking as revoked", async () => {
    const h = harness(approvedFlow(() => ({ status: 409, body: { error: { code: "invalid_state", message: "This grant is already revoking" } } })));
    expect(await cli.run([...base, "--", process.execPath, "-e", "0"], h.deps)).toBe(0);
  });

  it("exits 3 with the reasons when the request is denied", async () => {
    const h = harness({
      "POST /api/v1/access-requests": () => ({ status: 201, body: req() }),
      "GET /api/v1/access-requests/:id": () => ({ body: req({ status: "denied", decision: { outcome: "deny", reasons: ["outside the change window"], policyIds: [] } }) }),
    });
    expect(await cli.run([...base, "--wait"], h.deps)).toBe(EXIT.ended);
    expect(h.err()).toContain(`hourglass: denied: request ${REQ} was denied: outside the change window`);
  });

  it("cancels the request and exits 4 on timeout", async () => {
    const h = harness({
      "POST /api/v1/access-requests": () => ({ status: 201, body: req() }),
      "GET /api/v1/access-requests/:id": () => ({ body: req() }),
      "POST /api/v1/access-requests/:id/cancel": () => ({ body: req({ status: "cancelled" }) }),
    });
    expect(await cli.run([...base, "--timeout", "PT10S", "--", "true"], h.deps)).toBe(EXIT.timeout);
    expect(h.calls.at(-1)).toMatchObject({ method: "POST", path: `/api/v1/access-requests/${REQ}/cancel` });
    expect(h.err()).toMatch(/hourglass: timeout: no usable grant after 10s .*was cancelled/);
  });

  it("withdraws the request when interrupted while waiting", async () => {
    const h = harness({
      "POST /api/v1/access-requests": () => ({ status: 201, body: req() }),
      "GET /api/v1/access-requests/:id": () => {
        h.proc.emit("SIGINT");
        return { body: req() };
      },
      "POST /api/v1/access-requests/:id/cancel": () => ({ body: req({ status: "cancelled" }) }),
    });
    expect(await cli.run([...base, "--wait"], h.deps)).toBe(130);
    expect(h.calls.at(-1)?.path).toBe(`/api/v1/access-requests/${REQ}/cancel`);
  });

  it("prints an API error as hourglass: <code>: <message> and exits 5", async () => {
    const h = harness({ "POST /api/v1/access-requests": () => ({ status: 404, body: { error: { code: "not_found", message: 'Entitlement "nope" not found' } } }) });
    expect(await cli.run([...base], h.deps)).toBe(EXIT.api);
    expect(h.err()).toBe('hourglass: not_found: Entitlement "nope" not found\n');
  });

  it("prints the credential without a command, with a warning on stderr", async () => {
    const routes = { "POST /api/v1/access-requests": () => ({ status: 201, body: req({ status: "approved", grant: activeGrant({ credential: pgCredential }) }) }) };
    const h = harness(routes);
    expect(await cli.run([...base], h.deps)).toBe(0);
    expect(h.out()).toContain("PGUSER=hg_7d4c\n");
    expect(h.err()).toMatch(/SECRET/);
    const j = harness(routes);
    expect(await cli.run([...base, "--json"], j.deps)).toBe(0);
    expect(JSON.parse(j.out()).grant.credential).toEqual(pgCredential);
  });

  it("prints the request id for a pending request without --wait", async () => {
    const h = harness({ "POST /api/v1/access-requests": () => ({ status: 201, body: req() }) });
    expect(await cli.run([...base], h.deps)).toBe(0);
    expect(h.out()).toBe(`HOURGLASS_REQUEST_ID=${REQ}\n`);
    expect(h.err()).toContain(`hourglass status ${REQ}`);
  });

  it("explains a replayed Idempotency-Key whose credential was already handed out", async () => {
    const h = harness({
      "POST /api/v1/access-requests": () => ({ status: 201, body: req({ status: "approved", grant: activeGrant() }), headers: { "idempotent-replayed": "true" } }),
      "GET /api/v1/access-requests/:id": () => ({ body: req({ status: "approved", grant: activeGrant() }) }),
    });
    expect(await cli.run([...base, "--idempotency-key", "k1", "--", "true"], h.deps)).toBe(EXIT.api);
    expect(h.err()).toMatch(/credential_unavailable: .*fresh --idempotency-key \(this key belongs to an earlier run\)/);
    expect(h.calls.some((c) => c.path.endsWith("/revoke"))).toBe(false);
  });

  it("revoke and status commands", async () => {
    const h = harness({
      "POST /api/v1/grants/:id/revoke": () => ({ body: activeGrant({ status: "revoking" }) }),
      "GET /api/v1/access-requests/:id": () => ({ body: req({ status: "approved", grant: activeGrant({ credential: pgCredential }) }) }),
    });
    expect(await cli.run(["revoke", GRANT, "--reason", "rotation finished"], h.deps)).toBe(0);
    expect(h.calls[0]).toMatchObject({ body: { reason: "rotation finished" }, headers: { "idempotency-key": `revoke-${GRANT}` } });
    expect(h.err()).toContain(`grant ${GRANT} is revoking`);
    expect(await cli.run(["status", REQ], h.deps)).toBe(0);
    expect(h.out()).toContain(`request   ${REQ}  approved`);
    expect(h.out()).toContain("HOURGLASS_PG_PASSWORD=");
  });

  it("exits 2 with a clear message when the token is missing", async () => {
    const h = harness({});
    h.deps.env = { PATH: "" } as never;
    expect(await cli.run([...base, "--", "true"], h.deps)).toBe(EXIT.usage);
    expect(h.err()).toBe("hourglass: usage: no API token: set HOURGLASS_TOKEN (preferred: flags show up in process lists) or pass --token\n");
    expect(h.calls).toEqual([]);
  });
});
