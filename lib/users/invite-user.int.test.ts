import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { useFreshDatabase } from "../testing/database";
import { createUser } from "../testing/factories";
import { authenticateUser } from "./authenticate-user";
import { inviteUser } from "./invite-user";
import { syncSsoUser } from "./sso";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(() => database.drop());

const ISSUER = "https://idp.example.com";

describe("inviting a user", () => {
  it("adds the user with the chosen roles and audits it; their first SSO sign-in with that email links and keeps the roles", async () => {
    const admin = await createUser(["admin"]);
    const invited = await inviteUser(admin, { email: "  Robin@Example.com ", name: "Robin Vega", roles: ["owner", "approver"] });
    expect(invited).toMatchObject({ email: "robin@example.com", name: "Robin Vega", roles: ["approver", "owner"] });
    const row = await getDb().user.findUniqueOrThrow({ where: { id: invited.id } });
    expect(row).toMatchObject({ passwordHash: null, ssoSubject: null, lastSignInAt: null, active: true });
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "user.invited", subjectId: invited.id } });
    expect(event).toMatchObject({ actorId: admin.id });
    expect(event.data).toMatchObject({ email: "robin@example.com", roles: ["approver", "owner"] });

    // No password: the local sign-in refuses them.
    expect(await authenticateUser({ email: "robin@example.com", password: "anything at all" })).toBeNull();

    // Their groups map to no role, yet the invitation's roles let them in; a group's role is added.
    const first = await syncSsoUser({ issuer: ISSUER, emailVerified: true, subject: "sso|robin", email: "robin@example.com", name: "Robin V.", roles: ["auditor"] });
    expect(first).toMatchObject({ id: invited.id, roles: ["approver", "owner", "auditor"] });
    expect(await getDb().user.findUniqueOrThrow({ where: { id: invited.id } })).toMatchObject({ ssoIssuer: ISSUER, ssoSubject: "sso|robin", roles: ["approver", "owner", "auditor"] });
  });

  it("lets the invitation alone carry an SSO user whose groups map to no role, but not an email the provider has not verified", async () => {
    const admin = await createUser(["admin"]);
    await inviteUser(admin, { email: "sam@example.com", roles: ["requester"] });
    await expect(syncSsoUser({ issuer: ISSUER, emailVerified: false, subject: "sso|sam", email: "sam@example.com", name: "Sam", roles: [] })).rejects.toMatchObject({ code: "forbidden" });
    const signedIn = await syncSsoUser({ issuer: ISSUER, emailVerified: true, subject: "sso|sam", email: "sam@example.com", name: "Sam", roles: [] });
    expect(signedIn.roles).toEqual(["requester"]);
    // The name defaults to the email's local part.
    expect((await getDb().user.findUniqueOrThrow({ where: { email: "sam@example.com" } })).name).toBe("Sam");
    // The invitation is spent: from now on the groups decide.
    await expect(syncSsoUser({ issuer: ISSUER, emailVerified: true, subject: "sso|sam", email: "sam@example.com", name: "Sam", roles: [] })).rejects.toMatchObject({ code: "forbidden", details: { reason: "no_role" } });
  });

  it("refuses a duplicate email in words, a bad email or no role, and changes nothing", async () => {
    const admin = await createUser(["admin"]);
    const existing = await createUser(["approver"]);
    await expect(inviteUser(admin, { email: existing.email.toUpperCase(), roles: ["owner"] })).rejects.toMatchObject({ code: "conflict", message: `${existing.email} is already a user of Hourglass` });
    await expect(inviteUser(admin, { email: "not-an-email", roles: ["owner"] })).rejects.toMatchObject({ code: "validation_failed", message: expect.stringContaining("email address") });
    await expect(inviteUser(admin, { email: "nobody@example.com", roles: [] })).rejects.toMatchObject({ code: "validation_failed", message: expect.stringContaining("at least one role") });
    await expect(inviteUser(admin, { email: "x@example.com", roles: ["root" as never] })).rejects.toMatchObject({ code: "validation_failed" });
    expect(await getDb().user.count({ where: { email: { in: ["nobody@example.com", "x@example.com"] } } })).toBe(0);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: existing.id } })).roles).toEqual(["approver"]);
  });

  it("lets only admins invite", async () => {
    for (const roles of [["security"], ["approver"], ["owner"], ["auditor"], ["requester"]] as const) {
      const actor = await createUser([...roles]);
      await expect(inviteUser(actor, { email: `by-${roles[0]}@example.com`, roles: ["admin"] })).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await getDb().user.count({ where: { email: { startsWith: "by-" } } })).toBe(0);
    expect(await getDb().auditEvent.count({ where: { action: "user.invited", data: { path: ["email"], string_starts_with: "by-" } } })).toBe(0);
  });
});
