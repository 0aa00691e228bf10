"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { attest, type AttestResult } from "@/lib/attestations/attest";
import { createCampaign } from "@/lib/attestations/create-campaign";
import { closeCampaign } from "@/lib/attestations/close-campaign";
import { runAction, type ActionResult } from "@/lib/web/action";

const text = (form: FormData, key: string) => String(form.get(key) ?? "");

export async function attestAction(input: { attestationIds: string[]; decision: "keep" | "reduce" | "decommission" | "reassign"; comment: string; newOwnerUserId?: string }): Promise<ActionResult<AttestResult[]>> {
  const result = await runAction((actor) => attest({ actor, ...input }));
  revalidatePath("/attestations");
  return result;
}

export async function createCampaignAction(_prev: ActionResult<{ id: string }> | null, form: FormData): Promise<ActionResult<{ id: string }>> {
  const due = text(form, "dueDate");
  const result = await runAction(async (actor) => {
    const created = await createCampaign({
      actor,
      name: text(form, "name"),
      scope: { environment: text(form, "environment"), kind: text(form, "kind") },
      // A due date is the end of that day, in UTC like every date on screen.
      dueAt: /^\d{4}-\d{2}-\d{2}$/.test(due) ? `${due}T23:59:59.000Z` : due,
      autoQuarantine: form.get("autoQuarantine") === "on",
    });
    return { id: created.id };
  });
  if (result.ok) redirect(`/attestations/${result.data.id}`);
  return result;
}

export async function closeCampaignAction(campaignId: string): Promise<ActionResult<{ attested: number; open: number }>> {
  const result = await runAction((actor) => closeCampaign({ actor, campaignId }), "Campaign closed");
  revalidatePath(`/attestations/${campaignId}`);
  revalidatePath("/attestations");
  return result;
}
