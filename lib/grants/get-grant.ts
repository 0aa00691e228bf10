import { z } from "zod";
import { getDb } from "../db";
import { can, type Actor } from "../authz";
import { notFound } from "../errors";
import { parseInput } from "../validation";
import { holdsGrant } from "../identities/ownership";
import { toHistory } from "../audit-log/history";

/** One grant with its history (every audit event about it, and about its request). */
export async function getGrant({ actor, grantId }: { actor: Actor; grantId: string }) {
  const id = parseInput(z.string().uuid("Unknown grant"), grantId);
  const db = getDb();
  const g = await db.grant.findUnique({
    where: { id },
    include: {
      identity: true,
      entitlement: true,
      issuer: { select: { name: true, type: true, lastHealthOk: true, lastHealthError: true } },
      request: { include: { requesterUser: { select: { id: true, name: true } }, approvals: { include: { approver: { select: { name: true } } } } } },
      exception: { select: { id: true, proposedById: true, status: true } },
    },
  });
  const mine = !!g && holdsGrant(actor, g);
  if (!g || (!mine && !can(actor, "grant:read_all"))) throw notFound("Grant");
  const subjects = [{ subjectType: "grant", subjectId: g.id }, ...(g.requestId ? [{ subjectType: "access_request", subjectId: g.requestId }] : [])];
  const history = await db.auditEvent.findMany({ where: { OR: subjects }, orderBy: { seq: "asc" }, take: 500 });
  const extensions = await db.accessRequest.findMany({ where: { extendsGrantId: g.id }, orderBy: { createdAt: "desc" } });
  return {
    ...g,
    mine,
    /** What the actor may do with it now: the rules revokeGrant, extendGrant and forceResolveGrant apply. */
    may: {
      revoke: ["active", "issuing"].includes(g.status) && (can(actor, "grant:revoke") || (mine && !g.exceptionId)),
      extend: mine && g.status === "active" && !g.exceptionId,
      forceResolve: can(actor, "grant:force_resolve") && ["revoke_failed", "irrevocable"].includes(g.status),
    },
    credentialWaiting: g.credentialSealed !== null,
    credentialSealed: undefined,
    extensionRequests: extensions.map((e) => ({ id: e.id, status: e.status, durationSec: e.durationSec, createdAt: e.createdAt.toISOString() })),
    history: await toHistory(db, history, { subjectType: "grant", subjectId: g.id }),
  };
}
