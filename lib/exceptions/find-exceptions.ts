import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { sortBy, type ListParams, type Page } from "../listing";
import type { ExceptionStatus, Prisma, RiskTier } from "../generated/prisma/client";

export const exceptionSortable = ["expiresAt", "createdAt", "riskRating", "status"] as const;
export type ExceptionSort = (typeof exceptionSortable)[number];

export type ExceptionRow = {
  id: string;
  status: ExceptionStatus;
  identity: string;
  entitlement: string;
  riskRating: RiskTier;
  justification: string;
  proposedBy: string;
  acceptedBy: string | null;
  requestedEndAt: string;
  expiresAt: string | null;
  createdAt: string;
};

export async function findExceptions({
  actor,
  params,
  filters = {},
}: {
  actor: Actor;
  params: ListParams<ExceptionSort>;
  filters?: { status?: ExceptionStatus };
}): Promise<Page<ExceptionRow>> {
  assertCan(actor, "exception:read");
  const db = getDb();
  const where: Prisma.ExceptionWhereInput = filters.status ? { status: filters.status } : {};
  const [total, rows] = await Promise.all([
    db.exception.count({ where }),
    db.exception.findMany({
      where,
      orderBy: [sortBy(params.sort, params.dir, ["expiresAt"]), { id: "asc" }] as Prisma.ExceptionOrderByWithRelationInput[],
      skip: (params.page - 1) * params.size,
      take: params.size,
      include: {
        identity: { select: { name: true } },
        entitlement: { select: { name: true } },
        proposedBy: { select: { name: true } },
        acceptedBy: { select: { name: true } },
      },
    }),
  ]);
  return {
    total,
    page: params.page,
    size: params.size,
    rows: rows.map((e) => ({
      id: e.id,
      status: e.status,
      identity: e.identity.name,
      entitlement: e.entitlement.name,
      riskRating: e.riskRating,
      justification: e.justification,
      proposedBy: e.proposedBy.name,
      acceptedBy: e.acceptedBy?.name ?? null,
      requestedEndAt: e.requestedEndAt.toISOString(),
      expiresAt: e.expiresAt?.toISOString() ?? null,
      createdAt: e.createdAt.toISOString(),
    })),
  };
}
