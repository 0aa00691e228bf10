import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { useFreshDatabase } from "../testing/database";
import { createUser } from "../testing/factories";
import { authenticateUser } from "./authenticate-user";
import { setUserRoles } from "./set-user-roles";
import { syncSsoUser } from "./sso";
import { findUserActor } from "./get-user-actor";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(() => database.drop());

describe("local sign-in", () => {
  it("accepts the right password and records the sign-in in the audit trail", async () => {
    const u = await createUser(["approver"], { password: "correct horse" });
    const actor = await authenticateUser({ email: u.email.toUpperCase(), password: "correct horse" });
    expect(actor).toMatchObject({ id: u.id, roles: ["approver"] });
    expect(await getDb().auditEvent.count({ where: { action: "user.signed_in", subjectId: u.id } })).toBe(1);
  });

  it("refuses a wrong password, an unknown email and a disabled account alike", async () => {
    const u = await createUser(["approver"], { password: "correct horse" });
    const off = await createUser(["approver"], { password: "correct horse", active: false });
    expect(await authenticateUser({ email: u.email, password: "wrong" })).toBeNull();
    expect(await authenticateUser({ email: "nobody@test.local", password: "correct horse" })).toBeNull();
    expect(await authenticateUser({ email: off.email, password: "correct horse" })).toBeNull();
    expect(await findUserActor(off.id)).toBeNull();
  });
});

describe("password attempt limit", () => {
  it("locks an account after 5 attempts, even with the right password, and audits the refusal", async () => {
    const u = await createUser(["approver"], { password: "correct horse" });
    for (let i = 0; i < 5; i++) expect(await authenticateUser({ email: u.email, password: "wrong", address: "10.0.0.1" })).toBeNull();
    await expect(authenticateUser({ email: u.email, password: "correct horse", address: "10.0.0.2" })).rejects.toMatchObject({ code: "rate_limited" });
    const refused = await getDb().auditEvent.findMany({ where: { action: "user.sign_in_throttled" } });
    expect(refused.at(-1)?.data).toMatchObject({ email: u.email, scopes: ["account"] });
  });

  it("locks an address after 20 attempts across accounts", async () => {
    for (let i = 0; i < 20; i++) await authenticateUser({ email: `spray${i}@test.local`, password: "x", address: "10.9.9.9" });
    const u = await createUser(["approver"], { password: "correct horse" });
    await expect(authenticateUser({ email: u.email, password: "correct horse", address: "10.9.9.9" })).rejects.toMatchObject({ code: "rate_limited" });
    expect(await authenticateUser({ email: u.email, password: "correct horse", address: "10.9.9.8" })).toMatchObject({ id: u.id });
  });

  it("counts failures against an address, not sign-ins: many people behind one address sign in all day", async () => {
    const people = await Promise.all(Array.from({ length: 5 }, () => createUser(["approver"], { password: "correct horse" })));
    for (let i = 0; i < 40; i++) {
      expect(await authenticateUser({ email: people[i % 5].email, password: "correct horse", address: "10.7.7.7" })).toMatchObject({ id: people[i % 5].id });
    }
    // Failures from it are still limited.
    for (let i = 0; i < 20; i++) await authenticateUser({ email: `spray-after${i}@test.local`, password: "x", address: "10.7.7.7" });
    await expect(authenticateUser({ email: people[0].email, password: "correct horse", address: "10.7.7.7" })).rejects.toMatchObject({ code: "rate_limited" });
  });
});

describe("setUserRoles", () => {
  it("changes roles for an admin and audits from → to", async () => {
    const admin = await createUser(["admin"]);
    const target = await createUser(["requester"]);
    await setUserRoles({ actor: admin, userId: target.id, roles: ["approver", "owner"] });
    expect((await findUserActor(target.id))?.roles).toEqual(["approver", "owner"]);
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "user.roles_changed", subjectId: target.id } });
    expect(event.data).toEqual({ from: ["requester"], to: ["approver", "owner"] });
    expect(event.actorId).toBe(admin.id);
  });

  it.each([["security"], ["approver"], ["owner"], ["auditor"], ["requester"]] as const)("is refused to %s and changes nothing", async (role) => {
    const actor = await createUser([role]);
    const target = await createUser(["requester"]);
    await expect(setUserRoles({ actor, userId: target.id, roles: ["admin"] })).rejects.toMatchObject({ code: "forbidden" });
    expect((await findUserActor(target.id))?.roles).toEqual(["requester"]);
  });

  it("refuses bad input with a 400, not a crash", async () => {
    const admin = await createUser(["admin"]);
    await expect(setUserRoles({ actor: admin, userId: "not-a-uuid", roles: [] })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(setUserRoles({ actor: admin, userId: admin.id, roles: ["root" as never] })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(setUserRoles({ actor: admin, userId: "00000000-0000-4000-8000-000000000000", roles: [] })).rejects.toMatchObject({ code: "not_found" });
  });

  it("does not let an admin remove their own admin role", async () => {
    const admin = await createUser(["admin"]);
    await expect(setUserRoles({ actor: admin, userId: admin.id, roles: ["auditor"] })).rejects.toMatchObject({ code: "invalid_state" });
  });
});

const ISSUER = "https://idp.example.com";

describe("SSO users", () => {
  it("creates the user on first sign-in and follows group changes later", async () => {
    const first = await syncSsoUser({ issuer: ISSUER, emailVerified: true, subject: "sso|42", email: "Pat@Example.com", name: "Pat", roles: ["approver"] });
    expect(first.email).toBe("pat@example.com");
    const again = await syncSsoUser({ issuer: ISSUER, emailVerified: true, subject: "sso|42", email: "pat@example.com", name: "Pat Q", roles: ["security"] });
    expect(again.id).toBe(first.id);
    expect((await findUserActor(first.id))?.roles).toEqual(["security"]);
  });

  it("refuses an SSO account whose groups map to no role", async () => {
    await expect(syncSsoUser({ issuer: ISSUER, emailVerified: true, subject: "sso|43", email: "x@example.com", name: "X", roles: [] })).rejects.toMatchObject({ code: "forbidden" });
    expect(await getDb().user.count({ where: { email: "x@example.com" } })).toBe(0);
  });

  it("finds the account by issuer and subject, not by subject alone", async () => {
    const a = await syncSsoUser({ issuer: ISSUER, emailVerified: true, subject: "same-sub", email: "a@example.com", name: "A", roles: ["approver"] });
    const b = await syncSsoUser({ issuer: "https://other-idp.example.com", emailVerified: true, subject: "same-sub", email: "b@example.com", name: "B", roles: ["auditor"] });
    expect(b.id).not.toBe(a.id);
    const again = await syncSsoUser({ issuer: ISSUER, emailVerified: true, subject: "same-sub", email: "a@example.com", name: "A", roles: ["approver"] });
    expect(again.id).toBe(a.id);
  });

  it("links an existing user by a verified email, and audits the link", async () => {
    const local = await createUser(["requester"]);
    const linked = await syncSsoUser({ issuer: ISSUER, emailVerified: true, subject: "sub-link", email: local.email, name: "L", roles: ["approver"] });
    expect(linked.id).toBe(local.id);
    const row = await getDb().user.findUniqueOrThrow({ where: { id: local.id } });
    expect([row.ssoIssuer, row.ssoSubject]).toEqual([ISSUER, "sub-link"]);
    const events = await getDb().auditEvent.findMany({ where: { subjectId: local.id, action: "user.sso_linked" } });
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ issuer: ISSUER, subject: "sub-link", by: "verified_email" });
  });

  it("does not link an existing user by an email the provider has not verified", async () => {
    const local = await createUser(["admin"]);
    await expect(
      syncSsoUser({ issuer: ISSUER, emailVerified: false, subject: "sub-unverified", email: local.email, name: "M", roles: ["approver"] }),
    ).rejects.toMatchObject({ code: "forbidden", details: { reason: "link_refused" } });
    const row = await getDb().user.findUniqueOrThrow({ where: { id: local.id } });
    expect([row.ssoSubject, row.roles]).toEqual([null, ["admin"]]);
  });

  it("never rebinds a user already bound to another SSO subject", async () => {
    const first = await syncSsoUser({ issuer: ISSUER, emailVerified: true, subject: "sub-owner", email: "owner-x@example.com", name: "O", roles: ["owner"] });
    await expect(
      syncSsoUser({ issuer: ISSUER, emailVerified: true, subject: "sub-intruder", email: "owner-x@example.com", name: "I", roles: ["admin"] }),
    ).rejects.toMatchObject({ code: "forbidden", details: { reason: "link_refused" } });
    const row = await getDb().user.findUniqueOrThrow({ where: { id: first.id } });
    expect([row.ssoSubject, row.roles]).toEqual(["sub-owner", ["owner"]]);
  });
});
