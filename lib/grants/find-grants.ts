import { getDb } from "../db";
import { can, type Actor } from "../authz";
import { forbidden } from "../errors";
import { heldGrants, holdsGrant } from "../identities/ownership";
import { sortBy, type ListParams, type Page } from "../listing";
import type { Environment, GrantStatus, Prisma, RevokeReason } from "../generated/prisma/client";

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
  /** Whether the actor may end it from the list: the rule revokeGrant applies. */
  mayRevoke: boolean;
};

/** The grants that still hold (or may hold) privilege: the list's default. */
export const LIVE_GRANT_STATUSES: GrantStatus[] = ["issuing", "active", "revoking", "revoke_failed", "irrevocable"];

export type GrantFilters = {
  status?: GrantStatus;
  statuses?: GrantStatus[];
  identityId?: string;
  /** Part of the identity's name, any case. */
  identity?: string;
  entitlementId?: string;
  issuerId?: string;
  environment?: Environment;
  /** Grants whose window ends before this instant. */
  endsBefore?: Date;
};

/** Grants: all for those who may read them all, else those the actor holds (see heldGrants). */
export async function findGrants({
  actor,
  params,
  filters = {},
}: {
  actor: Actor;
  params: ListParams<GrantSort>;
  filters?: GrantFilters;
}): Promise<Page<GrantRow>> {
  const all = can(actor, "grant:read_all");
  if (!all && !can(actor, "request:create")) throw forbidden();
  const db = getDb();
  const where: Prisma.GrantWhereInput = {
    ...(all ? {} : heldGrants(actor)),
    ...(filters.status ? { status: filters.status } : filters.statuses ? { status: { in: filters.statuses } } : {}),
    ...(filters.identityId ? { identityId: filters.identityId } : {}),
    ...(filters.identity ? { identity: { name: { contains: filters.identity, mode: "insensitive" } } } : {}),
    ...(filters.entitlementId ? { entitlementId: filters.entitlementId } : {}),
    ...(filters.issuerId ? { issuerId: filters.issuerId } : {}),
    ...(filters.environment ? { entitlement: { environment: filters.environment } } : {}),
    ...(filters.endsBefore ? { expiresAt: { lt: filters.endsBefore } } : {}),
  };
  const revokes = can(actor, "grant:revoke");
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
        request: { select: { requesterUserId: true, requesterIdentityId: true } },
        exception: { select: { proposedById: true } },
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
      // The rule revokeGrant applies: security and admins end any; a holder ends a request's grant, standing access ends with its exception.
      mayRevoke: ["active", "issuing"].includes(g.status) && (revokes || (g.exceptionId === null && holdsGrant(actor, g))),
    })),
  };
}
