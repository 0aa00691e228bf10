"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { proposeException } from "@/lib/exceptions/propose-exception";
import { reviewException, type ExceptionDecision } from "@/lib/exceptions/review-exception";
import { resubmitException } from "@/lib/exceptions/resubmit-exception";
import { revokeException } from "@/lib/exceptions/revoke-exception";
import { renewException } from "@/lib/exceptions/renew-exception";
import type { ExceptionRiskRating } from "@/lib/exceptions/limits";
import { runAction, type ActionResult } from "@/lib/web/action";

const text = (form: FormData, key: string) => String(form.get(key) ?? "");
/** Empty optional fields are left out, so the domain uses its default (or the renewed exception's value). */
const optional = (form: FormData, key: string) => text(form, key).trim() || undefined;
const proposal = (form: FormData) => ({
  justification: text(form, "justification"),
  riskRating: text(form, "riskRating") as ExceptionRiskRating,
  compensatingControls: text(form, "compensatingControls"),
  requestedEndAt: text(form, "requestedEndAt"),
  reviewCadenceDays: optional(form, "reviewCadenceDays"),
});

export async function proposeExceptionAction(_prev: ActionResult<{ id: string }> | null, form: FormData): Promise<ActionResult<{ id: string }>> {
  const result = await runAction(async (actor) => {
    const { id } = await proposeException({ actor, identityId: text(form, "identityId"), entitlementId: text(form, "entitlementId"), ...proposal(form) });
    return { id };
  });
  if (result.ok) redirect(`/exceptions/${result.data.id}`);
  return result;
}

export async function reviewExceptionAction(_prev: ActionResult<{ status: string }> | null, form: FormData): Promise<ActionResult<{ status: string }>> {
  const exceptionId = text(form, "exceptionId");
  const result = await runAction(async (actor) => {
    const r = await reviewException({ actor, exceptionId, decision: text(form, "decision") as ExceptionDecision, comment: text(form, "comment") });
    return { status: r.status };
  });
  revalidatePath(`/exceptions/${exceptionId}`);
  return result;
}

export async function resubmitExceptionAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const exceptionId = text(form, "exceptionId");
  const result = await runAction(async (actor) => {
    await resubmitException({ actor, exceptionId, ...proposal(form) });
    return undefined;
  }, "Resubmitted for review");
  revalidatePath(`/exceptions/${exceptionId}`);
  return result;
}

export async function revokeExceptionAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const exceptionId = text(form, "exceptionId");
  const result = await runAction(async (actor) => {
    await revokeException({ actor, exceptionId, comment: text(form, "comment") });
    return undefined;
  }, "Ending it: the standing access is being revoked");
  revalidatePath(`/exceptions/${exceptionId}`);
  return result;
}

export async function renewExceptionAction(_prev: ActionResult<{ id: string }> | null, form: FormData): Promise<ActionResult<{ id: string }>> {
  const result = await runAction(async (actor) => {
    const { id } = await renewException({ actor, exceptionId: text(form, "exceptionId"), ...proposal(form) });
    return { id };
  });
  if (result.ok) redirect(`/exceptions/${result.data.id}`);
  return result;
}
