"use server";

import { revalidatePath } from "next/cache";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { extendGrant } from "@/lib/grants/extend-grant";
import { forceResolveGrant } from "@/lib/grants/force-resolve-grant";
import { takeCredential } from "@/lib/grants/take-credential";
import type { Credential } from "@/lib/issuers/types";
import { runAction, type ActionResult } from "@/lib/web/action";

const text = (form: FormData, key: string) => String(form.get(key) ?? "");

export async function revokeGrantAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const grantId = text(form, "grantId");
  const result = await runAction(async (actor) => {
    await revokeGrant({ actor, grantId, reason: text(form, "reason") === "emergency" ? "emergency" : "early", comment: text(form, "comment") });
    return undefined;
  }, "Revocation started");
  revalidatePath(`/grants/${grantId}`);
  return result;
}

export async function extendGrantAction(_prev: ActionResult<{ status: string }> | null, form: FormData): Promise<ActionResult<{ status: string }>> {
  const grantId = text(form, "grantId");
  const result = await runAction(async (actor) => {
    const r = await extendGrant({ actor, grantId, durationSec: Math.round(Number(text(form, "durationMin")) * 60), justification: text(form, "justification") });
    return { status: r.status };
  });
  revalidatePath(`/grants/${grantId}`);
  return result;
}

export async function forceResolveGrantAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const grantId = text(form, "grantId");
  const result = await runAction(async (actor) => {
    await forceResolveGrant({ actor, grantId, note: text(form, "note") });
    return undefined;
  }, "Grant closed by force-resolve");
  revalidatePath(`/grants/${grantId}`);
  return result;
}

export async function takeCredentialAction(grantId: string): Promise<ActionResult<Credential | null>> {
  return runAction((actor) => takeCredential({ actor, grantId }));
}
