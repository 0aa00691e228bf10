import type { Db } from "../db";
import { appendAudit } from "../audit";
import { systemActor, type Actor, type RoleName } from "../authz";
import { decide } from "./engine";
import { getActivePolicies } from "./active-policies";
import { policyRequest } from "./evaluate-request";
import { wakeWorkers } from "../worker/wake";
import type { Identity } from "../generated/prisma/client";

// Continuous authorization: an active grant stays only while policy still allows its request.
// After a policy change (and every few minutes, for owner and status changes) each active grant's
// request is decided again against today's facts; a refusal revokes it with reason policy_drift.

export const RECHECK_EVERY_MS = 5 * 60_000;
let lastVersion: number | null = null;
let lastTrust = "";
let lastRun = 0;

type Recorded = { outcome?: string; context?: { attestationMethod?: string } } | null;

export async function reevaluateGrants({ db, now = new Date(), force = false }: { db: Db; now?: Date; force?: boolean }): Promise<number> {
  const { version, set } = await getActivePolicies(db);
  // Workload attestation holds while the identity is bound to an issuer we still trust.
  const trusted = new Set((await db.trustedWorkloadIssuer.findMany({ where: { enabled: true }, select: { issuer: true } })).map((t) => t.issuer));
  const trust = [...trusted].sort().join("\n");
  if (!force && version === lastVersion && trust === lastTrust && now.getTime() - lastRun < RECHECK_EVERY_MS) return 0;
  lastVersion = version;
  lastTrust = trust;
  lastRun = now.getTime();
  const attested = (i: Identity | undefined) => Boolean(i && i.status === "active" && i.workloadIssuer && i.workloadSubject && trusted.has(i.workloadIssuer));
  let revoked = 0;
  let cursor: string | undefined;
  for (;;) {
    const grants = await db.grant.findMany({
      where: { status: "active", requestId: { not: null }, breakGlass: false },
      orderBy: { id: "asc" },
      take: 500,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      include: { identity: true, entitlement: true, request: { include: { requesterUser: true } } },
    });
    if (grants.length === 0) break;
    cursor = grants[grants.length - 1].id;
    // Agents that asked on behalf of another identity: their own rows, for their attestation.
    const agentIds = [...new Set(grants.map((g) => g.request!.requesterIdentityId).filter((id): id is string => id !== null && !grants.some((x) => x.identityId === id)))];
    const agents = new Map((agentIds.length ? await db.identity.findMany({ where: { id: { in: agentIds } } }) : []).map((i) => [i.id, i]));
    for (const g of grants) {
      const r = g.request!;
      const recorded = r.decision as Recorded;
      const requesterIdentity = r.requesterIdentityId === g.identityId ? g.identity : r.requesterIdentityId ? (agents.get(r.requesterIdentityId) ?? grants.find((x) => x.identityId === r.requesterIdentityId)?.identity) : undefined;
      // A workload that proved itself with an OIDC token keeps that proof only while its issuer is trusted.
      const wasAttested = recorded?.context?.attestationMethod === "oidc";
      const withdrawn = wasAttested && !attested(requesterIdentity);
      const requester: Actor = r.requesterUser
        ? { type: "user", id: r.requesterUser.id, email: r.requesterUser.email, name: r.requesterUser.name, roles: r.requesterUser.roles as RoleName[] }
        : { type: "identity", id: r.requesterIdentityId ?? g.identityId, name: requesterIdentity?.name ?? g.identity.name, scopes: [] };
      const decision = decide(
        set,
        policyRequest({ identity: g.identity, entitlement: g.entitlement, actor: requester, durationSec: r.durationSec, breakGlass: false, refs: r, onBehalfOf: r.onBehalfOf, now, attestationMethod: wasAttested ? (withdrawn ? "none" : "oidc") : undefined }),
        version,
      );
      // Refused now; or approved without a person because of an attestation that is withdrawn.
      const lostAttestation = withdrawn && recorded?.outcome === "auto_approve" && decision.outcome !== "auto_approve";
      if (decision.outcome !== "deny" && !lostAttestation) continue;
      if (lostAttestation && decision.outcome !== "deny") {
        decision.reasons = [`The workload's attestation was withdrawn (its token issuer is no longer trusted); without it this grant needs approval`, ...decision.reasons];
      }
      await db.$transaction(async (tx) => {
        const n = await tx.grant.updateMany({
          where: { id: g.id, status: "active" },
          data: { status: "revoking", revokeReason: "policy_drift", revokeComment: decision.reasons.join("; "), revokeRequestedAt: now, nextAttemptAt: now, attempts: 0, credentialSealed: null },
        });
        if (n.count === 0) return;
        await appendAudit(tx, systemActor("worker"), {
          action: "grant.policy_drift",
          subjectType: "grant",
          subjectId: g.id,
          data: { policyVersion: version, policyIds: decision.policyIds, reasons: decision.reasons },
        });
        await wakeWorkers(tx, "grant.revoking");
        revoked++;
      });
    }
  }
  return revoked;
}

export function nextReevaluation(): Date {
  return new Date(lastRun + RECHECK_EVERY_MS);
}
