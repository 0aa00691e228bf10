"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createRequest } from "@/lib/requests/create-request";
import { previewRequest } from "@/lib/requests/preview-request";
import { cancelRequest } from "@/lib/requests/cancel-request";
import { completeBreakGlassReview } from "@/lib/requests/complete-break-glass-review";
import { field, formAction, objectAction } from "@/lib/web/action";

export const createRequestAction = formAction(
  z.strictObject({
    identityId: field.text(100),
    entitlementId: field.text(100),
    durationMin: field.text(20),
    justification: field.text(),
    ticketRef: field.text(120),
    incidentRef: field.text(120),
    changeRef: field.text(120),
    breakGlass: field.checkbox(),
  }),
  async (actor, f) => {
    const created = await createRequest({
      actor,
      identityId: f.identityId,
      entitlementId: f.entitlementId,
      durationSec: Math.round(Number(f.durationMin) * 60),
      justification: f.justification,
      ticketRef: f.ticketRef,
      incidentRef: f.incidentRef,
      changeRef: f.changeRef,
      breakGlass: f.breakGlass,
    });
    return { id: created.id };
  },
  { after: (r) => r.ok && redirect(`/requests/${r.data.id}`) },
);

/** What policy would decide for the form as it is filled in: nothing is written. */
export const previewRequestAction = objectAction(
  z.strictObject({
    identityId: z.string().max(100),
    entitlementId: z.string().max(100),
    durationMin: z.number().finite().min(0).max(1_000_000),
    ticketRef: z.string().max(120),
    incidentRef: z.string().max(120),
    changeRef: z.string().max(120),
    breakGlass: z.boolean(),
  }),
  async (actor, f) =>
    previewRequest({
      actor,
      identityId: f.identityId,
      entitlementId: f.entitlementId,
      durationSec: Math.round(f.durationMin * 60),
      ticketRef: f.ticketRef,
      incidentRef: f.incidentRef,
      changeRef: f.changeRef,
      breakGlass: f.breakGlass,
    }),
);

export const cancelRequestAction = objectAction(
  z.strictObject({ requestId: z.string().max(100) }),
  async (actor, { requestId }) => {
    await cancelRequest({ actor, requestId });
    return undefined;
  },
  { message: "Request cancelled", after: (r, input) => r.ok && input && revalidatePath(`/requests/${input.requestId}`) },
);

export const completeReviewAction = formAction(
  z.strictObject({ requestId: field.text(100), findings: field.text(4000) }),
  async (actor, f) => {
    await completeBreakGlassReview({ actor, requestId: f.requestId, findings: f.findings });
    return undefined;
  },
  { message: "Review completed", after: (r, input) => r.ok && input && revalidatePath(`/requests/${input.requestId}`) },
);
