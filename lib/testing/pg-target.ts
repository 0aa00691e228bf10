import { randomBytes } from "node:crypto";
import { getDb } from "../db";
import { sealJson } from "../crypto/seal";
import pg from "pg";
import { databaseUrl } from "./database";

// A real PostgreSQL target for the PostgreSQL issuer: its own database and group role on the test
// server (or on `serverUrl`, a server of its own that a test can stop), reached at `port` (a proxy
// in front of the server, to cause network faults).

function urlOn(serverUrl: string | undefined, db: string): string {
  if (!serverUrl) return databaseUrl(db);
  const u = new URL(serverUrl);
  u.pathname = `/${db}`;
  return u.toString();
}

async function asSuperuser<T>(serverUrl: string | undefined, db: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: urlOn(serverUrl, db) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export type PgTarget = {
  db: string;
  group: string;
  /** Roles this issuer created that still exist. */
  liveRoles: () => Promise<string[]>;
  /** Sessions still open as one of those roles (or as a dropped one, by OID). */
  liveSessions: () => Promise<number>;
  drop: () => Promise<void>;
  /** The server it lives on (its superuser URL), when not the test server. */
  serverUrl?: string;
};

export async function createPgTarget(serverUrl?: string): Promise<PgTarget> {
  const suffix = randomBytes(4).toString("hex");
  const db = `hg_target_${suffix}`;
  const group = `app_read_${suffix}`;
  const withAdminClient = <T>(database: string, fn: (c: pg.Client) => Promise<T>) => asSuperuser(serverUrl, database, fn);
  await withAdminClient("postgres", async (c) => {
    await c.query(`CREATE DATABASE ${db}`);
    await c.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${group}') THEN CREATE ROLE ${group} NOLOGIN; END IF; END $$`);
  });
  return {
    db,
    group,
    serverUrl,
    liveRoles: () => withAdminClient(db, async (c) => (await c.query<{ rolname: string }>(`SELECT rolname FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = $1)`, [group])).rows.map((r) => r.rolname)),
    liveSessions: () => withAdminClient(db, async (c) => Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND (usename IS NULL OR usename LIKE 'hg\\_%') AND backend_type = 'client backend' AND pid <> pg_backend_pid()`, [db])).rows[0].n)),
    drop: () => withAdminClient("postgres", async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`))),
  };
}

/** A PostgreSQL issuer and entitlement in the Hourglass database, reaching the target through `port`. */
export async function createPgIssuer(target: PgTarget, port: number) {
  const u = new URL(urlOn(target.serverUrl, target.db));
  u.port = String(port);
  const issuer = await getDb().issuer.create({ data: { name: `pg-${target.db}`, type: "postgres", config: {}, secretSealed: sealJson({ url: u.toString() }) } });
  const entitlement = await getDb().entitlement.create({
    data: { name: `read-${target.db}`, issuerId: issuer.id, target: { role: target.group }, environment: "dev", riskTier: "low", maxDurationSec: 3600, defaultDurationSec: 900, approvalsRequired: 0 },
  });
  return { issuer, entitlement };
}
