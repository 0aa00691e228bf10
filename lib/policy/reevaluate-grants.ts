import type { Db } from "../db";
import { appendAudit } from "../audit";
import { systemActor, type Actor, type RoleName } from "../authz";
import { decide, type PolicyRequest } from "./engine";
import type { Decision } from "./decision";
import { getActivePolicies } from "./active-policies";
import { policyRequest } from "./evaluate-request";
import { wakeWorkers } from "../worker/wake";
import type { Entitlement, Identity, User } from "../generated/prisma/client";

// Continuous authorization: an active grant stays only while policy still allows its request.
// After a policy change (and every few minutes, for owner and status changes) each active grant's
// request is decided again against today's facts; a refusal revokes it with reason policy_drift.

export const RECHECK_EVERY_MS = 5 * 60_000;
/** Grants read per query, and re-checked between two yields to the event loop. */
const BATCH = 500;
const YIELD_EVERY = 25;
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
  // Many grants ask the same question (a CI job's grants differ only in their ids): each distinct
  // Cedar request is decided once per run. decide() is a pure function of the set and the request.
  const decided = new Map<string, Decision>();
  const decideOnce = (req: PolicyRequest) => {
    const key = JSON.stringify(req);
    let d = decided.get(key);
    if (!d) decided.set(key, (d = decide(set, req, version)));
    return d;
  };
  let sinceYield = 0;
  // Identities, entitlements and requesting users, read once per run (grants share them).
  const identities = new Map<string, Identity>();
  const entitlements = new Map<string, Entitlement>();
  const users = new Map<string, User>();
  const load = async <T extends { id: string }>(cache: Map<string, T>, ids: (string | null)[], read: (ids: string[]) => Promise<T[]>) => {
    const missing = [...new Set(ids.filter((id): id is string => id !== null && !cache.has(id)))];
    if (missing.length) for (const row of await read(missing)) cache.set(row.id, row);
  };
  for (;;) {
    const grants = await db.grant.findMany({
      where: { status: "active", requestId: { not: null }, breakGlass: false },
      orderBy: { id: "asc" },
      take: BATCH,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: {
        id: true,
        identityId: true,
        entitlementId: true,
        request: { select: { durationSec: true, ticketRef: true, incidentRef: true, changeRef: true, jobRef: true, onBehalfOf: true, decision: true, requesterIdentityId: true, requesterUserId: true } },
      },
    });
    if (grants.length === 0) break;
    cursor = grants[grants.length - 1].id;
    // The identities include agents that asked on behalf of another identity, for their attestation.
    await load(identities, grants.flatMap((g) => [g.identityId, g.request!.requesterIdentityId]), (ids) => db.identity.findMany({ where: { id: { in: ids } } }));
    await load(entitlements, grants.map((g) => g.entitlementId), (ids) => db.entitlement.findMany({ where: { id: { in: ids } } }));
    await load(users, grants.map((g) => g.request!.requesterUserId), (ids) => db.user.findMany({ where: { id: { in: ids } } }));
    for (const g of grants) {
      // The server answers requests between slices: a re-check of every grant must not stall the API.
      if (++sinceYield >= YIELD_EVERY) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const identity = identities.get(g.identityId)!;
      const entitlement = entitlements.get(g.entitlementId)!;
      const r = g.request!;
      const recorded = r.decision as Recorded;
      const requesterIdentity = r.requesterIdentityId ? identities.get(r.requesterIdentityId) : undefined;
      const requesterUser = r.requesterUserId ? users.get(r.requesterUserId) : undefined;
      // A workload that proved itself with an OIDC token keeps that proof only while its issuer is trusted.
      const wasAttested = recorded?.context?.attestationMethod === "oidc";
      const withdrawn = wasAttested && !attested(requesterIdentity);
      const requester: Actor = requesterUser
        ? { type: "user", id: requesterUser.id, email: requesterUser.email, name: requesterUser.name, roles: requesterUser.roles as RoleName[] }
        : { type: "identity", id: r.requesterIdentityId ?? g.identityId, name: requesterIdentity?.name ?? identity.name, scopes: [] };
      const decidedNow = decideOnce(
        policyRequest({ identity, entitlement, actor: requester, durationSec: r.durationSec, breakGlass: false, refs: r, onBehalfOf: r.onBehalfOf, now, attestationMethod: wasAttested ? (withdrawn ? "none" : "oidc") : undefined }),
      );
      // Refused now; or approved without a person because of an attestation that is withdrawn.
      const lostAttestation = withdrawn && recorded?.outcome === "auto_approve" && decidedNow.outcome !== "auto_approve";
      if (decidedNow.outcome !== "deny" && !lostAttestation) continue;
      const decision =
        lostAttestation && decidedNow.outcome !== "deny"
          ? { ...decidedNow, reasons: [`The workload's attestation was withdrawn (its token issuer is no longer trusted); without it this grant needs approval`, ...decidedNow.reasons] }
          : decidedNow;
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
