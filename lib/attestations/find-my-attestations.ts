import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import type { ListParams, Page } from "../listing";
import { operatedIdentities } from "../identities/ownership";
import type { Criticality, Environment, IdentityKind, IdentityStatus, Prisma } from "../generated/prisma/client";
import { LIVE_GRANT_STATUSES } from "../identities/withdraw-identity";
import { loadDriftAttachments } from "../identities/drift-attachments";

export const myAttestationSortable = ["dueAt", "identity", "environment", "criticality", "lastAttestedAt"] as const;
export type MyAttestationSort = (typeof myAttestationSortable)[number];

export type MyAttestationRow = {
  id: string;
  campaignId: string;
  campaign: string;
  dueAt: string;
  overdue: boolean;
  identityId: string;
  identity: string;
  kind: IdentityKind;
  environment: Environment;
  system: string;
  criticality: Criticality;
  status: IdentityStatus;
  /** "you", a team's name, or both. */
  ownedVia: string;
  lastAttestedAt: string | null;
  activeGrants: number;
  openExceptions: number;
  /** What it holds now, for the owner to judge: live grants, accepted exceptions, accounts found by discovery. */
  holds: {
    grants: { id: string; entitlement: string; status: string; expiresAt: string; lastUsedAt: string | null }[];
    exceptions: { id: string; entitlement: string; expiresAt: string | null }[];
    discovered: { issuer: string; principal: string }[];
  };
  /** The last reported use of any of its grants, ever; null if none was ever reported. */
  lastUsedAt: string | null;
};

const orderFor = (sort: MyAttestationSort, dir: "asc" | "desc"): Prisma.AttestationOrderByWithRelationInput => {
  switch (sort) {
    case "dueAt":
      return { campaign: { dueAt: dir } };
    case "identity":
      return { identity: { name: dir } };
    case "environment":
      return { identity: { environment: dir } };
    case "criticality":
      return { identity: { criticality: dir } };
    case "lastAttestedAt":
      return { identity: { lastAttestedAt: { sort: dir, nulls: "first" } } };
  }
};

/**
 * "My identities to attest": the actor's unanswered attestations in open campaigns, for identities
 * they own themselves or through a team they belong to.
 */
export async function findMyAttestations({
  actor,
  params,
  campaignId,
}: {
  actor: Actor;
  params: ListParams<MyAttestationSort>;
  campaignId?: string;
}): Promise<Page<MyAttestationRow>> {
  assertCan(actor, "attestation:attest");
  if (actor.type !== "user") return { rows: [], total: 0, page: params.page, size: params.size };
  const db = getDb();
  const now = new Date();
  const where: Prisma.AttestationWhereInput = {
    decision: null,
    campaign: { status: "open", ...(campaignId ? { id: campaignId } : {}) },
    identity: { status: { not: "decommissioned" }, ...operatedIdentities(actor) },
  };
  const [total, rows] = await Promise.all([
    db.attestation.count({ where }),
    db.attestation.findMany({
      where,
      orderBy: [orderFor(params.sort, params.dir), { identity: { name: "asc" } }, { id: "asc" }],
      skip: (params.page - 1) * params.size,
      take: params.size,
      include: {
        campaign: { select: { id: true, name: true, dueAt: true } },
        identity: {
          include: {
            ownerTeam: { select: { name: true } },
            _count: {
              select: {
                grants: { where: { status: { in: [...LIVE_GRANT_STATUSES] } } },
                exceptions: { where: { status: "accepted" } },
              },
            },
          },
        },
      },
    }),
  ]);
  const held = await holdings(db, [...new Set(rows.map((a) => a.identityId))]);
  return {
    total,
    page: params.page,
    size: params.size,
    rows: rows.map((a) => {
      const i = a.identity;
      const h = held.get(i.id);
      const via = [i.ownerUserId === actor.id ? "you" : null, i.ownerTeam ? `team ${i.ownerTeam.name}` : null].filter(Boolean).join(" · ");
      return {
        id: a.id,
        campaignId: a.campaign.id,
        campaign: a.campaign.name,
        dueAt: a.campaign.dueAt.toISOString(),
        overdue: a.campaign.dueAt <= now,
        identityId: i.id,
        identity: i.name,
        kind: i.kind,
        environment: i.environment,
        system: i.system,
        criticality: i.criticality,
        status: i.status,
        ownedVia: via,
        lastAttestedAt: i.lastAttestedAt?.toISOString() ?? null,
        activeGrants: i._count.grants,
        openExceptions: i._count.exceptions,
        holds: { grants: h?.grants ?? [], exceptions: h?.exceptions ?? [], discovered: h?.discovered ?? [] },
        lastUsedAt: h?.lastUsedAt ?? null,
      };
    }),
  };
}

type Holdings = { grants: MyAttestationRow["holds"]["grants"]; exceptions: MyAttestationRow["holds"]["exceptions"]; discovered: MyAttestationRow["holds"]["discovered"]; lastUsedAt: string | null };

/** What the page's identities hold now and when each was last used: a few queries for the whole page. */
export async function holdings(db: ReturnType<typeof getDb>, identityIds: string[]): Promise<Map<string, Holdings>> {
  const out = new Map<string, Holdings>();
  if (identityIds.length === 0) return out;
  for (const id of identityIds) out.set(id, { grants: [], exceptions: [], discovered: [], lastUsedAt: null });
  const [grants, exceptions, used, attached] = await Promise.all([
    db.grant.findMany({
      where: { identityId: { in: identityIds }, status: { in: [...LIVE_GRANT_STATUSES] } },
      orderBy: { expiresAt: "asc" },
      select: { id: true, identityId: true, status: true, expiresAt: true, lastUsedAt: true, entitlement: { select: { name: true } } },
    }),
    db.exception.findMany({
      where: { identityId: { in: identityIds }, status: "accepted" },
      orderBy: { expiresAt: "asc" },
      select: { id: true, identityId: true, expiresAt: true, entitlement: { select: { name: true } } },
    }),
    db.grant.groupBy({ by: ["identityId"], where: { identityId: { in: identityIds }, lastUsedAt: { not: null } }, _max: { lastUsedAt: true } }),
    loadDriftAttachments(db),
  ]);
  for (const g of grants) out.get(g.identityId)!.grants.push({ id: g.id, entitlement: g.entitlement.name, status: g.status, expiresAt: g.expiresAt.toISOString(), lastUsedAt: g.lastUsedAt?.toISOString() ?? null });
  for (const e of exceptions) out.get(e.identityId)!.exceptions.push({ id: e.id, entitlement: e.entitlement.name, expiresAt: e.expiresAt?.toISOString() ?? null });
  for (const u of used) out.get(u.identityId)!.lastUsedAt = u._max.lastUsedAt?.toISOString() ?? null;
  for (const a of attached.values()) out.get(a.identityId)?.discovered.push({ issuer: a.issuer, principal: a.principal });
  return out;
}
