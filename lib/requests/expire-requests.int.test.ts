import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { useFreshDatabase } from "../testing/database";
import { createPendingRequest, createUser } from "../testing/factories";
import { expireRequests, nextRequestExpiry } from "./expire-requests";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(() => database.drop());

describe("expireRequests", () => {
  it("expires exactly the pending requests past their window, once, with an audit event each", async () => {
    const u = await createUser(["requester"]);
    const past = await Promise.all(Array.from({ length: 30 }, () => createPendingRequest({ requesterUserId: u.id, expiresAt: new Date(Date.now() - 1000) })));
    const future = await createPendingRequest({ requesterUserId: u.id, expiresAt: new Date(Date.now() + 60_000) });

    // Three workers at once: SKIP LOCKED means each row is handled by exactly one of them.
    const counts = await Promise.all([0, 1, 2].map(() => expireRequests({ db: getDb(), limit: 7 })));
    let total = counts.reduce((a, b) => a + b, 0);
    while (total < past.length) {
      const n = await expireRequests({ db: getDb(), limit: 7 });
      if (n === 0) break;
      total += n;
    }
    expect(total).toBe(past.length);
    expect(await getDb().accessRequest.count({ where: { id: { in: past.map((r) => r.id) }, status: "expired" } })).toBe(past.length);
    expect((await getDb().accessRequest.findUniqueOrThrow({ where: { id: future.id } })).status).toBe("pending");
    expect(await getDb().auditEvent.count({ where: { action: "request.expired" } })).toBe(past.length);
    expect((await nextRequestExpiry(getDb()))?.getTime()).toBe(future.expiresAt.getTime());
  });
});
