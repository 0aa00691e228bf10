"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { createRequest } from "@/lib/requests/create-request";
import { cancelRequest } from "@/lib/requests/cancel-request";
import { completeBreakGlassReview } from "@/lib/requests/complete-break-glass-review";
import { runAction, type ActionResult } from "@/lib/web/action";

const text = (form: FormData, key: string) => String(form.get(key) ?? "");

export async function createRequestAction(_prev: ActionResult<{ id: string }> | null, form: FormData): Promise<ActionResult<{ id: string }>> {
  const result = await runAction(async (actor) => {
    const created = await createRequest({
      actor,
      identityId: text(form, "identityId"),
      entitlementId: text(form, "entitlementId"),
      durationSec: Math.round(Number(text(form, "durationMin")) * 60),
      justification: text(form, "justification"),
      ticketRef: text(form, "ticketRef"),
      incidentRef: text(form, "incidentRef"),
      changeRef: text(form, "changeRef"),
      breakGlass: form.get("breakGlass") === "on",
    });
    return { id: created.id };
  });
  if (result.ok) redirect(`/requests/${result.data.id}`);
  return result;
}

export async function cancelRequestAction(requestId: string): Promise<ActionResult> {
  const result = await runAction(async (actor) => {
    await cancelRequest({ actor, requestId });
    return undefined;
  }, "Request cancelled");
  if (result.ok) revalidatePath(`/requests/${requestId}`);
  return result;
}

export async function completeReviewAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const requestId = text(form, "requestId");
  const result = await runAction(async (actor) => {
    await completeBreakGlassReview({ actor, requestId, findings: text(form, "findings") });
    return undefined;
  }, "Review completed");
  if (result.ok) revalidatePath(`/requests/${requestId}`);
  return result;
}
