import { z } from "zod";
import { getDb, type Tx } from "../db";
import { databaseNow } from "../grants/lease";
import { assertCan, type Actor } from "../authz";
import { appendAuditMany, type AuditInput } from "../audit";
import { AppError, forbidden, notFound } from "../errors";
import { parseInput } from "../validation";
import { enqueueNotification } from "../notifications/enqueue";
import { wakeWorkers } from "../worker/wake";
import { applyExtension } from "../grants/apply-extension";
import { decisionRefusal } from "./decision-options";

const input = z.object({
  requestId: z.string().uuid("Unknown request"),
  decision: z.enum(["approve", "deny"]),
  comment: z.string().trim().max(2000).default(""),
});

export type DecisionResult = { requestId: string; status: "pending" | "approved" | "denied"; approvals: number; approvalsRequired: number; grantId: string | null };

/**
 * One approver's decision. The request row is locked for the decision, so concurrent approvals
 * are counted one at a time and the quorum creates exactly one grant.
 */
export async function decideRequest({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<DecisionResult> {
  assertCan(actor, "request:approve");
  if (actor.type !== "user") throw forbidden("Only people approve requests");
  const { requestId, decision, comment } = parseInput(input, raw);
  return getDb().$transaction((tx) => decideInTx(tx, actor, requestId, decision, comment));
}

async function decideInTx(tx: Tx, actor: Actor & { type: "user" }, requestId: string, decision: "approve" | "deny", comment: string): Promise<DecisionResult> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "AccessRequest" WHERE id = ${requestId}::uuid FOR UPDATE`;
  if (locked.length === 0) throw notFound("Request");
  const request = await tx.accessRequest.findUniqueOrThrow({
    where: { id: requestId },
    include: { approvals: true, identity: true, entitlement: true, grant: { select: { id: true } } },
  });
  // The grant an extension moves is locked now, before the audit chain (appended last).
  if (request.extendsGrantId) await tx.$queryRaw`SELECT id FROM "Grant" WHERE id = ${request.extendsGrantId}::uuid FOR UPDATE`;
  const now = await databaseNow(tx);
  const refusal = await decisionRefusal(tx, actor, request, now, decision);
  if (refusal) throw new AppError(refusal.code, refusal.message);

  const isSecurity = actor.roles.includes("security");
  const approvalsSoFar = request.approvals.filter((a) => a.decision === "approve");

  await tx.approval.create({
    data: { requestId, approverId: actor.id, decision, comment, asSecurity: decision === "approve" && isSecurity },
  });
  const events: AuditInput[] = [
    {
      action: decision === "approve" ? "request.approval_given" : "request.denied",
      subjectType: "access_request",
      subjectId: requestId,
      data: { comment, asSecurity: isSecurity },
    },
  ];

  if (decision === "deny") {
    await tx.accessRequest.update({ where: { id: requestId }, data: { status: "denied", decidedAt: now } });
    await enqueueNotification(tx, {
      event: "request.decided",
      title: `Denied: ${request.entitlement.name} for ${request.identity.name}`,
      lines: [`By ${actor.name}${comment ? `: ${comment}` : ""}`],
      link: `/requests/${requestId}`,
    });
    await appendAuditMany(tx, actor, events);
    return { requestId, status: "denied", approvals: approvalsSoFar.length, approvalsRequired: request.approvalsRequired, grantId: null };
  }

  const approvals = approvalsSoFar.length + 1;
  const securityOk = !request.securityApprovalRequired || isSecurity || approvalsSoFar.some((a) => a.asSecurity);
  if (approvals < request.approvalsRequired || !securityOk) {
    await appendAuditMany(tx, actor, events);
    return { requestId, status: "pending", approvals, approvalsRequired: request.approvalsRequired, grantId: null };
  }

  await tx.accessRequest.update({ where: { id: requestId }, data: { status: "approved", decidedAt: now } });
  let grantId: string | null = null;
  if (request.extendsGrantId) {
    events.push((await applyExtension(tx, request.extendsGrantId, request.durationSec, requestId, now)).event);
    grantId = request.extendsGrantId;
  } else {
    const grant = await tx.grant.create({
      data: {
        requestId,
        identityId: request.identityId,
        entitlementId: request.entitlementId,
        issuerId: request.entitlement.issuerId,
        status: "issuing",
        breakGlass: request.breakGlass,
        expiresAt: new Date(now.getTime() + request.durationSec * 1000),
      },
    });
    grantId = grant.id;
    await wakeWorkers(tx, "grant.issuing");
  }
  events.push({ action: "request.approved", subjectType: "access_request", subjectId: requestId, data: { approvals, grantId, extension: !!request.extendsGrantId } });
  await enqueueNotification(tx, {
    event: "request.decided",
    title: `Approved: ${request.entitlement.name} for ${request.identity.name}`,
    lines: [`Final approval by ${actor.name}${comment ? `: ${comment}` : ""}`],
    link: `/requests/${requestId}`,
  });
  await appendAuditMany(tx, actor, events);
  return { requestId, status: "approved", approvals, approvalsRequired: request.approvalsRequired, grantId };
}

export type BulkResult = { requestId: string; ok: boolean; status?: string; error?: string };

/** Bulk approve or deny: each request is decided on its own, so one refusal does not stop the rest. */
export async function decideRequests({ actor, requestIds, decision, comment }: { actor: Actor; requestIds: string[]; decision: "approve" | "deny"; comment?: string }): Promise<BulkResult[]> {
  assertCan(actor, "request:approve");
  const ids = parseInput(z.array(z.string().uuid()).min(1, "Select at least one request").max(200, "At most 200 at once"), requestIds);
  const results: BulkResult[] = [];
  for (const requestId of ids) {
    try {
      const r = await decideRequest({ actor, requestId, decision, comment });
      results.push({ requestId, ok: true, status: r.status });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      results.push({ requestId, ok: false, error: e.message });
    }
  }
  return results;
}
