import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { sortBy, type ListParams, type Page } from "../listing";
import type { ExceptionStatus, GrantStatus, Prisma, RiskTier } from "../generated/prisma/client";
import { EXPIRING_SOON_DAYS } from "./limits";
import { proposedExceptions } from "../identities/ownership";

export const exceptionSortable = ["expiresAt", "createdAt", "riskRating", "status"] as const;
export type ExceptionSort = (typeof exceptionSortable)[number];

/**
 * Named views of the list. queue: proposals waiting for security; expiring: accepted and ending
 * within EXPIRING_SOON_DAYS; overdue: accepted, past the end, not yet closed (empty while the
 * worker is healthy); mine: proposed by the actor.
 */
export const exceptionViews = ["queue", "expiring", "overdue", "mine", "all"] as const;
export type ExceptionView = (typeof exceptionViews)[number];

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
  renewal: boolean;
  grantStatus: GrantStatus | null;
  grantError: string | null;
};

export function exceptionViewWhere(actor: Actor, view: ExceptionView, now = new Date()): Prisma.ExceptionWhereInput {
  switch (view) {
    case "queue":
      return { status: "proposed" };
    case "expiring":
      return { status: "accepted", expiresAt: { gt: now, lte: new Date(now.getTime() + EXPIRING_SOON_DAYS * 86_400_000) } };
    case "overdue":
      return { status: "accepted", expiresAt: { lte: now } };
    case "mine":
      return proposedExceptions(actor);
    case "all":
      return {};
  }
}

export async function findExceptions({
  actor,
  params,
  filters = {},
}: {
  actor: Actor;
  params: ListParams<ExceptionSort>;
  filters?: { status?: ExceptionStatus; view?: ExceptionView };
}): Promise<Page<ExceptionRow>> {
  assertCan(actor, "exception:read");
  const db = getDb();
  const where: Prisma.ExceptionWhereInput = { AND: [exceptionViewWhere(actor, filters.view ?? "all"), filters.status ? { status: filters.status } : {}] };
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
        grant: { select: { status: true, lastError: true } },
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
      renewal: e.renewalOfId !== null,
      grantStatus: e.grant?.status ?? null,
      grantError: e.grant?.lastError ?? null,
    })),
  };
}
