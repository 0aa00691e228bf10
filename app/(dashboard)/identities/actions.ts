"use server";

import { revalidatePath } from "next/cache";
import { quarantineIdentity } from "@/lib/identities/quarantine-identity";
import { decommissionIdentity } from "@/lib/identities/decommission-identity";
import { reactivateIdentity } from "@/lib/identities/reactivate-identity";
import { importIdentities, type ImportReport } from "@/lib/identities/import-identities";
import { attachDriftToIdentity } from "@/lib/identities/attach-drift-to-identity";
import { adoptDriftAsException } from "@/lib/identities/adopt-drift-as-exception";
import { revokeDrift } from "@/lib/identities/revoke-drift";
import type { IdentityStatusChange } from "@/lib/identities/change-identity-status";
import { AppError } from "@/lib/errors";
import { runAction, type ActionResult } from "@/lib/web/action";

const text = (form: FormData, key: string) => String(form.get(key) ?? "");

const statusChanges = { quarantine: quarantineIdentity, decommission: decommissionIdentity, reactivate: reactivateIdentity } as const;

export async function changeIdentityStatusAction(_prev: ActionResult<IdentityStatusChange> | null, form: FormData): Promise<ActionResult<IdentityStatusChange>> {
  const identityId = text(form, "identityId");
  const change = statusChanges[text(form, "change") as keyof typeof statusChanges];
  const result = await runAction(async (actor) => {
    if (!change) throw new AppError("bad_request", "Choose quarantine, decommission or reactivate");
    return change({ actor, identityId, reason: text(form, "reason") });
  });
  revalidatePath(`/identities/${identityId}`);
  return result;
}

export type ImportFile = { format: "csv" | "json"; content: string; upsert: boolean };

export async function previewImportAction(file: ImportFile): Promise<ActionResult<ImportReport>> {
  return runAction((actor) => importIdentities({ actor, ...file, dryRun: true }));
}

export async function importIdentitiesAction(file: ImportFile): Promise<ActionResult<ImportReport>> {
  const result = await runAction((actor) => importIdentities({ actor, ...file, dryRun: false }));
  if (result.ok) revalidatePath("/identities");
  return result;
}

export async function attachDriftAction(_prev: ActionResult<{ identityId: string }> | null, form: FormData): Promise<ActionResult<{ identityId: string }>> {
  const result = await runAction(
    (actor) => attachDriftToIdentity({ actor, issuerId: text(form, "issuerId"), principal: text(form, "principal"), identity: text(form, "identity"), note: text(form, "note") }),
    "Attached",
  );
  if (result.ok) revalidatePath("/identities/drift");
  return result;
}

export async function adoptDriftAction(_prev: ActionResult<{ exceptionId: string }> | null, form: FormData): Promise<ActionResult<{ exceptionId: string }>> {
  const result = await runAction(
    (actor) =>
      adoptDriftAsException({
        actor,
        issuerId: text(form, "issuerId"),
        principal: text(form, "principal"),
        privilege: text(form, "privilege"),
        identity: text(form, "identity"),
        justification: text(form, "justification"),
        compensatingControls: text(form, "compensatingControls"),
        days: text(form, "days") ? Number(text(form, "days")) : undefined,
      }),
    "Exception proposed for review",
  );
  if (result.ok) revalidatePath("/identities/drift");
  return result;
}

export async function revokeDriftAction(_prev: ActionResult<{ sessionsEnded: number }> | null, form: FormData): Promise<ActionResult<{ sessionsEnded: number }>> {
  const result = await runAction(async (actor) => {
    const r = await revokeDrift({
      actor,
      issuerId: text(form, "issuerId"),
      principal: text(form, "principal"),
      privilege: text(form, "privilege"),
      reason: text(form, "reason"),
      endSessions: form.get("endSessions") === "on",
    });
    return { sessionsEnded: r.sessionsEnded };
  }, "Revoked at the target");
  if (result.ok) revalidatePath("/identities/drift");
  return result;
}
