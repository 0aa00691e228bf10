import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "./testing/database";
import { createPendingRequest, createUser } from "./testing/factories";
import type { UserActor } from "./authz";
import { findIdentities, identitySortable } from "./identities/find-identities";
import { findGrants, grantSortable } from "./grants/find-grants";
import { findRequests, requestSortable } from "./requests/find-requests";
import { exceptionSortable, findExceptions } from "./exceptions/find-exceptions";

// Every sortable column of every list, both ways: a URL can ask for any of them.

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let admin: UserActor;
beforeAll(async () => {
  database = await useFreshDatabase();
  admin = await createUser(["admin"]);
  await createPendingRequest({ requesterUserId: admin.id });
});
afterAll(() => database.drop());

const dirs = ["asc", "desc"] as const;

describe("list pages sort by every column they offer", () => {
  it.each(identitySortable.flatMap((s) => dirs.map((d) => [s, d] as const)))("identities by %s %s", async (sort, dir) => {
    const page = await findIdentities({ actor: admin, params: { page: 1, size: 25, sort, dir } });
    expect(page.total).toBeGreaterThan(0);
  });
  it.each(grantSortable.flatMap((s) => dirs.map((d) => [s, d] as const)))("grants by %s %s", async (sort, dir) => {
    await expect(findGrants({ actor: admin, params: { page: 1, size: 25, sort, dir } })).resolves.toHaveProperty("rows");
  });
  it.each(requestSortable.flatMap((s) => dirs.map((d) => [s, d] as const)))("requests by %s %s", async (sort, dir) => {
    const page = await findRequests({ actor: admin, params: { page: 1, size: 25, sort, dir }, filters: { scope: "all" } });
    expect(page.total).toBe(1);
  });
  it.each(exceptionSortable.flatMap((s) => dirs.map((d) => [s, d] as const)))("exceptions by %s %s", async (sort, dir) => {
    await expect(findExceptions({ actor: admin, params: { page: 1, size: 25, sort, dir } })).resolves.toHaveProperty("rows");
  });

  it("refuses lists to roles without them", async () => {
    const requester = await createUser(["requester"]);
    await expect(findRequests({ actor: requester, params: { page: 1, size: 25, sort: "createdAt", dir: "desc" }, filters: { scope: "all" } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(findExceptions({ actor: requester, params: { page: 1, size: 25, sort: "createdAt", dir: "desc" } })).rejects.toMatchObject({ code: "forbidden" });
  });
});
