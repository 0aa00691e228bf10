import type { Db, Tx } from "../db";
import { appendAudit } from "../audit";
import { systemActor } from "../authz";
import { enqueueNotification } from "../notifications/enqueue";
import { withdrawIdentity } from "../identities/withdraw-identity";

/** Owners are reminded once, this long before a campaign is due. */
export const REMIND_BEFORE_MS = 3 * 86_400_000;
/** After escalating an overdue campaign, owners get this long before unattested identities are quarantined. */
export const QUARANTINE_GRACE_MS = 24 * 3_600_000;

const worker = systemActor("worker");
const TOP_OWNERS = 10;

type Due = { id: string; name: string; dueAt: Date; stage: "remind" | "escalate" };

/**
 * The attestation lane of the worker. For each open campaign with unanswered rows: one reminder
 * before the due date, one escalation to security once it is overdue, and, when the campaign asks
 * for it, quarantine of the identities still unattested a grace period after the escalation.
 */
export async function escalateCampaigns({ db, now = new Date(), limit = 100 }: { db: Db; now?: Date; limit?: number }): Promise<number> {
  const stepped = await remindAndEscalate(db, now);
  const quarantined = await quarantineUnattested(db, now, limit);
  return stepped + quarantined;
}

async function remindAndEscalate(db: Db, now: Date): Promise<number> {
  const remindFrom = new Date(now.getTime() + REMIND_BEFORE_MS);
  return db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<Due[]>`
      SELECT c.id, c.name, c."dueAt", CASE WHEN c."dueAt" <= ${now} THEN 'escalate' ELSE 'remind' END AS stage
      FROM "AttestationCampaign" c
      WHERE c.status = 'open' AND c."escalatedAt" IS NULL
        AND (c."dueAt" <= ${now} OR (c."remindedAt" IS NULL AND c."dueAt" <= ${remindFrom}))
        AND EXISTS (SELECT 1 FROM "Attestation" a WHERE a."campaignId" = c.id AND a.decision IS NULL)
      ORDER BY c."dueAt" LIMIT 20
      FOR UPDATE OF c SKIP LOCKED`;
    for (const c of due) {
      const owners = await openByOwner(tx, c.id);
      const open = owners.reduce((n, o) => n + o.open, 0);
      const total = await tx.attestation.count({ where: { campaignId: c.id } });
      const lines = [
        `${open} of ${total} identities not attested; due ${c.dueAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
        ...owners.slice(0, TOP_OWNERS).map((o) => `• ${o.owner ?? "no owner"}: ${o.open} open`),
        owners.length > TOP_OWNERS ? `… and ${owners.length - TOP_OWNERS} more owners` : "",
      ].filter(Boolean);
      if (c.stage === "remind") {
        await tx.attestationCampaign.update({ where: { id: c.id }, data: { remindedAt: now } });
        await appendAudit(tx, worker, { action: "campaign.reminded", subjectType: "attestation_campaign", subjectId: c.id, data: { name: c.name, open, owners: owners.length } });
        await enqueueNotification(tx, {
          event: "attestation.reminder",
          title: `Attestation due in ${Math.max(1, Math.round((c.dueAt.getTime() - now.getTime()) / 86_400_000))} day(s): ${c.name}`,
          lines,
          link: "/attestations",
        });
      } else {
        // A campaign overdue before its reminder went out gets the escalation only.
        await tx.$executeRaw`UPDATE "AttestationCampaign" SET "escalatedAt" = ${now}, "remindedAt" = coalesce("remindedAt", ${now}) WHERE id = ${c.id}::uuid`;
        await appendAudit(tx, worker, { action: "campaign.escalated", subjectType: "attestation_campaign", subjectId: c.id, data: { name: c.name, open, total, escalatedTo: "security" } });
        const campaign = await tx.attestationCampaign.findUniqueOrThrow({ where: { id: c.id }, select: { autoQuarantine: true } });
        await enqueueNotification(tx, {
          event: "attestation.escalated",
          severity: "warning",
          title: `Escalated to security: ${c.name} is overdue with ${open} identit${open === 1 ? "y" : "ies"} not attested`,
          lines: [...lines, campaign.autoQuarantine ? `Unattested identities are quarantined in ${Math.round(QUARANTINE_GRACE_MS / 3_600_000)} h.` : ""].filter(Boolean),
          link: `/attestations/${c.id}`,
        });
      }
    }
    return due.length;
  });
}

async function openByOwner(tx: Tx, campaignId: string) {
  return tx.$queryRaw<{ owner: string | null; open: number }[]>`
    SELECT coalesce(u.name, 'team ' || t.name) AS owner, count(*)::int AS open
    FROM "Attestation" a JOIN "Identity" i ON i.id = a."identityId"
    LEFT JOIN "User" u ON u.id = i."ownerUserId" LEFT JOIN "Team" t ON t.id = i."ownerTeamId"
    WHERE a."campaignId" = ${campaignId}::uuid AND a.decision IS NULL
    GROUP BY i."ownerUserId", i."ownerTeamId", u.name, t.name
    ORDER BY open DESC`;
}

/** Identities still unattested in campaigns escalated longer ago than the grace period, quarantined one batch at a time. */
async function quarantineUnattested(db: Db, now: Date, limit: number): Promise<number> {
  const escalatedBefore = new Date(now.getTime() - QUARANTINE_GRACE_MS);
  return db.$transaction(
    async (tx) => {
      const due = await tx.$queryRaw<{ identityId: string; identity: string; campaignId: string; campaign: string }[]>`
        SELECT i.id AS "identityId", i.name AS identity, c.id AS "campaignId", c.name AS campaign
        FROM "Attestation" a
        JOIN "AttestationCampaign" c ON c.id = a."campaignId"
        JOIN "Identity" i ON i.id = a."identityId"
        WHERE c.status = 'open' AND c."autoQuarantine" AND c."escalatedAt" <= ${escalatedBefore}
          AND a.decision IS NULL AND i.status = 'active'
        ORDER BY c."escalatedAt", i.id
        LIMIT ${limit}
        FOR UPDATE OF i SKIP LOCKED`;
      // One identity may be unattested in two campaigns: quarantine it once.
      const seen = new Set<string>();
      const byCampaign = new Map<string, { name: string; identities: string[]; grants: number }>();
      for (const row of due) {
        if (seen.has(row.identityId)) continue;
        seen.add(row.identityId);
        const { grantsRevoking } = await withdrawIdentity(tx, worker, {
          identityId: row.identityId,
          status: "quarantined",
          comment: `Not attested in "${row.campaign}" ${Math.round(QUARANTINE_GRACE_MS / 3_600_000)} h after the escalation`,
          context: { via: "attestation_overdue", campaign: row.campaign, campaignId: row.campaignId },
          now,
        });
        const entry = byCampaign.get(row.campaignId) ?? { name: row.campaign, identities: [], grants: 0 };
        entry.identities.push(row.identity);
        entry.grants += grantsRevoking;
        byCampaign.set(row.campaignId, entry);
      }
      for (const [campaignId, c] of byCampaign) {
        await enqueueNotification(tx, {
          event: "attestation.quarantined",
          severity: "critical",
          title: `Quarantined ${c.identities.length} unattested identit${c.identities.length === 1 ? "y" : "ies"}: ${c.name}`,
          lines: [c.identities.slice(0, TOP_OWNERS).join(", ") + (c.identities.length > TOP_OWNERS ? `, … (${c.identities.length - TOP_OWNERS} more)` : ""), `${c.grants} live grant(s) are being revoked`],
          link: `/attestations/${campaignId}`,
        });
      }
      return seen.size;
    },
    { timeout: 60_000 },
  );
}

/** The next instant this lane has something to do: a reminder, an escalation or a quarantine. */
export async function nextCampaignEscalation(db: Db): Promise<Date | null> {
  const [row] = await db.$queryRaw<{ at: Date | null }[]>`
    SELECT least(
      (SELECT min(CASE WHEN c."remindedAt" IS NULL THEN c."dueAt" - make_interval(secs => ${REMIND_BEFORE_MS / 1000}) ELSE c."dueAt" END)
       FROM "AttestationCampaign" c
       WHERE c.status = 'open' AND c."escalatedAt" IS NULL
         AND EXISTS (SELECT 1 FROM "Attestation" a WHERE a."campaignId" = c.id AND a.decision IS NULL)),
      (SELECT min(c."escalatedAt" + make_interval(secs => ${QUARANTINE_GRACE_MS / 1000}))
       FROM "AttestationCampaign" c
       WHERE c.status = 'open' AND c."autoQuarantine" AND c."escalatedAt" IS NOT NULL
         AND EXISTS (SELECT 1 FROM "Attestation" a JOIN "Identity" i ON i.id = a."identityId"
                     WHERE a."campaignId" = c.id AND a.decision IS NULL AND i.status = 'active'))
    ) AS at`;
  return row?.at ?? null;
}
