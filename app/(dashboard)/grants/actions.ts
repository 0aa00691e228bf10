"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { extendGrant } from "@/lib/grants/extend-grant";
import { forceResolveGrant } from "@/lib/grants/force-resolve-grant";
import { takeCredential } from "@/lib/grants/take-credential";
import { field, formAction, objectAction } from "@/lib/web/action";

const refresh = (_r: unknown, input: { grantId: string } | undefined) => input && revalidatePath(`/grants/${input.grantId}`);

export const revokeGrantAction = formAction(
  z.strictObject({ grantId: field.text(100), reason: field.text(40), comment: field.text() }),
  async (actor, f) => {
    await revokeGrant({ actor, grantId: f.grantId, reason: f.reason === "emergency" ? "emergency" : "early", comment: f.comment });
    return undefined;
  },
  { message: "Revocation started", after: refresh },
);

/** Revoke from the grants list: one row, with the reason typed beside it. */
export const revokeGrantRowAction = objectAction(
  z.strictObject({ grantId: z.string().max(100), comment: z.string().max(2000) }),
  async (actor, { grantId, comment }) => {
    await revokeGrant({ actor, grantId, reason: "early", comment });
    return undefined;
  },
  { message: "Revocation started", after: (r) => r.ok && revalidatePath("/grants") },
);

export const extendGrantAction = formAction(
  z.strictObject({ grantId: field.text(100), durationMin: field.text(20), justification: field.text() }),
  async (actor, f) => {
    const r = await extendGrant({ actor, grantId: f.grantId, durationSec: Math.round(Number(f.durationMin) * 60), justification: f.justification });
    return { status: r.status };
  },
  { after: refresh },
);

export const forceResolveGrantAction = formAction(
  z.strictObject({ grantId: field.text(100), note: field.text() }),
  async (actor, f) => {
    await forceResolveGrant({ actor, grantId: f.grantId, note: f.note });
    return undefined;
  },
  { message: "Grant closed by force-resolve", after: refresh },
);

export const takeCredentialAction = objectAction(z.strictObject({ grantId: z.string().max(100) }), (actor, { grantId }) => takeCredential({ actor, grantId }));
