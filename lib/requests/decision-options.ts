import { z } from "zod";
import { getDb, type Tx } from "../db";
import { databaseNow } from "../grants/lease";
import { can, type Actor } from "../authz";
import { parseInput } from "../validation";
import { requestDecisionConflict } from "../identities/ownership";
import { entitlementUnavailable } from "../entitlements/availability";

type DecidableRequest = {
  status: string;
  entitlementId: string;
  expiresAt: Date;
  securityApprovalRequired: boolean;
  approvalsRequired: number;
  approvals: { approverId: string; decision: string; asSecurity: boolean }[];
  requesterUserId: string | null;
  requesterIdentityId: string | null;
  onBehalfOf: string[];
  identity: { ownerUserId: string | null; ownerTeamId: string | null };
};

export type DecisionRefusal = { code: "forbidden" | "invalid_state"; message: string };

/**
 * Why this actor may not take this decision on this request, or null: the one list of rules that
 * decideRequest enforces and the screens ask before they offer Approve / Deny.
 */
export async function decisionRefusal(tx: Tx, actor: Actor, request: DecidableRequest, now: Date, decision: "approve" | "deny"): Promise<DecisionRefusal | null> {
  if (!can(actor, "request:approve")) return { code: "forbidden", message: "You do not approve requests" };
  if (actor.type !== "user") return { code: "forbidden", message: "Only people approve requests" };
  if (request.status !== "pending") return { code: "invalid_state", message: `This request is already ${request.status}` };
  if (request.expiresAt <= now) return { code: "invalid_state", message: "This request has expired" };
  // Separation of duties: nobody decides on a request they made, or for what they or their team own.
  const conflict = await requestDecisionConflict(tx, actor, request);
  if (conflict) return { code: "forbidden", message: conflict };
  if (request.approvals.some((a) => a.approverId === actor.id)) return { code: "invalid_state", message: "You have already decided on this request" };
  if (decision === "approve" && request.securityApprovalRequired && !actor.roles.includes("security")) {
    const approvalsSoFar = request.approvals.filter((a) => a.decision === "approve");
    const securityHas = approvalsSoFar.some((a) => a.asSecurity);
    const slotsLeft = request.approvalsRequired - approvalsSoFar.length;
    if (!securityHas && slotsLeft <= 1) return { code: "forbidden", message: "The last approval of this request must come from security" };
  }
  if (decision === "approve") {
    const off = await entitlementUnavailable(tx, request.entitlementId);
    if (off) return { code: "invalid_state", message: off };
  }
  return null;
}

export type DecisionOptions = { approve: string | null; deny: string | null };

/**
 * What the actor may decide on a request right now: for each decision, null or why not. Null as a
 * whole when there is nothing to offer this actor (they do not approve, or the request is closed).
 */
export async function getDecisionOptions({ actor, requestId }: { actor: Actor; requestId: string }): Promise<DecisionOptions | null> {
  if (actor.type !== "user" || !can(actor, "request:approve")) return null;
  const id = parseInput(z.string().uuid("Unknown request"), requestId);
  const db = getDb();
  const request = await db.accessRequest.findUnique({ where: { id }, include: { approvals: true, identity: true } });
  if (!request || request.status !== "pending") return null;
  const now = await databaseNow(db);
  const [approve, deny] = await Promise.all([decisionRefusal(db, actor, request, now, "approve"), decisionRefusal(db, actor, request, now, "deny")]);
  return { approve: approve?.message ?? null, deny: deny?.message ?? null };
}
