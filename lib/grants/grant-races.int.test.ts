import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { setProcessEnv } from "../env";
import { systemActor, type UserActor } from "../authz";
import { verifyAuditChain } from "../audit";
import { useFreshDatabase } from "../testing/database";
import { createIdentity, createUser } from "../testing/factories";
import { startTcpProxy, type TcpProxy } from "../testing/tcp-proxy";
import { createPgIssuer, createPgTarget, type PgTarget } from "../testing/pg-target";
import { createRequest } from "../requests/create-request";
import { issueDueGrants } from "./issue-due-grants";
import { revokeDueGrants } from "./revoke-due-grants";
import { revokeGrant } from "./revoke-grant";
import { closeAllDrivers } from "../issuers/registry";
import { roleNameFor } from "../issuers/postgres";
import { probeUnhealthyIssuers } from "../issuers/issuer-health";
import { withAdminClient } from "../testing/database";

// Issue and revoke of one grant racing each other, and issuer calls slower than a claim's lease,
// against a real PostgreSQL target reached through a proxy that can stall or slow the network.

const LEASE_MS = 800;
let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let target: PgTarget;
let proxy: TcpProxy;
let requester: UserActor;
let entitlementId: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function newIssuingGrant() {
  const identity = await createIdentity({ ownerUserId: requester.id });
  const req = await createRequest({ actor: requester, identityId: identity.id, entitlementId, durationSec: 600, justification: "nightly export", ticketRef: "OPS-7" });
  return getDb().grant.findFirstOrThrow({ where: { requestId: req.id } });
}

/** Runs the revoke step, at a simulated instant past every lease, until nothing is due. */
async function drainRevokes() {
  for (let i = 0; i < 20; i++) if ((await revokeDueGrants({ db: getDb(), now: new Date(Date.now() + 10 * 60_000) })) === 0) return;
}

beforeAll(async () => {
  database = await useFreshDatabase();
  setProcessEnv({ HOURGLASS_LEASE_MS: String(LEASE_MS) });
  target = await createPgTarget();
  proxy = await startTcpProxy(Number(process.env.HOURGLASS_TEST_PG_PORT));
  requester = await createUser(["requester", "owner"]);
  ({ entitlement: { id: entitlementId } } = await createPgIssuer(target, proxy.port));
});
beforeEach(() => {
  proxy.release();
  proxy.delayMs = 0;
});
afterAll(async () => {
  setProcessEnv({ HOURGLASS_LEASE_MS: undefined });
  await closeAllDrivers();
  await proxy.close();
  await target.drop();
  await database.drop();
});

describe("a revoke that races an issue", () => {
  // The outcome depends on which call reaches the target first and which write lands first: the
  // race runs a few times, with the revoke asked for at different moments of the issue's call.
  it.each([0, 50, 200, 400])("revokes the role the in-flight issue created, with no irrevocable alert (revoke %i ms into the call)", async (delay) => {
    const grant = await newIssuingGrant();
    proxy.hold();
    const issuing = issueDueGrants({ db: getDb() });
    // The issue has claimed the grant (its call is held at the proxy) before the revoke is asked for.
    while ((await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } })).attempts === 0) await sleep(20);
    await revokeGrant({ actor: requester, grantId: grant.id, reason: "early", comment: "job cancelled" });
    const revoking = revokeDueGrants({ db: getDb() });
    await sleep(delay);
    proxy.release();
    await Promise.all([issuing, revoking]);
    await drainRevokes();

    const g = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(g.status).toBe("revoked");
    expect(await target.liveRoles()).not.toContain(roleNameFor(grant.id));
    const actions = (await getDb().auditEvent.findMany({ where: { subjectId: grant.id }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).not.toContain("grant.irrevocable");
    // The race was handled, not avoided: the revoke waited for the issue's lease, or the issue landed after it.
    expect(actions.some((a) => a === "grant.revoke_recheck_scheduled" || a === "grant.issued_after_revoke")).toBe(true);
    expect(actions.filter((a) => a === "grant.revoked")).toHaveLength(1);
    expect(await getDb().notificationDelivery.count({ where: { event: "grant.irrevocable" } })).toBe(0);
    expect((await verifyAuditChain({ db: getDb(), actor: systemActor("worker") })).ok).toBe(true);
  });

  it("revokes what a worker created before it died mid-issue, though no reference was recorded", async () => {
    const grant = await newIssuingGrant();
    // The issuer created the role, then the worker died before writing down the outcome.
    const { driverFor } = await import("../issuers/registry");
    const full = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id }, include: { issuer: true, identity: true, entitlement: true } });
    await (await driverFor(full.issuer)).grant({ grantId: grant.id, identity: full.identity, entitlement: full.entitlement, expiresAt: new Date(Date.now() + 600_000) });
    expect(await target.liveRoles()).toContain(roleNameFor(grant.id));
    await revokeGrant({ actor: requester, grantId: grant.id, reason: "early", comment: "job cancelled" });
    await drainRevokes();
    expect((await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } })).status).toBe("revoked");
    expect(await target.liveRoles()).not.toContain(roleNameFor(grant.id));
  });
});

describe("an issuer slower than the lease", () => {
  it("keeps the grant with the worker whose issue call is still running: no second issue", async () => {
    const grant = await newIssuingGrant();
    proxy.delayMs = LEASE_MS * 2;
    const first = issueDueGrants({ db: getDb() });
    await sleep(LEASE_MS * 1.5);
    expect(await issueDueGrants({ db: getDb() })).toBe(0);
    await first;
    const g = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(g).toMatchObject({ status: "active", attempts: 0 });
    expect(await getDb().auditEvent.count({ where: { subjectId: grant.id, action: "grant.issued" } })).toBe(1);
    expect(await getDb().auditEvent.count({ where: { subjectId: grant.id, action: "grant.issue_retry" } })).toBe(0);
  });

  it("keeps the grant with the worker whose revoke call is still running: revoked once", async () => {
    const grant = await newIssuingGrant();
    await issueDueGrants({ db: getDb() });
    await revokeGrant({ actor: requester, grantId: grant.id, reason: "early", comment: "done" });
    proxy.delayMs = LEASE_MS;
    const first = revokeDueGrants({ db: getDb() });
    await sleep(LEASE_MS * 1.5);
    expect(await revokeDueGrants({ db: getDb() })).toBe(0);
    await first;
    const g = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(g).toMatchObject({ status: "revoked", attempts: 1 });
    expect(await getDb().auditEvent.count({ where: { subjectId: grant.id, action: "grant.revoked" } })).toBe(1);
    expect(await target.liveRoles()).not.toContain(roleNameFor(grant.id));
  });
});

describe("a revoke the target refuses for one grant", () => {
  it("keeps its own retry schedule and leaves the issuer healthy: no probe makes it due again at once", async () => {
    // The earlier stalls in this file left work behind and the issuer marked down; it is up now.
    await drainRevokes();
    await getDb().issuer.updateMany({ data: { lastHealthOk: true, lastHealthError: null } });
    const grant = await newIssuingGrant();
    await issueDueGrants({ db: getDb() });
    const issued = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(issued.status).toBe("active");
    // Someone made the grant's role own a table: PostgreSQL refuses DROP ROLE.
    await withAdminClient(target.db, (c) => c.query(`CREATE TABLE blocked_${issued.issuerRef} (x int); ALTER TABLE blocked_${issued.issuerRef} OWNER TO ${issued.issuerRef}`));
    await revokeGrant({ actor: requester, grantId: grant.id, comment: "job done" });
    expect(await revokeDueGrants({ db: getDb() })).toBeGreaterThan(0);
    const failed = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id }, include: { issuer: true } });
    expect(failed).toMatchObject({ status: "revoke_failed", attempts: 1, lastError: expect.stringMatching(/cannot be dropped/) });
    expect(failed.issuer.lastHealthOk).not.toBe(false);
    // A health round finds nothing to recover, so the retry stays where the backoff put it.
    expect(await probeUnhealthyIssuers({ db: getDb() })).toBe(0);
    expect((await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } })).nextAttemptAt).toEqual(failed.nextAttemptAt);
    expect(await revokeDueGrants({ db: getDb() })).toBe(0);
    // Cleaned up the way the error says: the next attempt completes.
    await withAdminClient(target.db, (c) => c.query(`DROP TABLE blocked_${issued.issuerRef}`));
    await drainRevokes();
    expect((await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } })).status).toBe("revoked");
    expect(await target.liveRoles()).not.toContain(issued.issuerRef);
  });
});
