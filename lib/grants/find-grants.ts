import { getDb } from "../db";
import { can, type Actor } from "../authz";
import { forbidden } from "../errors";
import { heldGrants } from "../identities/ownership";
import { sortBy, type ListParams, type Page } from "../listing";
import type { GrantStatus, Prisma, RevokeReason } from "../generated/prisma/client";

export const grantSortable = ["expiresAt", "issuedAt", "status", "createdAt", "attempts"] as const;
export type GrantSort = (typeof grantSortable)[number];

export type GrantRow = {
  id: string;
  status: GrantStatus;
  identity: string;
  entitlement: string;
  environment: string;
  issuer: string;
  issuedAt: string | null;
  expiresAt: string;
  revokedAt: string | null;
  revokeReason: RevokeReason | null;
  attempts: number;
  lastError: string | null;
  breakGlass: boolean;
  standing: boolean;
};

/** Grants: all for those who may read them all, else those of the actor's own requests. */
export async function findGrants({
  actor,
  params,
  filters = {},
}: {
  actor: Actor;
  params: ListParams<GrantSort>;
  filters?: { status?: GrantStatus; statuses?: GrantStatus[]; identityId?: string };
}): Promise<Page<GrantRow>> {
  const all = can(actor, "grant:read_all");
  if (!all && !can(actor, "request:create")) throw forbidden();
  const db = getDb();
  const where: Prisma.GrantWhereInput = {
    ...(all ? {} : heldGrants(actor)),
    ...(filters.status ? { status: filters.status } : filters.statuses ? { status: { in: filters.statuses } } : {}),
    ...(filters.identityId ? { identityId: filters.identityId } : {}),
  };
  const [total, rows] = await Promise.all([
    db.grant.count({ where }),
    db.grant.findMany({
      where,
      orderBy: [sortBy(params.sort, params.dir, ["issuedAt"]), { id: "asc" }] as Prisma.GrantOrderByWithRelationInput[],
      skip: (params.page - 1) * params.size,
      take: params.size,
      include: {
        identity: { select: { name: true } },
        entitlement: { select: { name: true, environment: true } },
        issuer: { select: { name: true } },
      },
    }),
  ]);
  return {
    total,
    page: params.page,
    size: params.size,
    rows: rows.map((g) => ({
      id: g.id,
      status: g.status,
      identity: g.identity.name,
      entitlement: g.entitlement.name,
      environment: g.entitlement.environment,
      issuer: g.issuer.name,
      issuedAt: g.issuedAt?.toISOString() ?? null,
      expiresAt: g.expiresAt.toISOString(),
      revokedAt: g.revokedAt?.toISOString() ?? null,
      revokeReason: g.revokeReason,
      attempts: g.attempts,
      lastError: g.lastError,
      breakGlass: g.breakGlass,
      standing: g.exceptionId !== null,
    })),
  };
}
