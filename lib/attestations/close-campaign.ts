import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { invalidState, notFound } from "../errors";
import { parseInput } from "../validation";

/** Ends a campaign: its unanswered rows stay unanswered, on record, and no one can attest them any more. */
export async function closeCampaign({ actor, campaignId }: { actor: Actor; campaignId: string }): Promise<{ attested: number; open: number }> {
  assertCan(actor, "attestation:manage");
  const id = parseInput(z.string().uuid("Unknown campaign"), campaignId);
  return getDb().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "AttestationCampaign" WHERE id = ${id}::uuid FOR UPDATE`;
    if (rows.length === 0) throw notFound("Campaign");
    const campaign = await tx.attestationCampaign.findUniqueOrThrow({ where: { id } });
    if (campaign.status !== "open") throw invalidState(`"${campaign.name}" is already closed`);
    const attested = await tx.attestation.count({ where: { campaignId: id, decision: { not: null } } });
    const open = await tx.attestation.count({ where: { campaignId: id, decision: null } });
    await tx.attestationCampaign.update({ where: { id }, data: { status: "closed" } });
    await appendAudit(tx, actor, { action: "campaign.closed", subjectType: "attestation_campaign", subjectId: id, data: { name: campaign.name, attested, open } });
    return { attested, open };
  });
}
