import type { Db } from "../db";
import { appendAudit } from "../audit";
import { systemActor, type Actor, type RoleName } from "../authz";
import { decide } from "./engine";
import { getActivePolicies } from "./active-policies";
import { policyRequest } from "./evaluate-request";
import { wakeWorkers } from "../worker/wake";

// Continuous authorization: an active grant stays only while policy still allows its request.
// After a policy change (and every few minutes, for owner and status changes) each active grant's
// request is decided again against today's facts; a refusal revokes it with reason policy_drift.

export const RECHECK_EVERY_MS = 5 * 60_000;
let lastVersion: number | null = null;
let lastRun = 0;

export async function reevaluateGrants({ db, now = new Date(), force = false }: { db: Db; now?: Date; force?: boolean }): Promise<number> {
  const { version, set } = await getActivePolicies(db);
  if (!force && version === lastVersion && now.getTime() - lastRun < RECHECK_EVERY_MS) return 0;
  lastVersion = version;
  lastRun = now.getTime();
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
    for (const g of grants) {
      const r = g.request!;
      const requester: Actor = r.requesterUser
        ? { type: "user", id: r.requesterUser.id, email: r.requesterUser.email, name: r.requesterUser.name, roles: r.requesterUser.roles as RoleName[] }
        : { type: "identity", id: r.requesterIdentityId ?? g.identityId, name: g.identity.name, scopes: [] };
      const decision = decide(
        set,
        policyRequest({ identity: g.identity, entitlement: g.entitlement, actor: requester, durationSec: r.durationSec, breakGlass: false, refs: r, onBehalfOf: r.onBehalfOf, now }),
        version,
      );
      if (decision.outcome !== "deny") continue;
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
