import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { sealJson } from "../crypto/seal";
import type { UserActor } from "../authz";
import { databaseUrl, useFreshDatabase, withAdminClient } from "../testing/database";
import { createIdentity, createIssuerAndEntitlement, createUser } from "../testing/factories";
import { freePort } from "../testing/free-port";
import { closeAllDrivers } from "../issuers/registry";
import { findIdentities } from "./find-identities";
import { getIdentity } from "./get-identity";
import { importIdentities } from "./import-identities";
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from "./import-rows";
import { quarantineIdentity } from "./quarantine-identity";
import { decommissionIdentity } from "./decommission-identity";
import { reactivateIdentity } from "./reactivate-identity";
import { discoverDrift, type DriftIssuerReport } from "./discover-drift";
import { attachDriftToIdentity } from "./attach-drift-to-identity";
import { adoptDriftAsException } from "./adopt-drift-as-exception";
import { revokeDrift } from "./revoke-drift";

// Inventory against a real PostgreSQL: imports (all or nothing), the identity lifecycle, and drift
// discovery in a throwaway target database on the test server. Roles are cluster-wide and other
// test files share the server, so every role name here carries a random suffix, and discovery
// assertions look for our roles among whatever else exists.

const suffix = randomBytes(4).toString("hex");
const TARGET_DB = `hg_drift_${suffix}`;
const GROUP = `drift_grp_${suffix}`;
const OTHER_GROUP = `drift_other_${suffix}`;
const UNMANAGED = `drift_svc_${suffix}`;
const LIVE = `drift_live_${suffix}`;
const STALE = `drift_stale_${suffix}`;
const MULTI = `drift_multi_${suffix}`;
const GRANTER = `drift_granter_${suffix}`;
const OURS = `hg_${randomBytes(16).toString("hex")}`;
const ROLES = [UNMANAGED, LIVE, STALE, MULTI, OURS, GRANTER, GROUP, OTHER_GROUP];
const STALE_PW = randomBytes(12).toString("hex");

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let admin: UserActor, security: UserActor, approver: UserActor, owner: UserActor;
let team: { id: string; name: string };
const sessions: pg.Client[] = [];

beforeAll(async () => {
  database = await useFreshDatabase();
  [admin, security, approver, owner] = await Promise.all([createUser(["admin"]), createUser(["security"]), createUser(["approver"]), createUser(["owner"])]);
  team = await getDb().team.create({ data: { name: `payments-${suffix}` } });
});
afterAll(async () => {
  await Promise.all(sessions.map((c) => c.end().catch(() => undefined)));
  await closeAllDrivers();
  await withAdminClient("postgres", async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${TARGET_DB} WITH (FORCE)`);
    for (const r of ROLES) await c.query(`DROP ROLE IF EXISTS ${r}`);
  });
  await database.drop();
});

const db = () => getDb();
const csv = (...lines: string[]) => lines.join("\r\n") + "\r\n";
const countIdentities = () => db().identity.count();
const countAudit = (action: string) => db().auditEvent.count({ where: { action } });

// ---------------------------------------------------------------------------------------------

describe("import", () => {
  const header = "name,kind,environment,system,owner,description";

  it("refuses a file with one bad row, writes nothing, and names the line and the field", async () => {
    const names = [`imp-a-${suffix}`, `imp-b-${suffix}`, `imp-c-${suffix}`];
    const bad = csv(header, `${names[0]},service_account,prod,erp,${owner.email},"ERP batch, nightly"`, `${names[1]},robot,prod,erp,,`, `${names[2]},bot,dev,chat,${team.name},`);
    const before = { identities: await countIdentities(), audit: await db().auditEvent.count() };

    const preview = await importIdentities({ actor: admin, format: "csv", content: bad, dryRun: true });
    expect(preview).toMatchObject({ dryRun: true, ok: false, rows: 3, create: 2, errorCount: 1 });
    expect(preview.errors).toEqual([
      { line: 3, field: "kind", message: expect.stringContaining('unknown kind "robot"'), text: expect.stringMatching(/^Line 3, kind: unknown kind "robot"/) },
    ]);
    expect(preview.preview.map((r) => [r.line, r.name, r.action])).toEqual([
      [2, names[0], "create"],
      [4, names[2], "create"],
    ]);

    const refused = await importIdentities({ actor: admin, format: "csv", content: bad }).catch((e) => e);
    expect(refused).toMatchObject({ code: "validation_failed", message: expect.stringMatching(/Nothing was imported.*Line 3, kind/) });
    expect(refused.details.errors).toEqual([expect.objectContaining({ line: 3, field: "kind" })]);
    expect(await countIdentities()).toBe(before.identities);
    expect(await db().auditEvent.count()).toBe(before.audit);

    // Fixed: all three rows are written, with their owners, and the import is audited.
    const fixed = bad.replace(",robot,", ",ci_job,");
    const done = await importIdentities({ actor: admin, format: "csv", content: fixed });
    expect(done).toMatchObject({ dryRun: false, ok: true, create: 3, update: 0, errorCount: 0 });
    const rows = await db().identity.findMany({ where: { name: { in: names } }, orderBy: { name: "asc" } });
    expect(rows.map((r) => [r.name, r.kind, r.environment, r.ownerUserId, r.ownerTeamId, r.description])).toEqual([
      [names[0], "service_account", "prod", owner.id, null, "ERP batch, nightly"],
      [names[1], "ci_job", "prod", null, null, ""],
      [names[2], "bot", "dev", null, team.id, ""],
    ]);
    const summary = await db().auditEvent.findFirstOrThrow({ where: { action: "identities.imported" }, orderBy: { seq: "desc" } });
    expect(summary.data).toMatchObject({ format: "csv", created: 3, updated: 0, rows: 3, sha256: done.sha256 });
    expect(done.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await db().auditEvent.count({ where: { action: "identity.registered", subjectId: { in: rows.map((r) => r.id) } } })).toBe(3);

    // The same file again: every name exists now.
    const again = await importIdentities({ actor: admin, format: "csv", content: fixed, dryRun: true });
    expect(again.errors.map((e) => [e.line, e.field])).toEqual([
      [2, "name"],
      [3, "name"],
      [4, "name"],
    ]);
    expect(again.errors[0].message).toMatch(/already exists; import with upsert/);
  });

  it("a dry run writes nothing, even for a valid file", async () => {
    const before = { identities: await countIdentities(), audit: await db().auditEvent.count() };
    const r = await importIdentities({ actor: admin, format: "csv", content: csv(header, `dry-${suffix},bot,dev,chat,,`), dryRun: true });
    expect(r).toMatchObject({ ok: true, create: 1, preview: [expect.objectContaining({ name: `dry-${suffix}`, action: "create" })] });
    expect(await countIdentities()).toBe(before.identities);
    expect(await db().auditEvent.count()).toBe(before.audit);
  });

  it("reports duplicate names within the file and unknown owners, by line", async () => {
    const content = csv(
      header,
      `dup-${suffix},bot,dev,chat,,`,
      `"dup-${suffix}",bot,dev,chat,,`,
      `own-${suffix},bot,dev,chat,nobody-${suffix}@test.local,`,
      `own2-${suffix},bot,dev,chat,no-such-team-${suffix},`,
    );
    const r = await importIdentities({ actor: admin, format: "csv", content, dryRun: true });
    expect(r.errors.map((e) => e.text)).toEqual([
      `Line 3, name: "dup-${suffix}" appears twice in the file (first at line 2)`,
      `Line 4, owner: no user has the email "nobody-${suffix}@test.local"`,
      `Line 5, owner: no team is named "no-such-team-${suffix}" (an owner is a user's email or a team's name)`,
    ]);
    await expect(importIdentities({ actor: admin, format: "csv", content })).rejects.toMatchObject({ code: "validation_failed" });
    expect(await db().identity.count({ where: { name: { startsWith: "dup-" } } })).toBe(0);
  });

  it("counts the lines of a quoted value that spans lines", async () => {
    const content = csv(header, `ml-a-${suffix},bot,dev,chat,,"line one`, `line two"`, `ml-b-${suffix},bot,nowhere,chat,,`);
    const r = await importIdentities({ actor: admin, format: "csv", content, dryRun: true });
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([[4, "environment"]]);
  });

  it("refuses unknown columns and a missing header", async () => {
    const r = await importIdentities({ actor: admin, format: "csv", content: csv(`${header},colour`, `x-${suffix},bot,dev,chat,,,red`), dryRun: true });
    expect(r.errors).toEqual([expect.objectContaining({ line: 1, field: "colour", message: expect.stringMatching(/^unknown column "colour"/) })]);
    const headless = await importIdentities({ actor: admin, format: "csv", content: csv(`x-${suffix},bot,dev,chat`), dryRun: true });
    expect(headless.ok).toBe(false);
    expect(headless.errors.at(-1)?.text).toMatch(/first line must be a header/);
  });

  it("updates existing identities only with upsert, and records an owner change", async () => {
    const name = `ups-${suffix}`;
    await importIdentities({ actor: admin, format: "csv", content: csv(header, `${name},bot,dev,chat,${owner.email},first`) });
    const content = csv(header, `${name},bot,staging,chat,${team.name},second`);
    const refused = await importIdentities({ actor: admin, format: "csv", content, dryRun: true });
    expect(refused.errors.map((e) => e.field)).toEqual(["name"]);

    const preview = await importIdentities({ actor: admin, format: "csv", content, dryRun: true, upsert: true });
    expect(preview).toMatchObject({ ok: true, create: 0, update: 1 });
    expect(preview.preview[0].changes).toEqual(["environment: dev → staging", `owner: ${owner.email} → team ${team.name}`, "description changed"]);
    await importIdentities({ actor: admin, format: "csv", content, upsert: true });
    const row = await db().identity.findUniqueOrThrow({ where: { name }, include: { ownerChanges: true } });
    expect(row).toMatchObject({ environment: "staging", ownerUserId: null, ownerTeamId: team.id, description: "second" });
    expect(row.ownerChanges).toEqual([expect.objectContaining({ fromUserId: owner.id, toTeamId: team.id, changedById: admin.id, reason: "import" })]);

    // Unchanged rows are reported as such and change nothing.
    const same = await importIdentities({ actor: admin, format: "csv", content, dryRun: true, upsert: true });
    expect(same).toMatchObject({ ok: true, update: 0, unchanged: 1 });
  });

  it("imports JSON and names the item index of a problem", async () => {
    const items = [
      { name: `json-a-${suffix}`, kind: "workload", environment: "prod", system: "k8s", workloadIssuer: "https://oidc.example.test", workloadSubject: "system:serviceaccount:prod:billing" },
      { name: `json-b-${suffix}`, kind: "ai_agent", environment: "prod", system: "support", spiffeId: "not-spiffe" },
    ];
    const r = await importIdentities({ actor: admin, format: "json", content: JSON.stringify(items), dryRun: true });
    expect(r.errors).toEqual([expect.objectContaining({ index: 1, field: "spiffeId", text: expect.stringMatching(/^Item \[1\], spiffeId: must be a SPIFFE ID/) })]);
    items[1].spiffeId = "spiffe://example.test/ns/prod/sa/support";
    const done = await importIdentities({ actor: admin, format: "json", content: JSON.stringify({ identities: items }) });
    expect(done.create).toBe(2);
    expect(await db().identity.findUniqueOrThrow({ where: { name: `json-a-${suffix}` } })).toMatchObject({ workloadIssuer: "https://oidc.example.test", workloadSubject: "system:serviceaccount:prod:billing" });
  });

  it("refuses files over the size and row limits with a clear error", async () => {
    const big = csv(header) + "x".repeat(MAX_IMPORT_BYTES);
    await expect(importIdentities({ actor: admin, format: "csv", content: big, dryRun: true })).rejects.toMatchObject({ code: "payload_too_large", message: expect.stringMatching(/at most 2 MB/) });
    const many = csv(header, ...Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `n${i},bot,dev,s,,`));
    await expect(importIdentities({ actor: admin, format: "csv", content: many, dryRun: true })).rejects.toMatchObject({ code: "payload_too_large", message: expect.stringMatching(/5,001 rows.*at most 5,000/) });
  });

  it("refuses bad input and anyone but an admin", async () => {
    await expect(importIdentities({ actor: security, format: "csv", content: csv(header), dryRun: true })).rejects.toMatchObject({ code: "forbidden" });
    await expect(importIdentities({ actor: owner, format: "csv", content: csv(header), dryRun: true })).rejects.toMatchObject({ code: "forbidden" });
    await expect(importIdentities({ actor: admin, format: "xml" as "csv", content: "<x/>", dryRun: true })).rejects.toMatchObject({ code: "validation_failed" });
    const empty = await importIdentities({ actor: admin, format: "csv", content: csv(header), dryRun: true });
    expect(empty.errors.map((e) => e.text)).toEqual(["File: the file has no identities"]);
    const notJson = await importIdentities({ actor: admin, format: "json", content: "name,kind", dryRun: true });
    expect(notJson.errors[0].text).toMatch(/^File: not valid JSON/);
  });
});

// ---------------------------------------------------------------------------------------------

describe("quarantine, decommission, reactivate", () => {
  async function identityWithAccess() {
    const identity = await createIdentity({ environment: "prod" });
    const { issuer, entitlement } = await createIssuerAndEntitlement({ environment: "prod" });
    const grant = (status: "active" | "issuing" | "revoked") =>
      db().grant.create({
        data: { identityId: identity.id, entitlementId: entitlement.id, issuerId: issuer.id, status, issuerRef: status === "issuing" ? null : `jti-${randomBytes(4).toString("hex")}`, expiresAt: new Date(Date.now() + 3600_000) },
      });
    const [active, issuing, revoked] = [await grant("active"), await grant("issuing"), await grant("revoked")];
    const request = await db().accessRequest.create({
      data: { identityId: identity.id, entitlementId: entitlement.id, requesterUserId: owner.id, durationSec: 900, justification: "pending", environment: "prod", riskTier: "low", identityKind: identity.kind, expiresAt: new Date(Date.now() + 86400_000) },
    });
    const token = await db().apiToken.create({ data: { name: "ci", prefix: "hg_x", tokenHash: randomBytes(16).toString("hex"), identityId: identity.id, scopes: [] } });
    return { identity, active, issuing, revoked, request, token };
  }

  it("quarantine sends the identity's live grants to the worker for revocation and cancels its pending requests", async () => {
    const { identity, active, issuing, revoked, request } = await identityWithAccess();
    const r = await quarantineIdentity({ actor: security, identityId: identity.id, reason: "credential leaked in a CI log" });
    expect(r).toEqual({ identityId: identity.id, status: "quarantined", grantsRevoking: 2, requestsCancelled: 1, tokensRevoked: 0 });
    const grants = await db().grant.findMany({ where: { identityId: identity.id } });
    const byId = new Map(grants.map((g) => [g.id, g]));
    for (const g of [active, issuing]) {
      expect(byId.get(g.id)).toMatchObject({ status: "revoking", revokeReason: "identity_quarantined", revokeComment: "credential leaked in a CI log", attempts: 0 });
      expect(byId.get(g.id)?.nextAttemptAt).not.toBeNull();
    }
    expect(byId.get(revoked.id)?.status).toBe("revoked");
    expect((await db().accessRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("cancelled");
    expect((await db().identity.findUniqueOrThrow({ where: { id: identity.id } })).status).toBe("quarantined");
    const events = await db().auditEvent.findMany({ where: { OR: [{ subjectId: identity.id }, { subjectId: { in: [active.id, issuing.id, request.id] } }] }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["identity.quarantined", "grant.revoke_requested", "grant.revoke_requested", "request.cancelled"]);
    expect(events[0]).toMatchObject({ actorLabel: security.email, data: expect.objectContaining({ reason: "credential leaked in a CI log", grantsRevoking: 2 }) });

    await expect(quarantineIdentity({ actor: security, identityId: identity.id, reason: "again, please" })).rejects.toMatchObject({ code: "invalid_state" });
    const back = await reactivateIdentity({ actor: admin, identityId: identity.id, reason: "keys rotated, cleared by IR" });
    expect(back).toMatchObject({ status: "active", grantsRevoking: 0 });
    // Reactivation brings nothing back by itself.
    expect((await db().grant.findUniqueOrThrow({ where: { id: active.id } })).status).toBe("revoking");
    await expect(reactivateIdentity({ actor: admin, identityId: identity.id, reason: "once more" })).rejects.toMatchObject({ code: "invalid_state" });
  });

  it("decommission also ends the identity's API tokens, and cannot be undone", async () => {
    const { identity, token } = await identityWithAccess();
    const r = await decommissionIdentity({ actor: admin, identityId: identity.id, reason: "service retired" });
    expect(r).toMatchObject({ status: "decommissioned", grantsRevoking: 2, requestsCancelled: 1, tokensRevoked: 1 });
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).not.toBeNull();
    await expect(reactivateIdentity({ actor: admin, identityId: identity.id, reason: "oops, need it" })).rejects.toMatchObject({ code: "invalid_state" });
    await expect(decommissionIdentity({ actor: admin, identityId: identity.id, reason: "service retired" })).rejects.toMatchObject({ code: "invalid_state" });
  });

  it("refuses anyone without identity:quarantine, a missing reason and an unknown identity, changing nothing", async () => {
    const { identity, active } = await identityWithAccess();
    for (const actor of [approver, owner]) {
      await expect(quarantineIdentity({ actor, identityId: identity.id, reason: "I think it is compromised" })).rejects.toMatchObject({ code: "forbidden" });
      await expect(decommissionIdentity({ actor, identityId: identity.id, reason: "not needed any more" })).rejects.toMatchObject({ code: "forbidden" });
    }
    await expect(quarantineIdentity({ actor: security, identityId: identity.id, reason: "  " })).rejects.toMatchObject({ code: "validation_failed", details: { fields: { reason: expect.any(String) } } });
    await expect(quarantineIdentity({ actor: security, identityId: "not-a-uuid", reason: "compromised" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(quarantineIdentity({ actor: security, identityId: "00000000-0000-4000-8000-000000000000", reason: "compromised" })).rejects.toMatchObject({ code: "not_found" });
    expect((await db().identity.findUniqueOrThrow({ where: { id: identity.id } })).status).toBe("active");
    expect((await db().grant.findUniqueOrThrow({ where: { id: active.id } })).status).toBe("active");
  });
});

// ---------------------------------------------------------------------------------------------

describe("the inventory list and detail", () => {
  it("filters unowned, unattested, quarantined and standing identities", async () => {
    const old = new Date(Date.now() - 100 * 86400_000);
    const recent = new Date(Date.now() - 10 * 86400_000);
    const mk = (name: string, data: object = {}) => db().identity.create({ data: { name: `${name}-${suffix}`, kind: "bot", environment: "dev", system: `filters-${suffix}`, ...data } });
    const owned = await mk("f-owned", { ownerUserId: owner.id, lastAttestedAt: recent });
    const unowned = await mk("f-unowned", { lastAttestedAt: recent });
    const stale = await mk("f-stale", { ownerTeamId: team.id, lastAttestedAt: old });
    const never = await mk("f-never", { ownerTeamId: team.id });
    const quarantined = await mk("f-quarantined", { ownerUserId: owner.id, lastAttestedAt: recent, status: "quarantined" });
    const excepted = await mk("f-exception", { ownerUserId: owner.id, lastAttestedAt: recent });
    const standingGrant = await mk("f-standing-grant", { ownerUserId: owner.id, lastAttestedAt: recent });
    const { issuer, entitlement } = await createIssuerAndEntitlement();
    const exception = await db().exception.create({ data: { identityId: excepted.id, entitlementId: entitlement.id, justification: "legacy batch", riskRating: "low", proposedById: admin.id, status: "accepted", requestedEndAt: new Date(Date.now() + 86400_000) } });
    const exception2 = await db().exception.create({ data: { identityId: standingGrant.id, entitlementId: entitlement.id, justification: "legacy batch", riskRating: "low", proposedById: admin.id, status: "expired", requestedEndAt: new Date(Date.now() + 86400_000) } });
    await db().grant.create({ data: { identityId: standingGrant.id, entitlementId: entitlement.id, issuerId: issuer.id, exceptionId: exception2.id, status: "active", expiresAt: new Date(Date.now() + 86400_000) } });

    const names = async (filters: Parameters<typeof findIdentities>[0]["filters"]) =>
      (await findIdentities({ actor: approver, params: { page: 1, size: 100, sort: "name", dir: "asc" }, filters: { q: `filters-${suffix}`, ...filters } })).rows.map((r) => r.name);
    expect(await names({ unowned: true })).toEqual([unowned.name]);
    expect(await names({ unattested: true })).toEqual([never.name, stale.name]);
    expect(await names({ status: "quarantined" })).toEqual([quarantined.name]);
    expect(await names({ standing: true })).toEqual([excepted.name, standingGrant.name]);
    expect(await names({ standing: true, unattested: true })).toEqual([]);
    const page = await findIdentities({ actor: approver, params: { page: 1, size: 100, sort: "name", dir: "asc" }, filters: { q: `filters-${suffix}` } });
    expect(page.rows.find((r) => r.id === excepted.id)).toMatchObject({ standing: true, openExceptions: 1, attestationOverdue: false });
    expect(page.rows.find((r) => r.id === standingGrant.id)).toMatchObject({ standing: true, activeGrants: 1, openExceptions: 0 });
    expect(page.rows.find((r) => r.id === never.id)).toMatchObject({ standing: false, attestationOverdue: true, owner: `team ${team.name}` });
    expect(page.rows.find((r) => r.id === owned.id)).toMatchObject({ owner: owner.name });
    expect(exception.id).toBeTruthy();
  });

  it("shows an identity with its owner history, grants, exceptions and audit trail", async () => {
    const identity = await createIdentity({ ownerUserId: owner.id });
    await db().identityOwnerChange.create({ data: { identityId: identity.id, fromTeamId: team.id, toUserId: owner.id, changedById: admin.id, reason: "team reorg" } });
    await quarantineIdentity({ actor: security, identityId: identity.id, reason: "suspicious use at night" });
    const d = await getIdentity({ actor: owner, identityId: identity.id });
    expect(d).toMatchObject({ id: identity.id, status: "quarantined", owner: { type: "user", id: owner.id }, attestationOverdue: true });
    expect(d.ownerHistory).toEqual([expect.objectContaining({ from: `team ${team.name}`, to: owner.name, by: admin.name, reason: "team reorg" })]);
    // The owner sees its grants; its audit trail takes audit:read.
    expect(d.grants).toEqual([]);
    expect(d.audit).toBeUndefined();
    expect((await getIdentity({ actor: security, identityId: identity.id })).audit!.map((a) => a.action)).toEqual(["identity.quarantined"]);
    await expect(getIdentity({ actor: owner, identityId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "not_found" });
    await expect(getIdentity({ actor: owner, identityId: "nope" })).rejects.toMatchObject({ code: "validation_failed" });
  });
});

// ---------------------------------------------------------------------------------------------

describe("drift discovery in a real PostgreSQL", () => {
  let issuerId: string;
  let report: () => Promise<DriftIssuerReport>;
  let identity: { id: string; name: string };

  beforeAll(async () => {
    await withAdminClient("postgres", async (c) => {
      await c.query(`CREATE DATABASE ${TARGET_DB}`);
      await c.query(`CREATE ROLE ${GROUP} NOLOGIN`);
      await c.query(`CREATE ROLE ${OTHER_GROUP} NOLOGIN`);
      // A service account someone set up by hand: standing access Hourglass never granted.
      await c.query(`CREATE ROLE ${UNMANAGED} LOGIN IN ROLE ${GROUP}`);
      // A role Hourglass issued (hg_ + 32 hex): a grant, never drift.
      await c.query(`CREATE ROLE ${OURS} LOGIN IN ROLE ${GROUP}`);
      // A login role a live grant of this issuer refers to (e.g. recorded by an earlier driver version).
      await c.query(`CREATE ROLE ${LIVE} LOGIN IN ROLE ${GROUP}`);
      await c.query(`CREATE ROLE ${STALE} LOGIN PASSWORD '${STALE_PW}' IN ROLE ${GROUP}, ${OTHER_GROUP}`);
      // A membership granted twice, by the superuser and by a delegated admin (PostgreSQL 16+ keeps both).
      await c.query(`CREATE ROLE ${GRANTER} NOLOGIN CREATEROLE`);
      await c.query(`GRANT ${GROUP} TO ${GRANTER} WITH ADMIN OPTION`);
      await c.query(`CREATE ROLE ${MULTI} LOGIN IN ROLE ${GROUP}`);
      await c.query(`SET ROLE ${GRANTER}; GRANT ${GROUP} TO ${MULTI}; RESET ROLE`);
    });
    const issuer = await db().issuer.create({ data: { name: `pg-drift-${suffix}`, type: "postgres", config: {}, secretSealed: sealJson({ url: databaseUrl(TARGET_DB) }) } });
    issuerId = issuer.id;
    const entitlement = await db().entitlement.create({
      data: { name: `drift-read-${suffix}`, issuerId, target: { role: GROUP }, environment: "prod", riskTier: "medium", maxDurationSec: 3600, defaultDurationSec: 900 },
    });
    const holder = await createIdentity({ environment: "prod" });
    await db().grant.create({ data: { identityId: holder.id, entitlementId: entitlement.id, issuerId, status: "active", issuerRef: LIVE, expiresAt: new Date(Date.now() + 3600_000) } });
    identity = await db().identity.create({ data: { name: `legacy-batch-${suffix}`, kind: "service_account", environment: "prod", system: "orders", ownerTeamId: team.id } });
    report = async () => {
      const r = await discoverDrift({ actor: security });
      return r.issuers.find((i) => i.id === issuerId)!;
    };
  });

  const has = (r: DriftIssuerReport, principal: string, privilege = GROUP) => r.findings.find((f) => f.principal === principal && f.privilege === privilege);

  it("finds an unmanaged login role in a group role, and not Hourglass's own roles or live grants", async () => {
    const r = await report();
    expect(r).toMatchObject({ name: `pg-drift-${suffix}`, type: "postgres", supported: true, ok: true });
    expect(has(r, UNMANAGED)).toMatchObject({ issuerId, detail: expect.objectContaining({ superuser: false }), attachedTo: null, entitlement: { name: `drift-read-${suffix}` }, exception: null });
    expect(has(r, STALE, OTHER_GROUP)).toMatchObject({ entitlement: null });
    expect(r.findings.some((f) => f.principal.startsWith("hg_") || f.privilege.startsWith("hg_"))).toBe(false);
    expect(has(r, LIVE)).toBeUndefined();
    expect(r.managed).toBeGreaterThanOrEqual(1);
  });

  it("reports an unreachable issuer without failing the others, and needs identity:quarantine", async () => {
    await db().issuer.create({ data: { name: `pg-down-${suffix}`, type: "postgres", config: {}, secretSealed: sealJson({ url: `postgresql://postgres:nope@127.0.0.1:${await freePort()}/postgres` }) } });
    const all = await discoverDrift({ actor: admin });
    expect(all.issuers.find((i) => i.name === `pg-down-${suffix}`)).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED|connect/), findings: [] });
    expect(has(all.issuers.find((i) => i.id === issuerId)!, UNMANAGED)).toBeDefined();
    for (const actor of [approver, owner]) await expect(discoverDrift({ actor })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("attaches a finding to an identity, and shows it attached", async () => {
    const r = await attachDriftToIdentity({ actor: security, issuerId, principal: UNMANAGED, identity: identity.name, note: "the nightly orders batch" });
    expect(r).toEqual({ identityId: identity.id, changed: true });
    expect(await attachDriftToIdentity({ actor: security, issuerId, principal: UNMANAGED, identity: identity.id })).toEqual({ identityId: identity.id, changed: false });
    expect(has(await report(), UNMANAGED)?.attachedTo).toEqual({ id: identity.id, name: identity.name, status: "active" });
    const detail = await getIdentity({ actor: owner, identityId: identity.id });
    expect(detail.attachedPrincipals).toEqual([expect.objectContaining({ issuerId, principal: UNMANAGED })]);
    expect((await getIdentity({ actor: security, identityId: identity.id })).audit!.map((a) => a.action)).toContain("drift.attached");
  });

  it("adopts an attached finding as a proposed exception; once accepted it is no longer drift", async () => {
    const r = await adoptDriftAsException({ actor: security, issuerId, principal: UNMANAGED, privilege: GROUP, justification: "the batch cannot use short-lived credentials yet", compensatingControls: "read-only role, nightly window only", days: 30 });
    const exception = await db().exception.findUniqueOrThrow({ where: { id: r.exceptionId } });
    expect(exception).toMatchObject({ identityId: identity.id, status: "proposed", proposedById: security.id, riskRating: "medium" });
    expect(has(await report(), UNMANAGED)?.exception).toEqual({ id: r.exceptionId, status: "proposed" });
    expect(await countAudit("drift.adopted")).toBe(1);
    await expect(adoptDriftAsException({ actor: security, issuerId, principal: UNMANAGED, privilege: GROUP, justification: "the batch cannot use short-lived credentials yet", compensatingControls: "read-only role, nightly window only" })).rejects.toMatchObject({ code: "conflict" });

    await db().exception.update({ where: { id: r.exceptionId }, data: { status: "accepted", acceptedById: admin.id, acceptedAt: new Date() } });
    expect(has(await report(), UNMANAGED)).toBeUndefined();
  });

  it("refuses to adopt without an identity or without an entitlement for the privilege", async () => {
    await expect(adoptDriftAsException({ actor: security, issuerId, principal: MULTI, privilege: GROUP, justification: "we need this for now, really", compensatingControls: "read-only role, nightly window only" })).rejects.toMatchObject({
      code: "validation_failed",
      details: { fields: { identity: expect.any(String) } },
    });
    await expect(adoptDriftAsException({ actor: security, issuerId, principal: STALE, privilege: OTHER_GROUP, identity: identity.name, justification: "we need this for now, really", compensatingControls: "read-only role, nightly window only" })).rejects.toMatchObject({
      code: "validation_failed",
      message: expect.stringMatching(/No entitlement grants/),
    });
    await expect(adoptDriftAsException({ actor: security, issuerId, principal: MULTI, privilege: GROUP, identity: identity.name, justification: "short", compensatingControls: "read-only role, nightly window only" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(adoptDriftAsException({ actor: owner, issuerId, principal: MULTI, privilege: GROUP, identity: identity.name, justification: "we need this for now, really", compensatingControls: "read-only role, nightly window only" })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("revokes a finding at the target: the membership is gone and the role's sessions are ended", async () => {
    const session = new pg.Client({ connectionString: urlAs(STALE, STALE_PW) });
    session.on("error", () => undefined);
    sessions.push(session);
    await session.connect();
    await session.query(`SET ROLE ${GROUP}`);

    const r = await revokeDrift({ actor: security, issuerId, principal: STALE, privilege: GROUP, reason: "nobody owns this login" });
    expect(r).toMatchObject({ principal: STALE, privilege: GROUP, sessionsEnded: 1 });
    expect(await memberships(STALE)).toEqual([OTHER_GROUP]);
    await expect(session.query("SELECT 1")).rejects.toThrow();
    const found = await report();
    expect(has(found, STALE)).toBeUndefined();
    expect(has(found, STALE, OTHER_GROUP)).toBeDefined();
    const events = await db().auditEvent.findMany({ where: { subjectType: "issuer", subjectId: issuerId }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["drift.revoke_requested", "drift.revoked"]);
    expect(events[1].data).toMatchObject({ principal: STALE, privilege: GROUP, reason: "nobody owns this login" });

    await expect(revokeDrift({ actor: security, issuerId, principal: STALE, privilege: GROUP, reason: "nobody owns this login" })).rejects.toMatchObject({ code: "not_found", message: expect.stringMatching(/not a member/) });
  });

  it("revokes a membership granted by several grantors", async () => {
    const r = await revokeDrift({ actor: admin, issuerId, principal: MULTI, privilege: GROUP, reason: "granted by hand twice", endSessions: false });
    // The bootstrap superuser (CREATE ROLE ... IN ROLE) and the delegated admin.
    expect(r.grantors).toHaveLength(2);
    expect(r.grantors).toContain(GRANTER);
    expect(await memberships(MULTI)).toEqual([]);
  });

  it("refuses to revoke the issuer's own admin role, and reports an unreachable target as unavailable, audited", async () => {
    const adminRole = new URL(databaseUrl(TARGET_DB)).username;
    await withAdminClient("postgres", (c) => c.query(`GRANT ${OTHER_GROUP} TO ${adminRole}`));
    await expect(revokeDrift({ actor: security, issuerId, principal: adminRole, privilege: OTHER_GROUP, reason: "would break the issuer" })).rejects.toMatchObject({
      code: "invalid_state",
      message: expect.stringMatching(/admin role/),
    });
    expect(await memberships(adminRole)).toContain(OTHER_GROUP);
    await withAdminClient("postgres", (c) => c.query(`REVOKE ${OTHER_GROUP} FROM ${adminRole}`));

    const down = await db().issuer.create({ data: { name: `pg-gone-${suffix}`, type: "postgres", config: {}, secretSealed: sealJson({ url: `postgresql://postgres:nope@127.0.0.1:${await freePort()}/postgres` }) } });
    await expect(revokeDrift({ actor: security, issuerId: down.id, principal: UNMANAGED, privilege: GROUP, reason: "target is down" })).rejects.toMatchObject({
      code: "issuer_unavailable",
      message: expect.stringMatching(/ECONNREFUSED|connect/),
    });
    const events = await db().auditEvent.findMany({ where: { subjectType: "issuer", subjectId: down.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["drift.revoke_requested", "drift.revoke_failed"]);
  });

  it("refuses bad drift input: Hourglass roles, non-identifiers, unknown issuers and identities, other issuer types, other roles", async () => {
    const base = { actor: security, issuerId, privilege: GROUP, reason: "cleanup of old roles" };
    await expect(revokeDrift({ ...base, principal: OURS })).rejects.toMatchObject({ code: "validation_failed", message: expect.stringMatching(/Hourglass grants/) });
    await expect(revokeDrift({ ...base, principal: `x"; DROP ROLE ${GROUP}; --` })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(revokeDrift({ ...base, principal: UNMANAGED, privilege: "" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(revokeDrift({ ...base, principal: UNMANAGED, reason: "" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(revokeDrift({ ...base, issuerId: "00000000-0000-4000-8000-000000000000", principal: UNMANAGED })).rejects.toMatchObject({ code: "not_found" });
    const { issuer: tokenIssuer } = await createIssuerAndEntitlement();
    await expect(revokeDrift({ ...base, issuerId: tokenIssuer.id, principal: UNMANAGED })).rejects.toMatchObject({ code: "invalid_state" });
    await expect(revokeDrift({ ...base, actor: approver, principal: UNMANAGED })).rejects.toMatchObject({ code: "forbidden" });
    await expect(attachDriftToIdentity({ actor: security, issuerId, principal: UNMANAGED, identity: `no-such-${suffix}` })).rejects.toMatchObject({ code: "not_found" });
    await expect(attachDriftToIdentity({ actor: security, issuerId: "nope", principal: UNMANAGED, identity: identity.name })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(attachDriftToIdentity({ actor: owner, issuerId, principal: UNMANAGED, identity: identity.name })).rejects.toMatchObject({ code: "forbidden" });
    // The membership that was refused is untouched.
    expect(await memberships(UNMANAGED)).toEqual([GROUP]);
  });
});

function urlAs(user: string, password: string): string {
  const u = new URL(databaseUrl(TARGET_DB));
  u.username = user;
  u.password = password;
  return u.toString();
}

async function memberships(role: string): Promise<string[]> {
  return withAdminClient("postgres", async (c) => {
    const r = await c.query<{ g: string }>(
      `SELECT DISTINCT g.rolname AS g FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member JOIN pg_roles g ON g.oid = m.roleid WHERE u.rolname = $1 ORDER BY 1`,
      [role],
    );
    return r.rows.map((x) => x.g);
  });
}
