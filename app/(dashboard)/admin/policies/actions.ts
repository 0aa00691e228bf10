"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { savePolicies } from "@/lib/policy/save-policies";
import { rollBackPolicies } from "@/lib/policy/roll-back-policies";
import { simulatePolicies } from "@/lib/policy/simulate";
import { objectAction } from "@/lib/web/action";

const simulateInput = z.strictObject({
  text: z.string().max(200_000).optional(),
  request: z
    .strictObject({
      identityId: z.string().max(100),
      entitlementId: z.string().max(100),
      durationSec: z.number(),
      ticketRef: z.string().max(120).optional(),
      incidentRef: z.string().max(120).optional(),
      changeRef: z.string().max(120).optional(),
      breakGlass: z.boolean().optional(),
      attestation: z.enum(["none", "api_token", "oidc"]).optional(),
      requesterOnCall: z.boolean().optional(),
    })
    .optional(),
  days: z.number().optional(),
});

export const simulatePoliciesAction = objectAction(simulateInput, (actor, input) => simulatePolicies({ ...input, actor }));

export const savePoliciesAction = objectAction(
  z.strictObject({ text: z.string().max(200_000), comment: z.string().max(2000) }),
  (actor, input) => savePolicies({ ...input, actor }),
  { after: (r) => r.ok && revalidatePath("/admin/policies") },
);

export const rollBackPoliciesAction = objectAction(
  z.strictObject({ version: z.number().int() }),
  (actor, input) => rollBackPolicies(actor, input),
  { after: (r) => r.ok && revalidatePath("/admin/policies") },
);
