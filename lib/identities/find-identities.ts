import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { sortBy, type ListParams, type Page } from "../listing";
import type { Environment, IdentityKind, IdentityStatus, Prisma } from "../generated/prisma/client";
import { operatedIdentities } from "./ownership";

export const identitySortable = ["name", "kind", "environment", "status", "lastAttestedAt", "createdAt"] as const;
export type IdentitySort = (typeof identitySortable)[number];

/** An identity whose owner has not confirmed it for this long counts as unattested. */
export const UNATTESTED_AFTER_DAYS = 90;

/** Grants that still hold (or may still hold) privilege at the issuer. */
export const LIVE_GRANT_STATUSES = ["active", "issuing", "revoking", "revoke_failed", "irrevocable"] as const;
/** Exceptions not yet decided or in force: the ones someone still has to look at or live with. */
export const OPEN_EXCEPTION_STATUSES = ["proposed", "changes_requested", "accepted"] as const;

export type IdentityFilters = {
  q?: string;
  kind?: IdentityKind;
  environment?: Environment;
  status?: IdentityStatus;
  /** Neither a user nor a team owns it. */
  unowned?: boolean;
  /** The reader owns it, directly or through a team (none for machines). */
  mine?: boolean;
  /** Never attested, or last attested more than UNATTESTED_AFTER_DAYS ago. */
  unattested?: boolean;
  /** Holds standing access: an accepted exception, or a live grant issued for one. */
  standing?: boolean;
};

export type IdentityRow = {
  id: string;
  name: string;
  kind: IdentityKind;
  environment: Environment;
  system: string;
  criticality: string;
  status: IdentityStatus;
  owner: string | null;
  lastAttestedAt: string | null;
  /** Never attested or attested too long ago. */
  attestationOverdue: boolean;
  activeGrants: number;
  openExceptions: number;
  standing: boolean;
};

export function unattestedSince(now = new Date()): Date {
  return new Date(now.getTime() - UNATTESTED_AFTER_DAYS * 86_400_000);
}

/** The where-clause for a set of filters (exported so other lists and counts agree with this one). */
export function identityWhere(filters: IdentityFilters, now = new Date()): Prisma.IdentityWhereInput {
  const and: Prisma.IdentityWhereInput[] = [];
  if (filters.kind) and.push({ kind: filters.kind });
  if (filters.environment) and.push({ environment: filters.environment });
  if (filters.status) and.push({ status: filters.status });
  if (filters.unowned) and.push({ ownerUserId: null, ownerTeamId: null });
  if (filters.unattested) and.push({ OR: [{ lastAttestedAt: null }, { lastAttestedAt: { lt: unattestedSince(now) } }] });
  if (filters.standing) and.push({ OR: standingWhere });
  if (filters.q) and.push({ OR: [{ name: { contains: filters.q, mode: "insensitive" } }, { system: { contains: filters.q, mode: "insensitive" } }] });
  return and.length ? { AND: and } : {};
}

const standingWhere: Prisma.IdentityWhereInput[] = [
  { exceptions: { some: { status: "accepted" } } },
  { grants: { some: { exceptionId: { not: null }, status: { in: ["active", "issuing"] } } } },
];

export async function findIdentities({
  actor,
  params,
  filters = {},
}: {
  actor: Actor;
  params: ListParams<IdentitySort>;
  filters?: IdentityFilters;
}): Promise<Page<IdentityRow>> {
  assertCan(actor, "identity:read");
  const db = getDb();
  const now = new Date();
  const where = filters.mine ? { AND: [identityWhere(filters, now), operatedIdentities(actor)] } : identityWhere(filters, now);
  const [total, rows] = await Promise.all([
    db.identity.count({ where }),
    db.identity.findMany({
      where,
      orderBy: [sortBy(params.sort, params.dir, ["lastAttestedAt"]), { id: "asc" }] as Prisma.IdentityOrderByWithRelationInput[],
      skip: (params.page - 1) * params.size,
      take: params.size,
      include: {
        ownerUser: { select: { name: true } },
        ownerTeam: { select: { name: true } },
        _count: {
          select: {
            grants: { where: { status: { in: [...LIVE_GRANT_STATUSES] } } },
            exceptions: { where: { status: { in: [...OPEN_EXCEPTION_STATUSES] } } },
          },
        },
      },
    }),
  ]);
  // Standing access for the page's rows only: one small query, not a join per row.
  const ids = rows.map((r) => r.id);
  const standing = ids.length
    ? await db.identity.findMany({ where: { id: { in: ids }, OR: standingWhere }, select: { id: true } })
    : [];
  const standingIds = new Set(standing.map((s) => s.id));
  const staleBefore = unattestedSince(now).getTime();
  return {
    total,
    page: params.page,
    size: params.size,
    rows: rows.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      environment: r.environment,
      system: r.system,
      criticality: r.criticality,
      status: r.status,
      owner: r.ownerUser?.name ?? (r.ownerTeam ? `team ${r.ownerTeam.name}` : null),
      lastAttestedAt: r.lastAttestedAt?.toISOString() ?? null,
      attestationOverdue: !r.lastAttestedAt || r.lastAttestedAt.getTime() < staleBefore,
      activeGrants: r._count.grants,
      openExceptions: r._count.exceptions,
      standing: standingIds.has(r.id),
    })),
  };
}
