import { z } from "zod";
import { getDb } from "../db";
import { can, type Actor } from "../authz";
import { notFound } from "../errors";
import { parseInput } from "../validation";
import { breakGlassReviewConflict, isRequester } from "../identities/ownership";
import { getDecisionOptions } from "./decision-options";
import { toHistory } from "../audit-log/history";

export type RequestDetail = Awaited<ReturnType<typeof getRequest>>;

/** One request with its approvals, grant and history; visible to its requester and to those who read all requests. */
export async function getRequest({ actor, requestId, withHistory = false }: { actor: Actor; requestId: string; /** The audit events too (pages; the machine API polls without them). */ withHistory?: boolean }) {
  const id = parseInput(z.string().uuid("Unknown request"), requestId);
  const db = getDb();
  const r = await db.accessRequest.findUnique({
    where: { id },
    include: {
      identity: { include: { ownerUser: { select: { id: true, name: true, email: true } }, ownerTeam: { select: { name: true } } } },
      entitlement: { include: { issuer: { select: { name: true, type: true } } } },
      requesterUser: { select: { id: true, name: true, email: true } },
      approvals: { include: { approver: { select: { name: true, email: true } } }, orderBy: { createdAt: "asc" } },
      grant: true,
      review: true,
    },
  });
  const mine = !!r && isRequester(actor, r);
  if (!r || (!mine && !can(actor, "request:read_all"))) throw notFound("Request");
  // Whether the actor may close the after-action review, and if not, why: the rule the review itself applies.
  const reviewRefusal =
    r.review?.status === "open" ? (can(actor, "break_glass:review") ? await breakGlassReviewConflict(db, actor, r) : "Security reviews every break-glass use") : null;
  const subjects = [{ subjectType: "access_request", subjectId: r.id }, ...(r.grant ? [{ subjectType: "grant", subjectId: r.grant.id }] : [])];
  const history = withHistory ? await toHistory(db, await db.auditEvent.findMany({ where: { OR: subjects }, orderBy: { seq: "asc" }, take: 500 }), { subjectType: "access_request", subjectId: r.id }) : [];
  return { ...r, mine, mayReview: r.review?.status === "open" && reviewRefusal === null, reviewRefusal, history };
}

/** What an approver wants beside a request: who owns the identity, its recent grants, its standing exceptions. */
export async function getRequestContext({ actor, requestId }: { actor: Actor; requestId: string }) {
  const r = await getRequest({ actor, requestId });
  const db = getDb();
  const [recentGrants, openExceptions, decisionOptions] = await Promise.all([
    db.grant.findMany({
      where: { identityId: r.identityId },
      orderBy: { createdAt: "desc" },
      take: 5,
      include: { entitlement: { select: { name: true } } },
    }),
    db.exception.findMany({ where: { identityId: r.identityId, status: "accepted" }, include: { entitlement: { select: { name: true } } } }),
    getDecisionOptions({ actor, requestId: r.id }),
  ]);
  return {
    request: r,
    decisionOptions,
    recentGrants: recentGrants.map((g) => ({ id: g.id, entitlement: g.entitlement.name, status: g.status, issuedAt: g.issuedAt?.toISOString() ?? null, expiresAt: g.expiresAt.toISOString(), revokeReason: g.revokeReason })),
    openExceptions: openExceptions.map((e) => ({ id: e.id, entitlement: e.entitlement.name, expiresAt: e.expiresAt?.toISOString() ?? null, riskRating: e.riskRating })),
  };
}
