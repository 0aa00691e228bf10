import { z } from "zod";
import { getDb } from "../db";
import { canAny, type Actor } from "../authz";
import { forbidden, notFound } from "../errors";
import { parseInput } from "../validation";
import type { CampaignScope } from "./create-campaign";
import type { AttestationDecision } from "./attest";

export type OpenByOwner = {
  /** A user's name, "team <name>", or null when the identity has no owner. */
  owner: string | null;
  ownerEmail: string | null;
  open: number;
  /** The first identities still open, by name. */
  identities: string[];
};

export type CampaignDetail = {
  id: string;
  name: string;
  scope: CampaignScope;
  status: "open" | "closed";
  dueAt: string;
  overdue: boolean;
  autoQuarantine: boolean;
  createdBy: string;
  createdAt: string;
  remindedAt: string | null;
  escalatedAt: string | null;
  progress: { total: number; attested: number; open: number; quarantined: number; byDecision: Record<AttestationDecision, number> };
  /** Unanswered rows grouped by who must answer them (the overdue list once the due date has passed). */
  openByOwner: OpenByOwner[];
};

const OWNER_GROUPS = 200;
const NAMES_PER_OWNER = 8;

/** One campaign with its progress and who still has to answer. */
export async function getCampaign({ actor, campaignId, now = new Date() }: { actor: Actor; campaignId: string; now?: Date }): Promise<CampaignDetail> {
  if (!canAny(actor, ["attestation:attest", "attestation:manage"])) throw forbidden();
  const id = parseInput(z.string().uuid("Unknown campaign"), campaignId);
  const db = getDb();
  const campaign = await db.attestationCampaign.findUnique({ where: { id }, include: { createdBy: { select: { name: true } } } });
  if (!campaign) throw notFound("Campaign");

  const [decisions, quarantined, groups] = await Promise.all([
    db.attestation.groupBy({ by: ["decision"], where: { campaignId: id }, _count: { _all: true } }),
    db.attestation.count({ where: { campaignId: id, decision: null, identity: { status: "quarantined" } } }),
    db.$queryRaw<{ owner: string | null; ownerEmail: string | null; open: number; identities: string[] }[]>`
      SELECT coalesce(u.name, 'team ' || t.name) AS owner, u.email AS "ownerEmail", count(*)::int AS open,
             (array_agg(i.name ORDER BY i.name))[1:${NAMES_PER_OWNER}::int] AS identities
      FROM "Attestation" a
      JOIN "Identity" i ON i.id = a."identityId"
      LEFT JOIN "User" u ON u.id = i."ownerUserId"
      LEFT JOIN "Team" t ON t.id = i."ownerTeamId"
      WHERE a."campaignId" = ${id}::uuid AND a.decision IS NULL
      GROUP BY i."ownerUserId", i."ownerTeamId", u.name, u.email, t.name
      ORDER BY open DESC, owner NULLS FIRST
      LIMIT ${OWNER_GROUPS}`,
  ]);
  const byDecision: Record<AttestationDecision, number> = { keep: 0, reduce: 0, decommission: 0, reassign: 0 };
  let total = 0;
  let open = 0;
  for (const d of decisions) {
    total += d._count._all;
    if (d.decision) byDecision[d.decision] = d._count._all;
    else open = d._count._all;
  }
  return {
    id: campaign.id,
    name: campaign.name,
    scope: (campaign.scope ?? {}) as CampaignScope,
    status: campaign.status,
    dueAt: campaign.dueAt.toISOString(),
    overdue: campaign.status === "open" && campaign.dueAt <= now,
    autoQuarantine: campaign.autoQuarantine,
    createdBy: campaign.createdBy.name,
    createdAt: campaign.createdAt.toISOString(),
    remindedAt: campaign.remindedAt?.toISOString() ?? null,
    escalatedAt: campaign.escalatedAt?.toISOString() ?? null,
    progress: { total, attested: total - open, open, quarantined, byDecision },
    openByOwner: groups,
  };
}
