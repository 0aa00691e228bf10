import { z } from "zod";
import { getDb } from "../db";
import { can, type Actor } from "../authz";
import { isAppError, notFound } from "../errors";
import { parseInput } from "../validation";
import { exceptionReviewConflict, proposedException } from "../identities/ownership";
import { assertProposalRules, mayProposeFor } from "./proposal-rules";
import { maxExceptionDays, nextReviewAt } from "./limits";
import { renewableStatuses } from "./renew-exception";
import { toHistory } from "../audit-log/history";

/**
 * One exception with its standing grant, the exceptions it renews or was renewed by, its history
 * (every audit event about it and its grant), and what the actor may do with it now.
 */
export async function getException({ actor, exceptionId }: { actor: Actor; exceptionId: string }) {
  const id = parseInput(z.string({ error: "Unknown exception" }).uuid("Unknown exception"), exceptionId);
  const db = getDb();
  const user = { select: { id: true, name: true, email: true } };
  const e = await db.exception.findUnique({
    where: { id },
    include: {
      identity: { include: { ownerUser: { select: { name: true } }, ownerTeam: { select: { name: true } } } },
      entitlement: { include: { issuer: { select: { name: true, type: true } } } },
      proposedBy: user,
      acceptedBy: user,
      reviewedBy: user,
      revokedBy: user,
      renewalOf: { select: { id: true, status: true, expiresAt: true, requestedEndAt: true } },
      renewals: { select: { id: true, status: true, createdAt: true, requestedEndAt: true }, orderBy: { createdAt: "desc" } },
      grant: {
        select: { id: true, status: true, issuedAt: true, expiresAt: true, revokedAt: true, revokeReason: true, lastError: true, attempts: true, nextAttemptAt: true, issuerRef: true, credentialSealed: true },
      },
    },
  });
  const mine = !!e && proposedException(actor, e);
  if (!e || (!mine && !can(actor, "exception:read"))) throw notFound("Exception");

  const subjects = [{ subjectType: "exception", subjectId: e.id }, ...(e.grant ? [{ subjectType: "grant", subjectId: e.grant.id }] : [])];
  const [history, mayPropose, other] = await Promise.all([
    db.auditEvent.findMany({ where: { OR: subjects }, orderBy: { seq: "asc" }, take: 500 }),
    can(actor, "exception:propose") ? mayProposeFor(db, actor, e.identity) : Promise.resolve(false),
    db.exception.findFirst({
      where: { identityId: e.identityId, entitlementId: e.entitlementId, id: { not: e.id }, status: { in: ["proposed", "changes_requested", "accepted"] } },
      select: { id: true, status: true },
    }),
  ]);

  const now = new Date();
  // Why accepting would be refused today, so the reviewer sees it before deciding.
  let ruleProblem: string | null = null;
  if (e.status === "proposed") {
    try {
      assertProposalRules({ identity: e.identity, entitlement: e.entitlement, riskRating: e.riskRating, requestedEndAt: e.requestedEndAt, now });
    } catch (err) {
      if (!isAppError(err)) throw err;
      ruleProblem = err.message;
    }
  }
  const reviewer = can(actor, "exception:review") && (await exceptionReviewConflict(db, actor, e)) === null;
  // Whether a credential waits for its one delivery; the sealed value itself never leaves lib/.
  const grant = e.grant ? { ...e.grant, credentialSealed: undefined, credentialWaiting: e.grant.credentialSealed !== null } : null;
  return {
    ...e,
    grant,
    mine,
    maxDays: maxExceptionDays[e.riskRating],
    ruleProblem,
    /** Another open exception for the same identity and entitlement (a renewal under review, or a newer accepted one). */
    other,
    overdue: e.status === "accepted" && !!e.expiresAt && e.expiresAt <= now,
    nextReviewAt: e.status === "accepted" && e.acceptedAt && e.expiresAt ? nextReviewAt(e.acceptedAt, e.reviewCadenceDays, e.expiresAt, now) : null,
    may: {
      accept: reviewer && e.status === "proposed",
      requestChanges: reviewer && e.status === "proposed",
      reject: reviewer && (e.status === "proposed" || e.status === "changes_requested"),
      resubmit: mine && e.status === "changes_requested" && can(actor, "exception:propose"),
      revoke:
        e.status === "accepted" && !e.revokeRequestedAt && e.grant?.status !== "revoked" && (can(actor, "exception:review") || (mine && can(actor, "exception:propose"))),
      renew: mayPropose && (renewableStatuses as readonly string[]).includes(e.status) && !other,
      seeGrant: !!e.grant && can(actor, "grant:read_all"),
    },
    history: await toHistory(db, history, { subjectType: "exception", subjectId: e.id }),
  };
}

export type ExceptionDetail = Awaited<ReturnType<typeof getException>>;
