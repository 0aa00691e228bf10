"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { decideRequests } from "@/lib/requests/decide-request";
import { getRequestContext } from "@/lib/requests/get-request";
import { objectAction } from "@/lib/web/action";

export const decideRequestsAction = objectAction(
  z.strictObject({ requestIds: z.array(z.string().max(100)).min(1).max(500), decision: z.enum(["approve", "deny"]), comment: z.string().max(2000) }),
  (actor, input) => decideRequests({ actor, requestIds: input.requestIds, decision: input.decision, comment: input.comment }),
  { after: () => revalidatePath("/approvals") },
);

export const requestContextAction = objectAction(z.strictObject({ requestId: z.string().max(100) }), async (actor, { requestId }) => {
  const c = await getRequestContext({ actor, requestId });
  const r = c.request;
  return {
    id: r.id,
    riskTier: r.riskTier,
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
    decisionOptions: c.decisionOptions,
  };
});
