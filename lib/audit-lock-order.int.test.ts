import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { getDb } from "./db";
import type { UserActor } from "./authz";
import { useFreshDatabase, withAdminClient, databaseUrl } from "./testing/database";
import { createIdentity, createIssuerAndEntitlement, createUser } from "./testing/factories";
import { decideRequest } from "./requests/decide-request";
import { revokeGrant } from "./grants/revoke-grant";
import { extendGrant } from "./grants/extend-grant";

// Every audited transaction takes its row locks first and the audit chain's lock last. A
// transaction that appended an event (holding the chain's lock until commit) and then locked a
// grant would deadlock against one that locked the grant and then appended: PostgreSQL aborts
// one of them with deadlock_detected (40P01). These tests force that interleaving: a trigger
// holds the first transaction right after its first audit row (so it already holds the chain's
// lock), until the second transaction is waiting too.

const GATE = 4242;

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let gate: pg.Client;
let requester: UserActor;
let approver: UserActor;
let security: UserActor;

beforeAll(async () => {
  database = await useFreshDatabase();
  requester = await createUser(["requester"]);
  approver = await createUser(["approver"]);
  security = await createUser(["security"]);
  await withAdminClient(database.name, (c) =>
    c.query(`
      CREATE FUNCTION test_gate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."actorId" IN (SELECT id::text FROM "User" WHERE email LIKE 'gated-%') THEN
          PERFORM pg_advisory_xact_lock_shared(${GATE});
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_gate AFTER INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION test_gate();`),
  );
  gate = new pg.Client({ connectionString: databaseUrl(database.name) });
  await gate.connect();
});
afterAll(async () => {
  await gate.end();
  await database.drop();
});

async function activeGrant({ approvalsRequired }: { approvalsRequired?: number } = {}) {
  const identity = await createIdentity({ ownerUserId: security.id });
  const created = await createIssuerAndEntitlement();
  const { issuer } = created;
  const entitlement = approvalsRequired === undefined ? created.entitlement : await getDb().entitlement.update({ where: { id: created.entitlement.id }, data: { approvalsRequired } });
  const request = await getDb().accessRequest.create({
    data: {
      identityId: identity.id,
      entitlementId: entitlement.id,
      requesterUserId: requester.id,
      durationSec: 900,
      justification: "lock order test",
      environment: entitlement.environment,
      riskTier: entitlement.riskTier,
      identityKind: identity.kind,
      status: "approved",
      expiresAt: new Date(Date.now() + 86400_000),
    },
  });
  const grant = await getDb().grant.create({
    data: { requestId: request.id, identityId: identity.id, entitlementId: entitlement.id, issuerId: issuer.id, status: "active", issuedAt: new Date(), expiresAt: new Date(Date.now() + 900_000) },
  });
  return { identity, entitlement, grant };
}

/** Backends of this database waiting on a heavyweight lock, other than the gate's own. */
async function waiting(): Promise<number> {
  const r = await gate.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
  );
  return r.rows[0].n;
}

async function until(cond: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 10_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Runs `first` until it has written its first audit row (it then holds the chain's lock), starts
 * `second`, waits until both are blocked, and lets them go.
 */
async function interleave(gated: UserActor, first: () => Promise<unknown>, second: () => Promise<unknown>) {
  await gate.query("SELECT pg_advisory_lock($1)", [GATE]);
  await getDb().user.update({ where: { id: gated.id }, data: { email: `gated-${gated.email}` } });
  let a: Promise<PromiseSettledResult<unknown>> | undefined;
  let b: Promise<PromiseSettledResult<unknown>> | undefined;
  try {
    a = first().then((value) => ({ status: "fulfilled" as const, value }), (reason) => ({ status: "rejected" as const, reason }));
    await until(async () => (await waiting()) >= 1, "the first transaction to reach the gate");
    b = second().then((value) => ({ status: "fulfilled" as const, value }), (reason) => ({ status: "rejected" as const, reason }));
    await until(async () => (await waiting()) >= 2, "the second transaction to block");
  } finally {
    await gate.query("SELECT pg_advisory_unlock($1)", [GATE]);
    await getDb().user.update({ where: { id: gated.id }, data: { email: gated.email } });
  }
  return Promise.all([a!, b!]);
}

function deadlocks(results: PromiseSettledResult<unknown>[]): string[] {
  return results.flatMap((r) => (r.status === "rejected" && /deadlock|40P01/i.test(String((r.reason as Error)?.message ?? r.reason)) ? [String((r.reason as Error).message)] : []));
}

describe("lock order: grant rows before the audit chain", () => {
  it("an approved extension and a revoke of the same grant both commit", async () => {
    const { grant, identity, entitlement } = await activeGrant();
    const extension = await getDb().accessRequest.create({
      data: {
        identityId: identity.id,
        entitlementId: entitlement.id,
        requesterUserId: requester.id,
        durationSec: 600,
        justification: "more time please",
        environment: entitlement.environment,
        riskTier: entitlement.riskTier,
        identityKind: identity.kind,
        extendsGrantId: grant.id,
        expiresAt: new Date(Date.now() + 86400_000),
      },
    });
    const results = await interleave(
      approver,
      () => decideRequest({ actor: approver, requestId: extension.id, decision: "approve" }),
      () => revokeGrant({ actor: security, grantId: grant.id, reason: "emergency", comment: "suspected leak" }),
    );
    expect(deadlocks(results)).toEqual([]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    const after = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(after.status).toBe("revoking");
    expect(after.extensions).toBe(1);
  });

  it("an auto-approved extension and a revoke of the same grant both commit", async () => {
    const { grant } = await activeGrant({ approvalsRequired: 0 });
    const results = await interleave(
      requester,
      () => extendGrant({ actor: requester, grantId: grant.id, durationSec: 600, justification: "the job needs ten more minutes" }),
      () => revokeGrant({ actor: security, grantId: grant.id, reason: "emergency", comment: "suspected leak" }),
    );
    expect(deadlocks(results)).toEqual([]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    expect((results[0] as PromiseFulfilledResult<{ status: string }>).value.status).toBe("approved");
    const after = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(after.status).toBe("revoking");
    expect(after.extensions).toBe(1);
  });
});
