import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { AppError, forbidden } from "../errors";
import { parseInput } from "../validation";
import { enqueueNotification } from "../notifications/enqueue";
import { wakeWorkers } from "../worker/wake";
import type { Prisma } from "../generated/prisma/client";

const environments = ["dev", "staging", "prod"] as const;
const kinds = ["service_account", "api_key", "workload", "ci_job", "ai_agent", "bot"] as const;
const anyValue = (v: unknown) => (v === "" || v === "all" || v === null ? undefined : v);

export const createCampaignInput = z.object({
  name: z.string().trim().min(3, "Name the campaign, in at least 3 characters").max(120),
  scope: z
    .object({
      environment: z.preprocess(anyValue, z.enum(environments, "Choose an environment").optional()),
      kind: z.preprocess(anyValue, z.enum(kinds, "Choose a kind").optional()),
    })
    .default({}),
  dueAt: z.coerce.date("Give a due date"),
  autoQuarantine: z.boolean().default(false),
});

export type CampaignScope = { environment?: (typeof environments)[number]; kind?: (typeof kinds)[number] };

/** Rows written per statement, so a large inventory never builds one huge insert. */
const BATCH = 1000;

/**
 * Opens a campaign: every active identity in scope (all, one environment, one kind, or both) gets
 * one attestation for its owners to answer by the due date.
 */
export async function createCampaign({ actor, ...raw }: { actor: Actor } & z.input<typeof createCampaignInput>): Promise<{ id: string; identities: number }> {
  assertCan(actor, "attestation:manage");
  if (actor.type !== "user") throw forbidden("Only people open attestation campaigns");
  const input = parseInput(createCampaignInput, raw);
  const now = new Date();
  if (input.dueAt <= now) throw new AppError("validation_failed", "The due date must be in the future", { fields: { dueAt: "Must be in the future" } });
  const scope: CampaignScope = {
    ...(input.scope.environment ? { environment: input.scope.environment } : {}),
    ...(input.scope.kind ? { kind: input.scope.kind } : {}),
  };
  const where: Prisma.IdentityWhereInput = { status: "active", ...scope };

  return getDb().$transaction(
    async (tx) => {
      const campaign = await tx.attestationCampaign.create({
        data: { name: input.name, scope, dueAt: input.dueAt, autoQuarantine: input.autoQuarantine, createdById: actor.id },
      });
      let identities = 0;
      let cursor: string | undefined;
      for (;;) {
        const batch = await tx.identity.findMany({
          where: cursor ? { ...where, id: { gt: cursor } } : where,
          orderBy: { id: "asc" },
          take: BATCH,
          select: { id: true },
        });
        if (batch.length === 0) break;
        await tx.attestation.createMany({ data: batch.map((i) => ({ campaignId: campaign.id, identityId: i.id })) });
        identities += batch.length;
        cursor = batch[batch.length - 1].id;
        if (batch.length < BATCH) break;
      }
      if (identities === 0) {
        throw new AppError("validation_failed", "No active identity is in this scope: there is nothing to attest", { fields: { scope: "No active identity in scope" } });
      }
      await appendAudit(tx, actor, {
        action: "campaign.opened",
        subjectType: "attestation_campaign",
        subjectId: campaign.id,
        data: { name: campaign.name, scope, dueAt: campaign.dueAt.toISOString(), autoQuarantine: campaign.autoQuarantine, identities },
      });
      await enqueueNotification(tx, {
        event: "attestation.campaign_opened",
        title: `Attestation campaign opened: ${campaign.name}`,
        lines: [`${identities} identit${identities === 1 ? "y" : "ies"} to attest by ${campaign.dueAt.toISOString().slice(0, 10)}`, campaign.autoQuarantine ? "Identities left unattested after escalation are quarantined." : ""].filter(Boolean),
        link: "/attestations",
      });
      // The worker's next reminder may now be sooner than its current sleep.
      await wakeWorkers(tx, "campaign.opened");
      return { id: campaign.id, identities };
    },
    { timeout: 60_000 },
  );
}
