import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, withAdminClient } from "../testing/database";
import { freePort } from "../testing/free-port";
import { createPostgresIssuer, roleNameFor } from "./postgres";
import { IssuerError, type GrantRef, type IssueInput, type IssueResult, type IssuerDriver } from "./types";

// The PostgreSQL issuer against the real server of the test setup. Other test files share the
// cluster, so every database and role name here carries a random suffix.

const suffix = randomBytes(4).toString("hex");
const DB = `hg_pgissuer_${suffix}`;
const GROUP = `orders_read_${suffix}`;
const LEGACY = `svc_legacy_${suffix}`;
const ADMIN = `iss_admin_${suffix}`;
const WEAK_ADMIN = `iss_weak_${suffix}`;
const ADMIN_PW = randomBytes(12).toString("hex");

let driver: IssuerDriver;
const drivers: IssuerDriver[] = [];
const refs: GrantRef[] = [];
const clients: pg.Client[] = [];

function makeDriver(url: string, config: unknown = {}): IssuerDriver {
  const d = createPostgresIssuer({ id: randomUUID(), name: "pg-test", config, secret: { url } });
  drivers.push(d);
  return d;
}

function urlAs(user: string, password: string, database = DB): string {
  const u = new URL(databaseUrl(database));
  u.username = user;
  u.password = password;
  return u.toString();
}

function input(overrides: Partial<IssueInput> & { role?: string } = {}): IssueInput {
  const { role, ...rest } = overrides;
  return {
    grantId: randomUUID(),
    identity: { id: randomUUID(), name: "billing-batch", kind: "service", environment: "test" },
    entitlement: { id: randomUUID(), name: "orders read", target: { role: role ?? GROUP } },
    expiresAt: new Date(Date.now() + 60 * 60_000),
    ...rest,
  };
}

function refOf(inp: IssueInput, res: IssueResult): GrantRef {
  const ref = { grantId: inp.grantId, reference: res.reference, meta: res.meta ?? {}, expiresAt: res.expiresAt };
  refs.push(ref);
  return ref;
}

async function grant(d: IssuerDriver = driver, inp: IssueInput = input()) {
  const res = await d.grant(inp);
  return { inp, res, ref: refOf(inp, res) };
}

function password(res: IssueResult): string {
  if (res.credential?.type !== "postgres") throw new Error("expected a postgres credential");
  return res.credential.password;
}

function connString(res: IssueResult): string {
  if (res.credential?.type !== "postgres") throw new Error("expected a postgres credential");
  return res.credential.connectionString;
}

async function login(connectionString: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString });
  // A terminated backend makes the client emit "error"; the tests look at the failing query instead.
  c.on("error", () => undefined);
  clients.push(c);
  await c.connect();
  return c;
}

const admin = <T>(fn: (c: pg.Client) => Promise<T>) => withAdminClient(DB, fn);

async function sessionsOf(oid: unknown): Promise<number> {
  return admin(async (c) => (await c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usesysid = $1::oid", [oid])).rows[0].n);
}

async function roleRow(name: string) {
  return admin(async (c) => {
    const r = await c.query<{ oid: number; rolcanlogin: boolean; rolvaliduntil: Date | null; rolconnlimit: number; groups: string[] }>(
      `SELECT r.oid, r.rolcanlogin, r.rolvaliduntil, r.rolconnlimit,
              array(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) AS groups
         FROM pg_roles r WHERE r.rolname = $1`,
      [name],
    );
    return r.rows[0];
  });
}

async function expectIssuerError(p: Promise<unknown> | (() => unknown), kind: "transient" | "permanent", message?: RegExp) {
  let error: unknown;
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    error = e;
  }
  expect(error, "expected an IssuerError").toBeInstanceOf(IssuerError);
  expect((error as IssuerError).kind).toBe(kind);
  if (message) expect((error as IssuerError).message).toMatch(message);
  return error as IssuerError;
}

async function closedPortUrl(): Promise<string> {
  return `postgresql://postgres:nope@127.0.0.1:${await freePort()}/postgres`;
}

beforeAll(async () => {
  await withAdminClient("postgres", async (c) => {
    await c.query(`CREATE DATABASE ${DB}`);
    await c.query(`CREATE ROLE ${GROUP} NOLOGIN`);
    await c.query(`CREATE ROLE ${LEGACY} LOGIN PASSWORD 'legacy-${suffix}' IN ROLE ${GROUP}`);
    // A least-privilege admin, as recommended in production: CREATEROLE, ADMIN on the group, pg_signal_backend.
    await c.query(`CREATE ROLE ${ADMIN} LOGIN CREATEROLE PASSWORD '${ADMIN_PW}'`);
    await c.query(`GRANT ${GROUP} TO ${ADMIN} WITH ADMIN OPTION`);
    await c.query(`GRANT pg_signal_backend TO ${ADMIN}`);
    await c.query(`CREATE ROLE ${WEAK_ADMIN} LOGIN CREATEROLE PASSWORD '${ADMIN_PW}'`);
  });
  await admin(async (c) => {
    await c.query("CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL)");
    await c.query("INSERT INTO orders VALUES (1, 'widget'), (2, 'gadget'), (3, 'gizmo')");
    await c.query(`GRANT SELECT ON orders TO ${GROUP}`);
  });
  driver = makeDriver(databaseUrl(DB));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  for (const ref of refs) await driver.revoke(ref).catch(() => undefined);
  await Promise.all(drivers.map((d) => d.close?.()));
  await withAdminClient("postgres", async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    for (const r of [LEGACY, ADMIN, WEAK_ADMIN, GROUP]) await c.query(`DROP ROLE IF EXISTS ${r}`);
  });
});

describe("grant", () => {
  it("creates a login role in the group whose credential logs in and reads the group's table", async () => {
    const { inp, res } = await grant();
    expect(res.reference).toBe(`hg_${inp.grantId.replaceAll("-", "")}`);
    expect(res.reference).toHaveLength(35);
    expect(res.expiresAt.getTime()).toBe(inp.expiresAt.getTime());
    expect(res.credential?.type).toBe("postgres");
    if (res.credential?.type !== "postgres") return;
    expect(res.credential.username).toBe(res.reference);
    expect(res.credential.password.length).toBeGreaterThanOrEqual(24);

    const url = new URL(res.credential.connectionString);
    const server = new URL(databaseUrl(DB));
    expect([url.hostname, url.port, url.pathname]).toEqual([server.hostname, server.port, `/${DB}`]);
    expect(decodeURIComponent(url.username)).toBe(res.reference);
    expect(decodeURIComponent(url.password)).toBe(res.credential.password);

    const row = await roleRow(res.reference);
    expect(row).toBeDefined();
    expect(res.meta).toEqual({ oid: row.oid, group: GROUP, database: DB });
    expect(row.rolcanlogin).toBe(true);
    expect(row.rolconnlimit).toBe(10);
    expect(row.groups).toEqual([GROUP]);
    // VALID UNTIL is the end of the window (PostgreSQL keeps microseconds, we send milliseconds).
    expect(row.rolvaliduntil?.getTime()).toBe(inp.expiresAt.getTime());

    const c = await login(res.credential.connectionString);
    const orders = await c.query("SELECT id, item FROM orders ORDER BY id");
    expect(orders.rows.map((r) => r.item)).toEqual(["widget", "gadget", "gizmo"]);
    expect((await c.query("SELECT current_user AS u")).rows[0].u).toBe(res.reference);
    // Only the group's privileges: no writes.
    await expect(c.query("INSERT INTO orders VALUES (9, 'nope')")).rejects.toThrow(/permission denied/);
    await c.end();
  });

  it("does not send the password in clear: the server stores a SCRAM verifier", async () => {
    const { res } = await grant();
    const stored = await admin(async (c) => (await c.query("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [res.reference])).rows[0].rolpassword);
    expect(stored).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(stored).not.toContain(password(res));
  });

  it("is idempotent per grant: same role, fresh password, the old one stops working", async () => {
    const inp = input();
    const first = await driver.grant(inp);
    refOf(inp, first);
    const old = await login(connString(first));

    // A crash between the two calls may have left the membership half-done.
    await admin((c) => c.query(`REVOKE ${GROUP} FROM ${first.reference}`));
    const later = new Date(inp.expiresAt.getTime() + 30 * 60_000);
    const second = await driver.grant({ ...inp, expiresAt: later });

    expect(second.reference).toBe(first.reference);
    expect(second.meta).toEqual(first.meta);
    expect(password(second)).not.toBe(password(first));
    const row = await roleRow(second.reference);
    expect(row.groups).toEqual([GROUP]);
    expect(row.rolvaliduntil?.getTime()).toBe(later.getTime());

    const fresh = await login(connString(second));
    expect((await fresh.query("SELECT count(*)::int AS n FROM orders")).rows[0].n).toBe(3);
    await expect(login(connString(first))).rejects.toMatchObject({ code: "28P01" });
    expect((await old.query("SELECT 1 AS one")).rows[0].one).toBe(1); // a live session is revoke's job
  });

  it("handles many grants at once through the pool", async () => {
    const inputs = Array.from({ length: 24 }, () => input());
    const results = await Promise.all(inputs.map((i) => driver.grant(i)));
    const grantRefs = inputs.map((i, n) => refOf(i, results[n]));
    expect(new Set(results.map((r) => r.reference)).size).toBe(24);
    const members = await admin(
      async (c) =>
        (
          await c.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
              WHERE g.rolname = $1 AND u.rolname = ANY($2)`,
            [GROUP, results.map((r) => r.reference)],
          )
        ).rows[0].n,
    );
    expect(members).toBe(24);
    // Concurrent retries of one grant, too.
    const dup = input();
    const same = await Promise.all([driver.grant(dup), driver.grant(dup), driver.grant(dup)]);
    refOf(dup, same[0]);
    expect(new Set(same.map((r) => r.reference)).size).toBe(1);

    await Promise.all(grantRefs.map((r) => driver.revoke(r)));
    expect(await Promise.all(grantRefs.map((r) => driver.verifyRevoked(r)))).toEqual(grantRefs.map(() => true));
  });

  it("uses the configured host, port and database in the credential, and never forwards admin parameters", async () => {
    const base = new URL(databaseUrl(DB));
    base.searchParams.set("sslmode", "disable");
    base.searchParams.set("application_name", "admin-tool");
    const d = makeDriver(base.toString(), { connectHost: "db.internal.example", port: 6543, database: "analytics" });
    const { res } = await grant(d);
    const url = new URL(connString(res));
    expect(url.hostname).toBe("db.internal.example");
    expect(url.port).toBe("6543");
    expect(url.pathname).toBe("/analytics");
    expect(url.searchParams.get("sslmode")).toBe("disable");
    expect(url.searchParams.has("application_name")).toBe(false);
    expect(connString(res)).not.toContain(new URL(databaseUrl(DB)).password);
    expect(res.meta?.database).toBe("analytics");
  });

  it("rejects an unknown group role, a superuser group and an identifier that is not one", async () => {
    await expectIssuerError(driver.grant(input({ role: `no_such_${suffix}` })), "permanent", new RegExp(`group role no_such_${suffix} does not exist`));
    await expectIssuerError(driver.grant(input({ role: "postgres" })), "permanent", /superuser/);

    const evil = input({ role: 'x"; DROP ROLE postgres; --' });
    await expectIssuerError(driver.grant(evil), "permanent", /PostgreSQL identifier/);
    for (const role of ["", "a".repeat(64), "1abc", "has space", "hg_0123"]) {
      await expectIssuerError(driver.grant(input({ role })), "permanent", /target\.role/);
    }
    await expectIssuerError(driver.grant({ ...input(), entitlement: { id: "e", name: "x", target: null } }), "permanent", /target\.role/);
    expect(await roleRow(roleNameFor(evil.grantId))).toBeUndefined();
    expect(await roleRow("postgres")).toBeDefined();
  });

  it("refuses group roles whose membership gives more than data access, directly or through another role", async () => {
    const r = (name: string) => `${name}_${suffix}`;
    const setup = [
      `CREATE ROLE ${r("g_createrole")} NOLOGIN CREATEROLE`,
      `CREATE ROLE ${r("g_createdb")} NOLOGIN CREATEDB`,
      `CREATE ROLE ${r("g_replication")} NOLOGIN REPLICATION`,
      `CREATE ROLE ${r("g_bypassrls")} NOLOGIN BYPASSRLS`,
      `CREATE ROLE ${r("g_files")} NOLOGIN IN ROLE pg_write_server_files`,
      `CREATE ROLE ${r("g_program")} NOLOGIN IN ROLE pg_execute_server_program`,
      // Harmless itself, but its members can SET ROLE to a CREATEROLE role.
      `CREATE ROLE ${r("g_nested")} NOLOGIN IN ROLE ${r("g_createrole")}`,
    ];
    await admin(async (c) => {
      for (const q of setup) await c.query(q);
    });
    try {
      const cases: [string, RegExp][] = [
        [r("g_createrole"), /CREATEROLE/],
        [r("g_createdb"), /CREATEDB/],
        [r("g_replication"), /replication/],
        [r("g_bypassrls"), /BYPASSRLS/],
        [r("g_files"), /server-file role \(pg_write_server_files\)/],
        [r("g_program"), /server-program .*pg_execute_server_program/],
        [r("g_nested"), new RegExp(`can become ${r("g_createrole")}, which is allowed to create roles`)],
        ["pg_read_server_files", /server-file role/],
        ["postgres", /superuser/],
      ];
      for (const [role, message] of cases) {
        const inp = input({ role });
        await expectIssuerError(driver.grant(inp), "permanent", message);
        expect(await roleRow(roleNameFor(inp.grantId))).toBeUndefined();
      }
      // The issuer's own admin role is not grantable through it either.
      const weak = makeDriver(urlAs(ADMIN, ADMIN_PW));
      await expectIssuerError(weak.grant(input({ role: ADMIN })), "permanent", /the issuer's own admin role/);
      // A plain group still works.
      const ok = await grant(driver);
      expect(ok.res.reference).toBeTruthy();
    } finally {
      await admin(async (c) => {
        for (const name of ["g_nested", "g_createrole", "g_createdb", "g_replication", "g_bypassrls", "g_files", "g_program"]) await c.query(`DROP ROLE IF EXISTS ${r(name)}`);
      });
    }
  });

  it("refuses a window that has already ended", async () => {
    await expectIssuerError(driver.grant(input({ expiresAt: new Date(Date.now() - 1000) })), "permanent", /already ended/);
  });

  it("extends VALID UNTIL", async () => {
    const { ref } = await grant();
    const later = new Date(Date.now() + 3 * 60 * 60_000);
    await driver.extend!(ref, later);
    expect((await roleRow(ref.reference)).rolvaliduntil?.getTime()).toBe(later.getTime());
    await driver.revoke(ref);
    await expectIssuerError(driver.extend!(ref, later), "permanent", /does not exist/);
  });
});

describe("revoke", () => {
  it("ends every session (plain, SET ROLE to the group, idle in a transaction) and drops the role", async () => {
    const { res, ref } = await grant();
    const plain = await login(connString(res));
    const setRole = await login(connString(res));
    await setRole.query(`SET ROLE ${GROUP}`);
    const inTx = await login(connString(res));
    await inTx.query("BEGIN");
    await inTx.query("SELECT count(*) FROM orders");
    // A backend with many temporary tables takes a while to exit (it drops them first), so a revoke
    // that did not wait for the sessions to go would return while this one is still listed.
    const slowExit = await login(connString(res));
    await slowExit.query("DO $$ BEGIN FOR i IN 1..300 LOOP EXECUTE format('CREATE TEMP TABLE tmp_%s (x int)', i); END LOOP; END $$");

    const oid = res.meta!.oid;
    const states = await admin(async (c) => (await c.query("SELECT state FROM pg_stat_activity WHERE usesysid = $1 ORDER BY state", [oid])).rows.map((r) => r.state));
    expect(states).toEqual(["idle", "idle", "idle", "idle in transaction"]);
    expect(await driver.verifyRevoked(ref)).toBe(false);

    // Gone when revoke returns, not eventually: looked at through a connection opened beforehand.
    const watcher = await login(databaseUrl(DB));
    await driver.revoke(ref);
    const left = await watcher.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usesysid = $1", [oid]);
    expect(left.rows[0].n).toBe(0);
    expect(await roleRow(res.reference)).toBeUndefined();
    expect(await driver.verifyRevoked(ref)).toBe(true);
    for (const c of [plain, setRole, inTx, slowExit]) await expect(c.query("SELECT count(*) FROM orders")).rejects.toThrow();
    await expect(login(connString(res))).rejects.toMatchObject({ code: "28P01" });
  });

  it("ends sessions that survived a DROP ROLE done outside Hourglass (found by OID)", async () => {
    const { res, ref } = await grant();
    const plain = await login(connString(res));
    const survivor = await login(connString(res));
    await survivor.query(`SET ROLE ${GROUP}`);
    await admin((c) => c.query(`DROP ROLE ${res.reference}`));
    // The notes' fact, checked so this test notices if PostgreSQL changes: the sessions live on, and
    // the one that did SET ROLE keeps the group's privileges.
    expect((await plain.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    expect((await survivor.query("SELECT count(*)::int AS n FROM orders")).rows[0].n).toBe(3);
    expect(await sessionsOf(res.meta!.oid)).toBe(2);
    expect(await driver.verifyRevoked(ref)).toBe(false);

    await driver.revoke(ref);
    expect(await sessionsOf(res.meta!.oid)).toBe(0);
    await expect(survivor.query("SELECT count(*) FROM orders")).rejects.toThrow();
    await expect(plain.query("SELECT 1")).rejects.toThrow();
    expect(await driver.verifyRevoked(ref)).toBe(true);
  });

  it("is idempotent, and a role that was never created is already revoked", async () => {
    const { ref } = await grant();
    await driver.revoke(ref);
    await driver.revoke(ref);
    expect(await driver.verifyRevoked(ref)).toBe(true);

    const never: GrantRef = { grantId: randomUUID(), reference: "", meta: {}, expiresAt: new Date() };
    never.reference = roleNameFor(never.grantId);
    await driver.revoke(never);
    expect(await driver.verifyRevoked(never)).toBe(true);
  });

  it("works with a least-privilege admin (CREATEROLE, ADMIN on the group, pg_signal_backend)", async () => {
    const d = makeDriver(urlAs(ADMIN, ADMIN_PW));
    expect(await d.health()).toMatchObject({ ok: true });
    const { res, ref } = await grant(d);
    const c = await login(connString(res));
    await c.query(`SET ROLE ${GROUP}`);
    expect((await c.query("SELECT count(*)::int AS n FROM orders")).rows[0].n).toBe(3);
    await d.revoke(ref);
    expect(await sessionsOf(res.meta!.oid)).toBe(0);
    await expect(c.query("SELECT 1")).rejects.toThrow();
    expect(await d.verifyRevoked(ref)).toBe(true);

    const weak = await makeDriver(urlAs(WEAK_ADMIN, ADMIN_PW)).health();
    expect(weak.ok).toBe(false);
    expect(weak.detail).toMatch(/pg_signal_backend/);
  });

  it("disables a role that owns objects, reports it, and finishes once the objects are gone", async () => {
    const { res, ref } = await grant();
    const c = await login(connString(res));
    await admin((a) => a.query(`CREATE TABLE owned_${suffix} (x int); ALTER TABLE owned_${suffix} OWNER TO ${res.reference}`));

    await expectIssuerError(driver.revoke(ref), "permanent", /cannot be dropped.*REASSIGN OWNED/s);
    const row = await roleRow(res.reference);
    expect(row.rolcanlogin).toBe(false);
    expect(row.groups).toEqual([]);
    expect(await sessionsOf(res.meta!.oid)).toBe(0);
    await expect(c.query("SELECT 1")).rejects.toThrow();
    expect(await driver.verifyRevoked(ref)).toBe(false);

    await admin((a) => a.query(`DROP TABLE owned_${suffix}`));
    await driver.revoke(ref);
    expect(await driver.verifyRevoked(ref)).toBe(true);
  });

  it("refuses to touch a role Hourglass did not create", async () => {
    const ref: GrantRef = { grantId: randomUUID(), reference: LEGACY, meta: {}, expiresAt: new Date() };
    await expectIssuerError(driver.revoke(ref), "permanent", /not a role created by Hourglass/);
    expect((await roleRow(LEGACY)).rolcanlogin).toBe(true);
  });
});

describe("revokeMany (the worker's batch revoke)", () => {
  it("ends sessions, drops and verifies a whole batch; a role that cannot be dropped fails alone, disabled; foreign and never-created roles are answered each", async () => {
    const live = await Promise.all(Array.from({ length: 6 }, () => grant()));
    const sessions = await Promise.all(live.slice(0, 3).map(async (g) => {
      const c = await login(connString(g.res));
      await c.query(`SET ROLE ${GROUP}`);
      return c;
    }));
    const inTx = await login(connString(live[3].res));
    await inTx.query("BEGIN");
    await inTx.query("SELECT count(*) FROM orders");
    const owner = live[4];
    await admin((a) => a.query(`CREATE TABLE owned_batch_${suffix} (x int); ALTER TABLE owned_batch_${suffix} OWNER TO ${owner.res.reference}`));
    const never: GrantRef = { grantId: randomUUID(), reference: "", meta: {}, expiresAt: new Date() };
    never.reference = roleNameFor(never.grantId);
    const foreign: GrantRef = { grantId: randomUUID(), reference: LEGACY, meta: {}, expiresAt: new Date() };
    const batch = [...live.map((g) => g.ref), never, foreign];

    const watcher = await login(databaseUrl(DB));
    const results = await driver.revokeMany!(batch);
    expect(results).toHaveLength(batch.length);
    // The four with sessions, the fifth plain one and the never-created one: verified gone.
    for (const i of [0, 1, 2, 3, 5, 6]) expect(results[i]).toBeNull();
    expect(results[4]).toBeInstanceOf(IssuerError);
    expect(results[4]!.message).toMatch(/cannot be dropped.*REASSIGN OWNED/s);
    expect(results[7]).toMatchObject({ kind: "permanent", message: expect.stringMatching(/not a role created by Hourglass/) });

    const oids = live.map((g) => g.res.meta!.oid);
    const left = await watcher.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usesysid = ANY($1::oid[])", [oids]);
    expect(left.rows[0].n).toBe(0);
    for (const c of [...sessions, inTx]) await expect(c.query("SELECT count(*) FROM orders")).rejects.toThrow();
    for (const i of [0, 1, 2, 3, 5]) {
      expect(await roleRow(live[i].res.reference)).toBeUndefined();
      expect(await driver.verifyRevoked(live[i].ref)).toBe(true);
      await expect(login(connString(live[i].res))).rejects.toMatchObject({ code: "28P01" });
    }
    // The owner of a table: no login, no group, no session, still there until someone cleans up.
    const row = await roleRow(owner.res.reference);
    expect(row).toMatchObject({ rolcanlogin: false, groups: [] });
    await expect(login(connString(owner.res))).rejects.toThrow();
    expect((await roleRow(LEGACY)).rolcanlogin).toBe(true);

    await admin((a) => a.query(`DROP TABLE owned_batch_${suffix}`));
    expect(await driver.revokeMany!([owner.ref])).toEqual([null]);
    expect(await driver.verifyRevoked(owner.ref)).toBe(true);
  });

  it("is idempotent: a batch revoked twice is verified twice", async () => {
    const batch = (await Promise.all(Array.from({ length: 3 }, () => grant()))).map((g) => g.ref);
    expect(await driver.revokeMany!(batch)).toEqual([null, null, null]);
    expect(await driver.revokeMany!(batch)).toEqual([null, null, null]);
  });

  it("fails every grant of the batch, transient, when the server cannot be reached", async () => {
    const port = await freePort();
    const d = makeDriver(`postgres://postgres:x@127.0.0.1:${port}/postgres`);
    const refsDown = [never(), never()];
    const results = await d.revokeMany!(refsDown);
    expect(results.map((r) => (r as IssuerError | null)?.kind)).toEqual(["transient", "transient"]);
  });
});

function never(): GrantRef {
  const grantId = randomUUID();
  return { grantId, reference: roleNameFor(grantId), meta: {}, expiresAt: new Date() };
}

describe("configuration and failures", () => {
  it("rejects a missing or malformed secret and config as permanent", () => {
    const make = (secret: unknown, config: unknown = {}) => () => createPostgresIssuer({ id: "i", name: "pg", config, secret });
    expect(make(null)).toThrow(IssuerError);
    for (const [secret, config, message] of [
      [null, {}, /secret\.url/],
      [{}, {}, /secret\.url/],
      [{ url: "" }, {}, /url is required/],
      [{ url: "mysql://root@localhost/db" }, {}, /postgres:\/\//],
      [{ url: databaseUrl(DB) }, { port: "not a port" }, /config\.port/],
      [{ url: databaseUrl(DB) }, { host: "evil.example/x?y" }, /config\.host/],
      [{ url: databaseUrl(DB) }, { hots: "typo" }, /config/],
    ] as const) {
      try {
        make(secret, config)();
        expect.unreachable(`accepted ${JSON.stringify({ secret, config })}`);
      } catch (e) {
        expect(e).toBeInstanceOf(IssuerError);
        expect((e as IssuerError).kind).toBe("permanent");
        expect((e as IssuerError).message).toMatch(message);
      }
    }
  });

  it("reports an unreachable server as transient", async () => {
    const d = makeDriver(await closedPortUrl());
    await expectIssuerError(d.grant(input()), "transient", /ECONNREFUSED|connect/);
    const ref: GrantRef = { grantId: randomUUID(), reference: roleNameFor(randomUUID()), meta: { oid: 123456 }, expiresAt: new Date() };
    await expectIssuerError(d.revoke(ref), "transient");
    await expectIssuerError(d.verifyRevoked(ref), "transient");
  });

  it("reports bad admin credentials as permanent", async () => {
    const d = makeDriver(urlAs(ADMIN, "wrong-password"));
    await expectIssuerError(d.grant(input()), "permanent", /password authentication failed/);
  });
});

describe("health and discovery", () => {
  it("health is ok with the server version, and not ok when the server is unreachable", async () => {
    const ok = await driver.health();
    expect(ok.ok).toBe(true);
    expect(ok.detail).toMatch(/^PostgreSQL \d+/);

    const started = Date.now();
    const down = await makeDriver(await closedPortUrl()).health();
    expect(down.ok).toBe(false);
    expect(down.detail).toMatch(/ECONNREFUSED|connect/);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("discover finds login roles holding a group outside Hourglass, not Hourglass's own roles", async () => {
    const { res } = await grant();
    const found = await driver.discover!();
    expect(found).toContainEqual({ principal: LEGACY, privilege: GROUP, detail: { superuser: false, validUntil: null, adminOption: false } });
    expect(found.some((p) => p.principal === res.reference || p.principal.startsWith("hg_"))).toBe(false);
    expect(found.some((p) => p.privilege.startsWith("hg_"))).toBe(false);
    // The least-privilege admin holds the group WITH ADMIN OPTION: a standing privilege too.
    expect(found).toContainEqual(expect.objectContaining({ principal: ADMIN, privilege: GROUP, detail: expect.objectContaining({ adminOption: true }) }));
  });
});
