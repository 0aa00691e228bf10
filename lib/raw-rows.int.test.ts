import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "./db";
import { systemActor } from "./authz";
import { useFreshDatabase } from "./testing/database";
import { createIdentity, createIssuerAndEntitlement, createUser } from "./testing/factories";
import { createApiToken } from "./api-tokens/create-api-token";
import { authenticateBearer } from "./api-tokens/authenticate-bearer";
import { resolveEntitlement } from "./api/resolve";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
const zone = process.env.TZ;
beforeAll(async () => {
  database = await useFreshDatabase();
  // A process whose local time is not UTC must still read the stored UTC instants.
  process.env.TZ = "America/New_York";
});
afterAll(async () => {
  process.env.TZ = zone;
  await database.drop();
});

// The request path reads these rows with plain SQL; they must be exactly what Prisma reads.
describe("rows read with plain SQL", () => {
  it("authentication returns the identity row Prisma reads, timestamps included", async () => {
    const owner = await createUser(["owner"]);
    for (const lastAttestedAt of [new Date("2026-10-01T23:59:58.123Z"), null]) {
      const identity = await createIdentity({ ownerUserId: owner.id });
      await getDb().identity.update({ where: { id: identity.id }, data: { lastAttestedAt, description: 'quoted "text" and ünïcode' } });
      const { token } = await createApiToken({ actor: systemActor("test"), identity: identity.name, scopes: ["request:create"] });
      const auth = await authenticateBearer(`Bearer ${token}`);
      expect(auth.identity).toEqual(await getDb().identity.findUniqueOrThrow({ where: { id: identity.id } }));
      expect(auth.identity!.createdAt).toBeInstanceOf(Date);
    }
  });

  it("a user's token gives the user's roles", async () => {
    const approver = await createUser(["approver", "security"]);
    const { token } = await createApiToken({ actor: approver, user: approver.email, scopes: ["request:approve"] });
    expect((await authenticateBearer(`Bearer ${token}`)).actor).toMatchObject({ type: "user", id: approver.id, email: approver.email, roles: ["approver", "security"] });
  });

  it("an entitlement resolves, by name or id, to the row and issuer Prisma reads", async () => {
    const { entitlement } = await createIssuerAndEntitlement();
    await getDb().issuer.update({ where: { id: entitlement.issuerId }, data: { lastHealthAt: new Date("2026-11-27T01:02:03.004Z") } });
    const expected = await getDb().entitlement.findUniqueOrThrow({ where: { id: entitlement.id }, include: { issuer: true } });
    expect(await resolveEntitlement(entitlement.name)).toEqual(expected);
    expect(await resolveEntitlement(entitlement.id)).toEqual(expected);
    await expect(resolveEntitlement("no-such-entitlement")).rejects.toMatchObject({ code: "not_found" });
  });
});
