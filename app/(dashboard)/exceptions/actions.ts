"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { proposeException } from "@/lib/exceptions/propose-exception";
import { reviewException, type ExceptionDecision } from "@/lib/exceptions/review-exception";
import { resubmitException } from "@/lib/exceptions/resubmit-exception";
import { revokeException } from "@/lib/exceptions/revoke-exception";
import { renewException } from "@/lib/exceptions/renew-exception";
import type { ExceptionRiskRating } from "@/lib/exceptions/limits";
import { field, formAction } from "@/lib/web/action";

// The proposal's fields; empty optional ones are left out, so the domain uses its default (or
// the renewed exception's value).
const proposalFields = {
  justification: field.text(),
  riskRating: field.text(20),
  compensatingControls: field.text(),
  requestedEndAt: field.text(40),
  reviewCadenceDays: field.optionalText(10),
};
const proposal = (f: { justification: string; riskRating: string; compensatingControls: string; requestedEndAt: string; reviewCadenceDays?: string }) => ({
  justification: f.justification,
  riskRating: f.riskRating as ExceptionRiskRating,
  compensatingControls: f.compensatingControls,
  requestedEndAt: f.requestedEndAt,
  reviewCadenceDays: f.reviewCadenceDays?.trim() || undefined,
});
const refresh = (_r: unknown, input: { exceptionId: string } | undefined) => input && revalidatePath(`/exceptions/${input.exceptionId}`);

export const proposeExceptionAction = formAction(
  z.strictObject({ identityId: field.text(100), entitlementId: field.text(100), ...proposalFields }),
  async (actor, f) => {
    const { id } = await proposeException({ actor, identityId: f.identityId, entitlementId: f.entitlementId, ...proposal(f) });
    return { id };
  },
  { after: (r) => r.ok && redirect(`/exceptions/${r.data.id}`) },
);

export const reviewExceptionAction = formAction(
  z.strictObject({ exceptionId: field.text(100), decision: field.text(20), comment: field.text() }),
  async (actor, f) => {
    const r = await reviewException({ actor, exceptionId: f.exceptionId, decision: f.decision as ExceptionDecision, comment: f.comment });
    return { status: r.status };
  },
  { after: refresh },
);

export const resubmitExceptionAction = formAction(
  z.strictObject({ exceptionId: field.text(100), ...proposalFields }),
  async (actor, f) => {
    await resubmitException({ actor, exceptionId: f.exceptionId, ...proposal(f) });
    return undefined;
  },
  { message: "Resubmitted for review", after: refresh },
);

export const revokeExceptionAction = formAction(
  z.strictObject({ exceptionId: field.text(100), comment: field.text() }),
  async (actor, f) => {
    await revokeException({ actor, exceptionId: f.exceptionId, comment: f.comment });
    return undefined;
  },
  { message: "Ending it: the standing access is being revoked", after: refresh },
);

export const renewExceptionAction = formAction(
  z.strictObject({ exceptionId: field.text(100), ...proposalFields }),
  async (actor, f) => {
    const { id } = await renewException({ actor, exceptionId: f.exceptionId, ...proposal(f) });
    return { id };
  },
  { after: (r) => r.ok && redirect(`/exceptions/${r.data.id}`) },
);
