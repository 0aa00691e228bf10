"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { quarantineIdentity } from "@/lib/identities/quarantine-identity";
import { decommissionIdentity } from "@/lib/identities/decommission-identity";
import { reactivateIdentity } from "@/lib/identities/reactivate-identity";
import { importIdentities } from "@/lib/identities/import-identities";
import { attachDriftToIdentity } from "@/lib/identities/attach-drift-to-identity";
import { adoptDriftAsException } from "@/lib/identities/adopt-drift-as-exception";
import { revokeDrift } from "@/lib/identities/revoke-drift";
import { AppError } from "@/lib/errors";
import { delegate, withdrawDelegation } from "@/lib/delegations/delegations";
import { transferOwnership } from "@/lib/identities/transfer-ownership";
import { field, formAction, objectAction } from "@/lib/web/action";

const statusChanges = { quarantine: quarantineIdentity, decommission: decommissionIdentity, reactivate: reactivateIdentity } as const;

export const changeIdentityStatusAction = formAction(
  z.strictObject({ identityId: field.text(100), change: field.text(20), reason: field.text() }),
  async (actor, f) => {
    const change = Object.hasOwn(statusChanges, f.change) ? statusChanges[f.change as keyof typeof statusChanges] : undefined;
    if (!change) throw new AppError("bad_request", "Choose quarantine, decommission or reactivate");
    return change({ actor, identityId: f.identityId, reason: f.reason });
  },
  { after: (_r, input) => input && revalidatePath(`/identities/${input.identityId}`) },
);

const importFile = z.strictObject({ format: z.enum(["csv", "json"]), content: z.string().max(5_000_000), upsert: z.boolean() });
export type ImportFile = z.input<typeof importFile>;

export const previewImportAction = objectAction(importFile, (actor, file) => importIdentities({ ...file, dryRun: true, actor }));

export const importIdentitiesAction = objectAction(importFile, (actor, file) => importIdentities({ ...file, dryRun: false, actor }), {
  after: (r) => r.ok && revalidatePath("/identities"),
});

const driftRef = { issuerId: field.text(100), principal: field.text(200) };
const refreshDrift = (r: { ok: boolean }) => r.ok && revalidatePath("/identities/drift");

export const attachDriftAction = formAction(
  z.strictObject({ ...driftRef, privilege: field.optionalText(200), identity: field.text(200), note: field.text() }),
  (actor, f) => attachDriftToIdentity({ actor, issuerId: f.issuerId, principal: f.principal, identity: f.identity, note: f.note }),
  { message: "Attached", after: refreshDrift },
);

export const adoptDriftAction = formAction(
  z.strictObject({ ...driftRef, privilege: field.text(200), identity: field.text(200), justification: field.text(), compensatingControls: field.text(), days: field.optionalText(10) }),
  (actor, f) =>
    adoptDriftAsException({
      actor,
      issuerId: f.issuerId,
      principal: f.principal,
      privilege: f.privilege,
      identity: f.identity,
      justification: f.justification,
      compensatingControls: f.compensatingControls,
      days: f.days ? Number(f.days) : undefined,
    }),
  { message: "Exception proposed for review", after: refreshDrift },
);

export const revokeDriftAction = formAction(
  z.strictObject({ ...driftRef, privilege: field.text(200), reason: field.text(), endSessions: field.checkbox() }),
  async (actor, f) => {
    const r = await revokeDrift({ actor, issuerId: f.issuerId, principal: f.principal, privilege: f.privilege, reason: f.reason, endSessions: f.endSessions });
    return { sessionsEnded: r.sessionsEnded };
  },
  { message: "Revoked at the target", after: refreshDrift },
);

const refreshIdentity = (_r: unknown, input: { principal: string } | undefined) => input && revalidatePath(`/identities/${input.principal}`);

export const delegateAction = formAction(
  z.strictObject({ principal: field.text(100), agent: field.text(200), entitlements: field.text(4000), endsOn: field.text(20), reason: field.text() }),
  (actor, f) =>
    delegate(actor, {
      principal: f.principal,
      agent: f.agent.trim(),
      entitlements: f.entitlements.split(/[\s,]+/).filter(Boolean),
      // The end is the end of that day, in UTC like every date on screen.
      endsAt: /^\d{4}-\d{2}-\d{2}$/.test(f.endsOn) ? `${f.endsOn}T23:59:59.000Z` : f.endsOn,
      reason: f.reason,
    }),
  { message: (_i, d) => `${d.agent} may now ask for ${d.entitlements.length} entitlement${d.entitlements.length === 1 ? "" : "s"} on its behalf`, after: refreshIdentity },
);

export const withdrawDelegationAction = formAction(
  z.strictObject({ principal: field.text(100), agent: field.text(100), reason: field.text() }),
  (actor, f) => withdrawDelegation(actor, f),
  { message: (_i, d) => `Withdrawn${d.grantsRevoking ? `; ${d.grantsRevoking} grant${d.grantsRevoking === 1 ? "" : "s"} it obtained being revoked` : ""}`, after: refreshIdentity },
);

export const transferOwnershipAction = formAction(
  // The new owner comes as "user:<id>" or "team:<id>" from one select.
  z.strictObject({ identityId: field.text(100), to: z.string().regex(/^(user|team):[0-9a-f-]{36}$/i, "Choose the new owner"), reason: field.text() }),
  (actor, f) => {
    const [type, id] = f.to.split(":") as ["user" | "team", string];
    return transferOwnership(actor, { identityId: f.identityId, to: { type, id }, reason: f.reason });
  },
  { message: (_i, d) => `${d.name} now belongs to ${d.to}`, after: (_r, input) => input && revalidatePath(`/identities/${input.identityId}`) },
);
