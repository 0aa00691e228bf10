import { z } from "zod";
import { getDb } from "../db";
import { can, type Actor } from "../authz";
import { AppError, forbidden } from "../errors";
import { heldGrants } from "../identities/ownership";
import { parseDuration, parseInput } from "../validation";
import { getGrant } from "../grants/get-grant";
import { revokeGrant } from "../grants/revoke-grant";
import { extendGrant } from "../grants/extend-grant";
import { reportUsage } from "../grants/report-usage";
import type { Prisma } from "../generated/prisma/client";
import { extendBody, revokeBody, usageBody } from "./schemas";
import { presentGrant } from "./access-requests";
import { resolveIdentityId as resolveIdentity } from "./resolve";

const statuses = ["issuing", "active", "revoking", "revoked", "revoke_failed", "irrevocable", "issue_failed"] as const;
const listQuery = z.object({
  identity: z.string().trim().min(1).max(200).optional(),
  status: z.enum(statuses).optional(),
  cursor: z.string().uuid("cursor must be a value returned as nextCursor").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** GET /api/v1/grants: newest first, keyset-paged; an identity sees its own, readers see all. */
export async function apiListGrants({ actor, query }: { actor: Actor; query: URLSearchParams }) {
  const q = parseInput(listQuery, Object.fromEntries(query));
  const all = can(actor, "grant:read_all");
  if (!all && actor.type !== "identity" && !(actor.type === "user" && can(actor, "request:create"))) throw forbidden();
  const scope: Prisma.GrantWhereInput = all ? {} : heldGrants(actor);
  const db = getDb();
  const where: Prisma.GrantWhereInput = { AND: [scope, q.identity ? { identityId: await resolveIdentity(q.identity) } : {}, q.status ? { status: q.status } : {}] };
  const rows = await db.grant.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}),
    include: { identity: { select: { name: true } }, entitlement: { select: { name: true } } },
  });
  const page = rows.slice(0, q.limit);
  return {
    grants: page.map((g) => presentGrant(g, { identity: g.identity.name, entitlement: g.entitlement.name })),
    nextCursor: rows.length > q.limit ? page[page.length - 1].id : null,
  };
}

export async function apiGetGrant({ actor, grantId }: { actor: Actor; grantId: string }) {
  const g = await getGrant({ actor, grantId });
  return presentGrant(g, { identity: g.identity.name, entitlement: g.entitlement.name });
}

export async function apiRevokeGrant({ actor, grantId, body }: { actor: Actor; grantId: string; body: unknown }) {
  const b = parseInput(revokeBody, body);
  await revokeGrant({ actor, grantId, reason: b.emergency ? "emergency" : "early", comment: b.reason });
  return apiGetGrant({ actor, grantId });
}

export async function apiExtendGrant({ actor, grantId, body }: { actor: Actor; grantId: string; body: unknown }) {
  const b = parseInput(extendBody, body);
  const durationSec = parseDuration(b.duration);
  if (durationSec === null) throw new AppError("validation_failed", `duration: "${b.duration}" is not an ISO 8601 duration such as PT15M`);
  const r = await extendGrant({ actor, grantId, durationSec, justification: b.justification });
  return { requestId: r.requestId, status: r.status, grant: await apiGetGrant({ actor, grantId }) };
}

export async function apiReportUsage({ actor, grantId, body }: { actor: Actor; grantId: string; body: unknown }) {
  const b = parseInput(usageBody, body);
  return reportUsage({ actor, grantId, at: b.at, count: b.count, detail: b.detail });
}
