import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { sortBy, type ListParams, type Page } from "../listing";
import type { Environment, IdentityKind, IdentityStatus, Prisma } from "../generated/prisma/client";

export const identitySortable = ["name", "kind", "environment", "status", "lastAttestedAt", "createdAt"] as const;
export type IdentitySort = (typeof identitySortable)[number];

export type IdentityFilters = {
  q?: string;
  kind?: IdentityKind;
  environment?: Environment;
  status?: IdentityStatus;
  unowned?: boolean;
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
  activeGrants: number;
  openExceptions: number;
};

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
  const where: Prisma.IdentityWhereInput = {
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(filters.environment ? { environment: filters.environment } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.unowned ? { ownerUserId: null, ownerTeamId: null } : {}),
    ...(filters.q ? { OR: [{ name: { contains: filters.q, mode: "insensitive" } }, { system: { contains: filters.q, mode: "insensitive" } }] } : {}),
  };
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
            grants: { where: { status: { in: ["active", "issuing", "revoking", "revoke_failed", "irrevocable"] } } },
            exceptions: { where: { status: "accepted" } },
          },
        },
      },
    }),
  ]);
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
      activeGrants: r._count.grants,
      openExceptions: r._count.exceptions,
    })),
  };
}
