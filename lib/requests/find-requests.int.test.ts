import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { useFreshDatabase } from "../testing/database";
import { createIdentity, createIssuerAndEntitlement, createUser } from "../testing/factories";
import type { UserActor } from "../authz";
import { findRequests, requestSortable, type RequestFilters, type RequestSort } from "./find-requests";
import type { Environment, RequestStatus, RiskTier } from "../generated/prisma/client";

// Deep pages of the approval queue, for every sort both ways: walking page after page gives exactly
// the full list in its order (computed here, independently of the database), with no row twice and
// none missing, however many rows share a sort value (ties break by id, in the sort's direction).

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
let admin: UserActor;

const environments: Environment[] = ["dev", "staging", "prod"];
const tiers: RiskTier[] = ["low", "medium", "high", "critical"];
const statuses: RequestStatus[] = ["pending", "approved", "denied", "cancelled", "expired"];
type Row = { id: string; createdAt: Date; environment: Environment; riskTier: RiskTier; status: RequestStatus; durationSec: number; expiresAt: Date };
let all: Row[] = [];

const PENDING = 130;
const DECIDED = 40;

beforeAll(async () => {
  database = await useFreshDatabase();
  admin = await createUser(["admin"]);
  const identity = await createIdentity();
  const { entitlement } = await createIssuerAndEntitlement();
  const base = Date.now();
  // Few distinct values per column, so most rows tie with many others on the sorted column.
  await getDb().accessRequest.createMany({
    data: Array.from({ length: PENDING + DECIDED }, (_, i) => ({
      identityId: identity.id,
      entitlementId: entitlement.id,
      requesterUserId: admin.id,
      durationSec: 300 * (1 + (i % 3)),
      justification: `deep page ${i}`,
      status: i < PENDING ? "pending" : statuses[1 + (i % 4)],
      environment: environments[i % 3],
      riskTier: tiers[i % 4],
      identityKind: identity.kind,
      createdAt: new Date(base - 60_000 * (i % 7)),
      expiresAt: new Date(base + 3600_000 * (1 + (i % 2))),
    })),
  });
  all = await getDb().accessRequest.findMany({ select: { id: true, createdAt: true, environment: true, riskTier: true, status: true, durationSec: true, expiresAt: true } });
});
afterAll(() => database.drop());

const rank = (sort: RequestSort, r: Row): number =>
  sort === "environment" ? environments.indexOf(r.environment)
  : sort === "riskTier" ? tiers.indexOf(r.riskTier)
  : sort === "status" ? statuses.indexOf(r.status)
  : sort === "durationSec" ? r.durationSec
  : r[sort].getTime();

/** The full list as the queue should order it: PostgreSQL orders uuids as their lowercase hex text. */
function expected(sort: RequestSort, dir: "asc" | "desc", rows: Row[]): string[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...rows]
    .sort((a, b) => sign * (rank(sort, a) - rank(sort, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    .map((r) => r.id);
}

const dirs = ["asc", "desc"] as const;
const lists: [string, RequestFilters, (r: Row) => boolean][] = [
  ["the queue (pending)", { scope: "all", status: "pending" }, (r) => r.status === "pending"],
  ["every request", { scope: "all" }, () => true],
];

describe.each(lists)("%s, page after page", (_, filters, keep) => {
  it.each(requestSortable.flatMap((s) => dirs.map((d) => [s, d] as const)))("by %s %s", async (sort, dir) => {
    const want = expected(sort, dir, all.filter(keep));
    expect(want.length).toBeGreaterThan(100);
    for (const size of [25, 50]) {
      const seen: string[] = [];
      for (let page = 1; (page - 1) * size < want.length + size; page++) {
        const got = await findRequests({ actor: admin, params: { page, size, sort, dir }, filters });
        expect(got.total).toBe(want.length);
        // Each page holds exactly the rows of the full list at its positions; past the end, none.
        expect(got.rows.map((r) => r.id), `page ${page} of ${size}`).toEqual(want.slice((page - 1) * size, page * size));
        seen.push(...got.rows.map((r) => r.id));
      }
      expect(new Set(seen).size).toBe(want.length);
      expect(seen).toEqual(want);
    }
  });
});

describe("a page's rows", () => {
  it("carry their names and approvals, whatever page they are on", async () => {
    const got = await findRequests({ actor: admin, params: { page: 3, size: 25, sort: "expiresAt", dir: "desc" }, filters: { scope: "all", status: "pending" } });
    expect(got.rows).toHaveLength(25);
    for (const r of got.rows) {
      expect(r).toMatchObject({ status: "pending", requester: admin.name, approvals: 0, approvalsRequired: 1 });
      expect(r.identity).not.toBe("");
      expect(r.entitlement).not.toBe("");
    }
  });

  it("are refused to a requester, on deep pages too", async () => {
    const requester = await createUser(["requester"]);
    await expect(
      findRequests({ actor: requester, params: { page: 40, size: 100, sort: "expiresAt", dir: "asc" }, filters: { scope: "all", status: "pending" } }),
    ).rejects.toMatchObject({ code: "forbidden" });
  });
});
