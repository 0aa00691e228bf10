import { getDb } from "../db";
import { can, assertCan, type Actor } from "../authz";
import { forbidden } from "../errors";
import { madeRequests } from "../identities/ownership";
import type { ListParams, Page } from "../listing";
import type { Environment, IdentityKind, Prisma, RequestStatus, RiskTier } from "../generated/prisma/client";

export const requestSortable = ["createdAt", "environment", "riskTier", "status", "durationSec", "expiresAt"] as const;
export type RequestSort = (typeof requestSortable)[number];

export type RequestFilters = {
  scope: "mine" | "all";
  status?: RequestStatus;
  environment?: Environment;
  riskTier?: RiskTier;
  identityKind?: IdentityKind;
  entitlementId?: string;
  /** Only requests waiting at least this long. */
  createdBefore?: Date;
};

export type RequestRow = {
  id: string;
  createdAt: string;
  status: RequestStatus;
  identity: string;
  identityKind: IdentityKind;
  entitlement: string;
  environment: Environment;
  riskTier: RiskTier;
  durationSec: number;
  requester: string;
  requesterId: string | null;
  ownerId: string | null;
  extension: boolean;
  justification: string;
  breakGlass: boolean;
  approvals: number;
  approvalsRequired: number;
};

/** Requests the actor made ("mine"), or every request for those who may read them all. */
export async function findRequests({
  actor,
  params,
  filters,
}: {
  actor: Actor;
  params: ListParams<RequestSort>;
  filters: RequestFilters;
}): Promise<Page<RequestRow>> {
  if (filters.scope === "all") assertCan(actor, "request:read_all");
  else if (!can(actor, "request:create") && !can(actor, "request:read_all")) throw forbidden();
  const db = getDb();
  const where: Prisma.AccessRequestWhereInput = {
    ...(filters.scope === "mine" ? madeRequests(actor) : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.environment ? { environment: filters.environment } : {}),
    ...(filters.riskTier ? { riskTier: filters.riskTier } : {}),
    ...(filters.identityKind ? { identityKind: filters.identityKind } : {}),
    ...(filters.entitlementId ? { entitlementId: filters.entitlementId } : {}),
    ...(filters.createdBefore ? { createdAt: { lte: filters.createdBefore } } : {}),
  };
  // Two steps: the page's ids in sort order (read in the order of an index per sort, which
  // ends in id: ties break by id in the sort's direction, so a page never repeats or skips a row
  // of its neighbours), then those rows with their names. Joining the names before the page is
  // cut would join them for every row skipped to reach it.
  const orderBy: Prisma.AccessRequestOrderByWithRelationInput[] = [{ [params.sort]: params.dir }, { id: params.dir }];
  const [total, ids] = await Promise.all([
    db.accessRequest.count({ where }),
    db.accessRequest.findMany({ where, orderBy, skip: (params.page - 1) * params.size, take: params.size, select: { id: true } }),
  ]);
  const found = ids.length
    ? await db.accessRequest.findMany({
        // The filters again: a request decided between the two steps leaves the page, as it would a moment later.
        where: { AND: [where, { id: { in: ids.map((r) => r.id) } }] },
        include: {
          identity: { select: { name: true, ownerUserId: true } },
          entitlement: { select: { name: true } },
          requesterUser: { select: { name: true } },
          _count: { select: { approvals: { where: { decision: "approve" } } } },
        },
      })
    : [];
  const byId = new Map(found.map((r) => [r.id, r]));
  const rows = ids.flatMap(({ id }) => byId.get(id) ?? []);
  return {
    total,
    page: params.page,
    size: params.size,
    rows: rows.map((r) => ({
      id: r.id,
      createdAt: r.createdAt.toISOString(),
      status: r.status,
      identity: r.identity.name,
      identityKind: r.identityKind,
      entitlement: r.entitlement.name,
      environment: r.environment,
      riskTier: r.riskTier,
      durationSec: r.durationSec,
      requester: r.requesterUser?.name ?? "workload",
      requesterId: r.requesterUserId,
      ownerId: r.identity.ownerUserId,
      extension: r.extendsGrantId !== null,
      justification: r.justification,
      breakGlass: r.breakGlass,
      approvals: r._count.approvals,
      approvalsRequired: r.approvalsRequired,
    })),
  };
}
