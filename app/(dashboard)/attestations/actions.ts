"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { attest, attestationDecisions } from "@/lib/attestations/attest";
import { createCampaign } from "@/lib/attestations/create-campaign";
import { closeCampaign } from "@/lib/attestations/close-campaign";
import { field, formAction, objectAction } from "@/lib/web/action";

export const attestAction = objectAction(
  z.strictObject({
    attestationIds: z.array(z.string().max(100)).max(200),
    decision: z.enum(attestationDecisions),
    comment: z.string().max(2000),
    newOwnerUserId: z.string().max(100).optional(),
  }),
  (actor, input) => attest({ ...input, actor }),
  { after: () => revalidatePath("/attestations") },
);

export const createCampaignAction = formAction(
  z.strictObject({ name: field.text(200), environment: field.text(40), kind: field.text(40), dueDate: field.text(40), autoQuarantine: field.checkbox() }),
  async (actor, f) => {
    const created = await createCampaign({
      actor,
      name: f.name,
      scope: { environment: f.environment, kind: f.kind },
      // A due date is the end of that day, in UTC like every date on screen.
      dueAt: /^\d{4}-\d{2}-\d{2}$/.test(f.dueDate) ? `${f.dueDate}T23:59:59.000Z` : f.dueDate,
      autoQuarantine: f.autoQuarantine,
    });
    return { id: created.id };
  },
  { after: (r) => r.ok && redirect(`/attestations/${r.data.id}`) },
);

export const closeCampaignAction = objectAction(
  z.strictObject({ campaignId: z.string().max(100) }),
  (actor, { campaignId }) => closeCampaign({ actor, campaignId }),
  {
    message: "Campaign closed",
    after: (_r, input) => {
      if (input) revalidatePath(`/attestations/${input.campaignId}`);
      revalidatePath("/attestations");
    },
  },
);
