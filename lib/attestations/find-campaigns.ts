import { getDb } from "../db";
import { canAny, type Actor } from "../authz";
import { forbidden } from "../errors";
import { operatedIdentities } from "../identities/ownership";

export type CampaignSummary = {
  id: string;
  name: string;
  status: string;
  dueAt: string;
  total: number;
  attested: number;
  mine: number;
  mineOpen: number;
};

/** Attestation campaigns with progress overall and for the actor's own identities. */
export async function findCampaigns({ actor }: { actor: Actor }): Promise<CampaignSummary[]> {
  if (!canAny(actor, ["attestation:attest", "attestation:manage"])) throw forbidden();
  const db = getDb();
  const owned = operatedIdentities(actor);
  const campaigns = await db.attestationCampaign.findMany({ orderBy: [{ status: "asc" }, { dueAt: "asc" }], take: 50 });
  return Promise.all(
    campaigns.map(async (c) => {
      const [total, attested, mine, mineOpen] = await Promise.all([
        db.attestation.count({ where: { campaignId: c.id } }),
        db.attestation.count({ where: { campaignId: c.id, decision: { not: null } } }),
        db.attestation.count({ where: { campaignId: c.id, identity: owned } }),
        db.attestation.count({ where: { campaignId: c.id, decision: null, identity: owned } }),
      ]);
      return { id: c.id, name: c.name, status: c.status, dueAt: c.dueAt.toISOString(), total, attested, mine, mineOpen };
    }),
  );
}
