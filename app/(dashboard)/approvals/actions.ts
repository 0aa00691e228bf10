"use server";

import { revalidatePath } from "next/cache";
import { decideRequests, type BulkResult } from "@/lib/requests/decide-request";
import { getRequestContext } from "@/lib/requests/get-request";
import { runAction, type ActionResult } from "@/lib/web/action";

export async function decideRequestsAction(input: { requestIds: string[]; decision: "approve" | "deny"; comment: string }): Promise<ActionResult<BulkResult[]>> {
  const result = await runAction((actor) => decideRequests({ actor, requestIds: input.requestIds, decision: input.decision, comment: input.comment }));
  revalidatePath("/approvals");
  return result;
}

export async function requestContextAction(requestId: string) {
  return runAction(async (actor) => {
    const c = await getRequestContext({ actor, requestId });
    const r = c.request;
    return {
      id: r.id,
      identity: { name: r.identity.name, kind: r.identity.kind, environment: r.identity.environment, system: r.identity.system, criticality: r.identity.criticality },
      owner: r.identity.ownerUser?.name ?? (r.identity.ownerTeam ? `team ${r.identity.ownerTeam.name}` : null),
      entitlement: r.entitlement.name,
      issuer: r.entitlement.issuer.name,
      requester: r.requesterUser?.name ?? "a workload",
      justification: r.justification,
      refs: { ticket: r.ticketRef, incident: r.incidentRef, change: r.changeRef },
      decision: r.decision as { reasons?: string[] } | null,
      approvals: r.approvals.map((a) => ({ name: a.approver.name, decision: a.decision, comment: a.comment, asSecurity: a.asSecurity })),
      approvalsRequired: r.approvalsRequired,
      securityApprovalRequired: r.securityApprovalRequired,
      recentGrants: c.recentGrants,
      openExceptions: c.openExceptions,
    };
  });
}
