import { z } from "zod";
import { getDb } from "../db";
import { assertCan, can, type Actor } from "../authz";
import { operatesIdentity } from "./ownership";
import { notFound } from "../errors";
import { parseInput } from "../validation";
import { UNATTESTED_AFTER_DAYS, unattestedSince } from "./find-identities";
import { loadDriftAttachments } from "./drift-attachments";
import { toHistory } from "../audit-log/history";

const RECENT_GRANTS = 50;
const AUDIT_EVENTS = 300;

type Named = { id: string; name: string };

const delegationTerms = (d: { entitlementIds: string[]; endsAt: Date; withdrawnAt: Date | null }) => ({
  entitlements: d.entitlementIds.length,
  endsAt: d.endsAt.toISOString(),
  active: d.withdrawnAt === null && d.endsAt > new Date(),
});

/** The events about the identity and about its recent requests and grants, newest first. */
async function identityAudit(db: ReturnType<typeof getDb>, id: string) {
  const [requests, grants] = await Promise.all([
    db.accessRequest.findMany({ where: { identityId: id }, orderBy: { createdAt: "desc" }, take: RECENT_GRANTS, select: { id: true } }),
    db.grant.findMany({ where: { identityId: id }, orderBy: { createdAt: "desc" }, take: RECENT_GRANTS, select: { id: true } }),
  ]);
  return db.auditEvent.findMany({
    where: {
      OR: [
        { subjectType: "identity", subjectId: id },
        ...(requests.length ? [{ subjectType: "access_request", subjectId: { in: requests.map((r) => r.id) } }] : []),
        ...(grants.length ? [{ subjectType: "grant", subjectId: { in: grants.map((g) => g.id) } }] : []),
      ],
    },
    orderBy: { seq: "desc" },
    take: AUDIT_EVENTS,
  });
}

export type IdentityDetail = Awaited<ReturnType<typeof getIdentity>>;

/**
 * One identity with everything the inventory knows about it: owner and the history of owners,
 * workload binding, recent grants, exceptions, attestations, drift attached to it, and the audit trail.
 */
export async function getIdentity({ actor, identityId }: { actor: Actor; identityId: string }) {
  const id = parseInput(z.string().uuid("Unknown identity"), identityId);
  const itself = actor.type === "identity" && actor.id === id;
  if (!itself) assertCan(actor, "identity:read");
  const db = getDb();
  const identity = await db.identity.findUnique({
    where: { id },
    include: {
      ownerUser: { select: { id: true, name: true, email: true } },
      ownerTeam: { select: { id: true, name: true } },
      ownerChanges: { orderBy: { createdAt: "desc" } },
      delegatesFor: { include: { principal: { select: { id: true, name: true } } } },
      delegatedBy: { include: { agent: { select: { id: true, name: true } } } },
      _count: { select: { grants: true, apiTokens: { where: { revokedAt: null } } } },
    },
  });
  if (!identity) throw notFound("Identity");

  // identity:read opens the identity itself; each part beside it needs its own permission, or
  // that the reader owns (or is) the identity. A part the reader may not see is left out.
  const owns = itself || (await operatesIdentity(db, actor, identity));
  const see = {
    grants: owns || can(actor, "grant:read_all"),
    exceptions: owns || can(actor, "exception:read"),
    attestations: owns || can(actor, "attestation:manage"),
    audit: can(actor, "audit:read"),
  };
  const none = Promise.resolve(null);
  const [grants, exceptions, attestations, audit] = await Promise.all([
    !see.grants ? none : db.grant.findMany({
      where: { identityId: id },
      orderBy: { createdAt: "desc" },
      take: RECENT_GRANTS,
      include: { entitlement: { select: { id: true, name: true } }, issuer: { select: { name: true, type: true } } },
    }),
    !see.exceptions ? none : db.exception.findMany({
      where: { identityId: id },
      orderBy: { createdAt: "desc" },
      include: { entitlement: { select: { id: true, name: true } }, proposedBy: { select: { name: true } }, acceptedBy: { select: { name: true } } },
    }),
    !see.attestations ? none : db.attestation.findMany({
      where: { identityId: id },
      orderBy: { createdAt: "desc" },
      include: { campaign: { select: { id: true, name: true, dueAt: true, status: true } }, attestedBy: { select: { name: true } } },
    }),
    !see.audit ? none : identityAudit(db, id),
  ]);

  // Owner history stores ids; resolve them to names in two queries.
  const userIds = new Set<string>();
  const teamIds = new Set<string>();
  for (const c of identity.ownerChanges) {
    [c.fromUserId, c.toUserId, c.changedById].forEach((u) => u && userIds.add(u));
    [c.fromTeamId, c.toTeamId].forEach((t) => t && teamIds.add(t));
  }
  const [users, teams] = await Promise.all([
    userIds.size ? db.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, name: true } }) : Promise.resolve([] as Named[]),
    teamIds.size ? db.team.findMany({ where: { id: { in: [...teamIds] } }, select: { id: true, name: true } }) : Promise.resolve([] as Named[]),
  ]);
  const userName = new Map(users.map((u) => [u.id, u.name]));
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  const ownerLabel = (userId: string | null, teamId: string | null) =>
    userId ? (userName.get(userId) ?? "a removed user") : teamId ? `team ${teamName.get(teamId) ?? "(removed)"}` : null;

  // What an owner can do from here (each domain function checks again when it runs).
  const live = identity.status !== "decommissioned";
  const operates = !itself && owns;
  const openAttestation =
    operates && can(actor, "attestation:attest")
      ? await db.attestation.findFirst({ where: { identityId: id, decision: null, campaign: { status: "open" } }, orderBy: { createdAt: "asc" }, include: { campaign: { select: { id: true, name: true, dueAt: true } } } })
      : null;

  const attached = [...(await loadDriftAttachments(db)).values()]
    .filter((a) => a.identityId === id)
    .map((a) => ({ issuerId: a.issuerId, issuer: a.issuer, principal: a.principal, at: a.at.toISOString() }));

  return {
    id: identity.id,
    name: identity.name,
    kind: identity.kind,
    environment: identity.environment,
    system: identity.system,
    criticality: identity.criticality,
    description: identity.description,
    status: identity.status,
    createdAt: identity.createdAt.toISOString(),
    updatedAt: identity.updatedAt.toISOString(),
    lastAttestedAt: identity.lastAttestedAt?.toISOString() ?? null,
    attestationOverdue: !identity.lastAttestedAt || identity.lastAttestedAt < unattestedSince(),
    attestationWindowDays: UNATTESTED_AFTER_DAYS,
    owner: identity.ownerUser
      ? { type: "user" as const, id: identity.ownerUser.id, name: identity.ownerUser.name, email: identity.ownerUser.email }
      : identity.ownerTeam
        ? { type: "team" as const, id: identity.ownerTeam.id, name: identity.ownerTeam.name }
        : null,
    ownerHistory: identity.ownerChanges.map((c) => ({
      id: c.id,
      at: c.createdAt.toISOString(),
      from: ownerLabel(c.fromUserId, c.fromTeamId),
      to: ownerLabel(c.toUserId, c.toTeamId),
      by: c.changedById ? (userName.get(c.changedById) ?? "a removed user") : "system",
      reason: c.reason,
    })),
    workload: { issuer: identity.workloadIssuer, subject: identity.workloadSubject, spiffeId: identity.spiffeId },
    delegation: {
      actsFor: identity.delegatesFor.map((d) => ({ ...d.principal, ...delegationTerms(d) })),
      actedForBy: identity.delegatedBy.map((d) => ({ ...d.agent, ...delegationTerms(d) })),
    },
    activeApiTokens: identity._count.apiTokens,
    /** Whether the reader owns it, directly or through a team. */
    owns: operates,
    may: {
      requestAccess: operates && live && identity.status === "active" && can(actor, "request:create"),
      proposeException: operates && identity.status === "active" && can(actor, "exception:propose"),
      transfer: live && (operates || can(actor, "identity:write")),
    },
    /** The reader's unanswered attestation of it in an open campaign, if any. */
    openAttestation: openAttestation ? { id: openAttestation.id, campaignId: openAttestation.campaign.id, campaign: openAttestation.campaign.name, dueAt: openAttestation.campaign.dueAt.toISOString() } : null,
    /** Whether the reader may let agents act for this identity, or withdraw that (an admin or its owner). */
    mayManageDelegations: owns || can(actor, "identity:write"),
    grantCount: see.grants ? identity._count.grants : undefined,
    grants: grants?.map((g) => ({
      id: g.id,
      status: g.status,
      entitlement: g.entitlement.name,
      issuer: g.issuer.name,
      standing: g.exceptionId !== null,
      breakGlass: g.breakGlass,
      issuedAt: g.issuedAt?.toISOString() ?? null,
      expiresAt: g.expiresAt.toISOString(),
      revokedAt: g.revokedAt?.toISOString() ?? null,
      revokeReason: g.revokeReason,
      lastError: g.lastError,
    })),
    exceptions: exceptions?.map((e) => ({
      id: e.id,
      status: e.status,
      entitlement: e.entitlement.name,
      riskRating: e.riskRating,
      justification: e.justification,
      proposedBy: e.proposedBy.name,
      acceptedBy: e.acceptedBy?.name ?? null,
      requestedEndAt: e.requestedEndAt.toISOString(),
      expiresAt: e.expiresAt?.toISOString() ?? null,
    })),
    attestations: attestations?.map((a) => ({
      id: a.id,
      campaign: a.campaign.name,
      campaignStatus: a.campaign.status,
      dueAt: a.campaign.dueAt.toISOString(),
      decision: a.decision,
      comment: a.comment,
      attestedBy: a.attestedBy?.name ?? null,
      attestedAt: a.attestedAt?.toISOString() ?? null,
    })),
    attachedPrincipals: attached,
    audit: audit ? await toHistory(db, audit, { subjectType: "identity", subjectId: id }) : undefined,
  };
}

