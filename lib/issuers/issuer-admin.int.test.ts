import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { unsealJson } from "../crypto/seal";
import type { UserActor } from "../authz";
import { useFreshDatabase } from "../testing/database";
import { createIdentity, createIssuerAndEntitlement, createPendingRequest, createUser } from "../testing/factories";
import { createIssuer } from "./create-issuer";
import { updateIssuer } from "./update-issuer";
import { setIssuerEnabled } from "./set-issuer-enabled";
import { updateEntitlement } from "../entitlements/update-entitlement";
import { setEntitlementEnabled } from "../entitlements/set-entitlement-enabled";
import { createRequest } from "../requests/create-request";
import { decideRequest } from "../requests/decide-request";
import { issueDueGrants } from "../grants/issue-due-grants";
import { closeAllDrivers } from "./registry";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let admin: UserActor, security: UserActor, owner: UserActor, approver: UserActor;
beforeAll(async () => {
  database = await useFreshDatabase();
  [admin, security, owner, approver] = await Promise.all([createUser(["admin"]), createUser(["security"]), createUser(["owner", "requester"]), createUser(["approver"])]);
});
afterAll(async () => {
  await closeAllDrivers();
  await database.drop();
});

const audits = (subjectId: string) => getDb().auditEvent.findMany({ where: { subjectId }, orderBy: { seq: "asc" } });

describe("editing an issuer", () => {
  it("changes a webhook issuer's config, keeps its sealed secret when left empty and replaces it when given; never returns it", async () => {
    const made = await createIssuer({ actor: admin, name: "ops-hook", type: "webhook", config: { url: "http://127.0.0.1:9/hook", hmacSecret: "first-secret-0123456789" } });
    const kept = await updateIssuer({ actor: admin, issuer: "ops-hook", config: { url: "http://127.0.0.1:9/v2", timeoutMs: 3000, hmacSecret: "" } });
    expect(kept).toMatchObject({ secret: "kept", config: { url: "http://127.0.0.1:9/v2", timeoutMs: 3000 } });
    expect(JSON.stringify(kept)).not.toContain("first-secret");
    let row = await getDb().issuer.findUniqueOrThrow({ where: { id: made.id } });
    expect(unsealJson(row.secretSealed!)).toEqual({ hmacSecret: "first-secret-0123456789" });

    const replaced = await updateIssuer({ actor: admin, issuer: made.id, config: { url: "http://127.0.0.1:9/v2", hmacSecret: "second-secret-0123456789" } });
    expect(replaced.secret).toBe("replaced");
    row = await getDb().issuer.findUniqueOrThrow({ where: { id: made.id } });
    expect(unsealJson(row.secretSealed!)).toEqual({ hmacSecret: "second-secret-0123456789" });

    const events = await audits(made.id);
    expect(events.map((e) => e.action)).toEqual(["issuer.configured", "issuer.updated", "issuer.updated"]);
    expect(events[1].data).toMatchObject({ secret: "kept", before: { url: "http://127.0.0.1:9/hook" }, config: { url: "http://127.0.0.1:9/v2" } });
    expect(JSON.stringify(events.map((e) => e.data))).not.toMatch(/first-secret|second-secret/);
  });

  it("keeps a PostgreSQL issuer's connection string when left empty, and takes host, port and database from a new one", async () => {
    const made = await createIssuer({ actor: admin, name: "pg-edit", type: "postgres", config: { url: "postgresql://hg:pw@db.internal:5433/orders" } });
    expect(made.config).toEqual({ host: "db.internal", port: 5433, database: "orders" });
    const kept = await updateIssuer({ actor: admin, issuer: "pg-edit", config: { url: "", host: "db.internal", connectHost: "orders.example", port: 5433, database: "orders" } });
    expect(kept).toMatchObject({ secret: "kept", config: { connectHost: "orders.example", port: 5433 } });
    const moved = await updateIssuer({ actor: admin, issuer: "pg-edit", config: { url: "postgresql://hg:pw2@db2.internal/sales" } });
    expect(moved.config).toEqual({ host: "db2.internal", port: 5432, database: "sales" });
    const row = await getDb().issuer.findUniqueOrThrow({ where: { id: made.id } });
    expect(unsealJson(row.secretSealed!)).toEqual({ url: "postgresql://hg:pw2@db2.internal/sales" });
  });

  it("refuses a bad configuration with the field named, and changes nothing", async () => {
    const made = await createIssuer({ actor: admin, name: "tok-edit", type: "token", config: { audience: "https://a.example" } });
    await expect(updateIssuer({ actor: admin, issuer: made.id, config: { audience: 42 } })).rejects.toMatchObject({ code: "validation_failed", message: expect.stringContaining("audience") });
    await expect(updateIssuer({ actor: admin, issuer: "no-such-issuer", config: { audience: "x" } })).rejects.toMatchObject({ code: "not_found" });
    expect((await getDb().issuer.findUniqueOrThrow({ where: { id: made.id } })).config).toMatchObject({ audience: "https://a.example" });
  });

  it("refuses a non-admin: editing, disabling", async () => {
    const { issuer } = await createIssuerAndEntitlement();
    for (const actor of [security, owner, approver]) {
      await expect(updateIssuer({ actor, issuer: issuer.id, config: { audience: "https://x.example" } })).rejects.toMatchObject({ code: "forbidden" });
      await expect(setIssuerEnabled({ actor, issuer: issuer.id, enabled: false })).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await getDb().issuer.findUniqueOrThrow({ where: { id: issuer.id } })).toMatchObject({ enabled: true, config: { audience: "https://api.test.local" } });
    expect(await audits(issuer.id)).toEqual([]);
  });
});

describe("disabling", () => {
  it("a disabled issuer's entitlements cannot be requested, with the reason in words; enabled again, they can", async () => {
    const { issuer, entitlement } = await createIssuerAndEntitlement();
    const identity = await createIdentity({ ownerUserId: owner.id });
    const ask = () => createRequest({ actor: owner, identityId: identity.id, entitlementId: entitlement.id, durationSec: 600, justification: "nightly reconciliation" });
    expect(await setIssuerEnabled({ actor: admin, issuer: issuer.name, enabled: false })).toMatchObject({ changed: true, liveGrants: 0 });
    await expect(ask()).rejects.toMatchObject({ code: "invalid_state", message: `${entitlement.name} is unavailable: its issuer ${issuer.name} is disabled` });
    await setIssuerEnabled({ actor: admin, issuer: issuer.id, enabled: true });
    await expect(ask()).resolves.toMatchObject({ id: expect.any(String) });
    expect((await audits(issuer.id)).map((e) => e.action)).toEqual(["issuer.disabled", "issuer.enabled"]);
  });

  it("a disabled entitlement cannot be requested, a pending request for it cannot be approved, and an approved grant is not issued", async () => {
    const pending = await createPendingRequest({ requesterUserId: owner.id });
    const { entitlementId } = pending;
    await setEntitlementEnabled({ actor: admin, entitlement: entitlementId, enabled: false });
    const name = (await getDb().entitlement.findUniqueOrThrow({ where: { id: entitlementId } })).name;

    const identity = await createIdentity({ ownerUserId: owner.id });
    await expect(createRequest({ actor: owner, identityId: identity.id, entitlementId, durationSec: 600, justification: "nightly reconciliation" })).rejects.toMatchObject({
      code: "invalid_state",
      message: `${name} is disabled: it can no longer be requested or granted`,
    });
    await expect(decideRequest({ actor: approver, requestId: pending.id, decision: "approve" })).rejects.toMatchObject({ code: "invalid_state", message: expect.stringContaining("is disabled") });
    // Denying stays possible: it grants nothing.
    await expect(decideRequest({ actor: approver, requestId: pending.id, decision: "deny", comment: "retired" })).resolves.toMatchObject({ status: "denied" });

    const ent = await getDb().entitlement.findUniqueOrThrow({ where: { id: entitlementId } });
    const grant = await getDb().grant.create({ data: { identityId: identity.id, entitlementId, issuerId: ent.issuerId, status: "issuing", expiresAt: new Date(Date.now() + 600_000) } });
    await issueDueGrants({ db: getDb() });
    const after = await getDb().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(after.status).not.toBe("active");
    expect(after.lastError).toContain("is disabled");
  });

  it("refuses a non-admin, and disabling twice records one event", async () => {
    const { entitlement } = await createIssuerAndEntitlement();
    for (const actor of [security, owner, approver]) {
      await expect(setEntitlementEnabled({ actor, entitlement: entitlement.id, enabled: false })).rejects.toMatchObject({ code: "forbidden" });
      await expect(updateEntitlement({ actor, entitlement: entitlement.id, riskTier: "high" })).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await getDb().entitlement.findUniqueOrThrow({ where: { id: entitlement.id } })).toMatchObject({ enabled: true, riskTier: "low" });
    await setEntitlementEnabled({ actor: admin, entitlement: entitlement.name, enabled: false });
    expect(await setEntitlementEnabled({ actor: admin, entitlement: entitlement.name, enabled: false })).toMatchObject({ changed: false });
    expect((await audits(entitlement.id)).map((e) => e.action)).toEqual(["entitlement.disabled"]);
  });
});

describe("editing an entitlement", () => {
  it("changes what is given, checks the target against the issuer's type, and audits each change", async () => {
    const { entitlement } = await createIssuerAndEntitlement();
    await expect(updateEntitlement({ actor: admin, entitlement: entitlement.id, target: { role: "orders_read" } })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(updateEntitlement({ actor: admin, entitlement: entitlement.id, maxDuration: "PT10M", defaultDuration: "PT30M" })).rejects.toMatchObject({ code: "validation_failed" });
    const r = await updateEntitlement({ actor: admin, entitlement: entitlement.name, target: { scope: "orders:write" }, riskTier: "high", maxDuration: "PT10M", approvalsRequired: 2 });
    expect(r.changed.sort()).toEqual(["approvalsRequired", "defaultDurationSec", "maxDurationSec", "riskTier", "target"]);
    const row = await getDb().entitlement.findUniqueOrThrow({ where: { id: entitlement.id } });
    expect(row).toMatchObject({ target: { scope: "orders:write" }, riskTier: "high", maxDurationSec: 600, defaultDurationSec: 600, approvalsRequired: 2 });
    const [event] = await audits(entitlement.id);
    expect(event).toMatchObject({ action: "entitlement.updated", data: { changes: { riskTier: { from: "low", to: "high" } } } });
  });
});
