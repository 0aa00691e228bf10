import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "../db";
import type { UserActor } from "../authz";
import { useFreshDatabase } from "../testing/database";
import { createIdentity, createIssuerAndEntitlement, createUser } from "../testing/factories";
import { createRequest } from "../requests/create-request";
import { decideRequest } from "../requests/decide-request";
import { closeAllDrivers } from "../issuers/registry";

// A grant's window is written on the database's clock by whichever process approves it, the one
// the worker revokes by. An app server whose wall clock is two minutes behind must not hand out
// two extra minutes of privilege (nor, ahead, take them away).

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let owner: UserActor, approver: UserActor;

async function databaseNowMs(): Promise<number> {
  const [row] = await getDb().$queryRaw<{ at: Date }[]>`SELECT clock_timestamp() AS at`;
  return row.at.getTime();
}

function setProcessClockOffset(ms: number) {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(new Date(Date.now() + ms));
}

beforeAll(async () => {
  database = await useFreshDatabase();
  [owner, approver] = await Promise.all([createUser(["owner", "requester"]), createUser(["approver"])]);
});
afterEach(() => void vi.useRealTimers());
afterAll(async () => {
  await closeAllDrivers();
  await database.drop();
});

describe("grant windows on the database's clock", () => {
  for (const offset of [-120_000, 120_000]) {
    it(`an auto-approved request on a process ${offset < 0 ? "behind" : "ahead"} by 2 min ends on time`, async () => {
      const identity = await createIdentity({ ownerUserId: owner.id });
      const { entitlement } = await createIssuerAndEntitlement();
      await getDb().entitlement.update({ where: { id: entitlement.id }, data: { approvalsRequired: 0 } });
      setProcessClockOffset(offset);
      const r = await createRequest({ actor: owner, identityId: identity.id, entitlementId: entitlement.id, durationSec: 600, justification: "clock check" });
      vi.useRealTimers();
      expect(r.status).toBe("approved");
      const grant = await getDb().grant.findFirstOrThrow({ where: { requestId: r.id } });
      expect(Math.abs(grant.expiresAt.getTime() - (await databaseNowMs()) - 600_000)).toBeLessThan(3000);
    });
  }

  it("an approval given on a process 2 min behind starts the window on the database's clock", async () => {
    const identity = await createIdentity({ ownerUserId: owner.id });
    const { entitlement } = await createIssuerAndEntitlement();
    const r = await createRequest({ actor: owner, identityId: identity.id, entitlementId: entitlement.id, durationSec: 600, justification: "clock check" });
    expect(r.status).toBe("pending");
    setProcessClockOffset(-120_000);
    const d = await decideRequest({ actor: approver, requestId: r.id, decision: "approve" });
    vi.useRealTimers();
    expect(d.status).toBe("approved");
    const grant = await getDb().grant.findUniqueOrThrow({ where: { id: d.grantId! } });
    expect(Math.abs(grant.expiresAt.getTime() - (await databaseNowMs()) - 600_000)).toBeLessThan(3000);
  });
});
