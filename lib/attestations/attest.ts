import { z } from "zod";
import { getDb, type Tx } from "../db";
import { assertCan, rolePermissions, type Actor, type RoleName, type UserActor } from "../authz";
import { appendAudit } from "../audit";
import { AppError, forbidden, invalidState, notFound, type ErrorCode } from "../errors";
import { parseInput } from "../validation";
import { operatesIdentity } from "../identities/ownership";
import { withdrawIdentity } from "../identities/withdraw-identity";

export const attestationDecisions = ["keep", "reduce", "decommission", "reassign"] as const;
export type AttestationDecision = (typeof attestationDecisions)[number];

const decisionFields = z.object({
  decision: z.enum(attestationDecisions, "Choose keep, reduce, decommission or reassign"),
  comment: z.string().trim().max(2000).default(""),
  newOwnerUserId: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().uuid("Choose the new owner").optional()),
});

const decisionRules = (v: z.output<typeof decisionFields>, ctx: z.RefinementCtx) => {
  if (v.decision !== "keep" && v.comment.length < 3) {
    ctx.addIssue({ code: "custom", path: ["comment"], message: `Say why you ${v.decision} it, in a few words` });
  }
  if (v.decision === "reassign" && !v.newOwnerUserId) ctx.addIssue({ code: "custom", path: ["newOwnerUserId"], message: "Choose the new owner" });
};

const decisionInput = decisionFields.superRefine(decisionRules);
const attestInput = decisionFields
  .extend({ attestationIds: z.array(z.string().uuid("Unknown attestation")).min(1, "Select at least one identity").max(200, "At most 200 at once") })
  .superRefine(decisionRules);

type Decided = z.output<typeof decisionInput>;
type NewOwner = { id: string; name: string; email: string } | null;

export type AttestResult = { attestationId: string; ok: boolean; identity?: string; error?: string; code?: ErrorCode };

/**
 * Owners answer attestations, one or many at once. Each row is decided in its own transaction, so
 * one refusal (someone else's identity, an already answered row) does not stop the rest.
 */
export async function attest({ actor, ...raw }: { actor: Actor } & z.input<typeof attestInput>): Promise<AttestResult[]> {
  assertCan(actor, "attestation:attest");
  if (actor.type !== "user") throw forbidden("Only people attest identities");
  const input = parseInput(attestInput, raw);
  const newOwner = input.decision === "reassign" ? await loadNewOwner(input.newOwnerUserId!) : null;
  const results: AttestResult[] = [];
  for (const attestationId of [...new Set(input.attestationIds)]) {
    try {
      const identity = await getDb().$transaction((tx) => attestInTx(tx, actor, attestationId, input, newOwner));
      results.push({ attestationId, ok: true, identity });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      results.push({ attestationId, ok: false, error: e.message, code: e.code });
    }
  }
  return results;
}

/** One attestation; throws the reason it was refused. */
export async function attestOne({ actor, attestationId, ...rest }: { actor: Actor; attestationId: string } & z.input<typeof decisionInput>): Promise<void> {
  const [result] = await attest({ actor, attestationIds: [attestationId], ...rest });
  if (!result.ok) throw new AppError((result.code ?? "invalid_state") as ErrorCode, result.error ?? "Refused");
}

async function loadNewOwner(userId: string): Promise<NewOwner> {
  const user = await getDb().user.findUnique({ where: { id: userId } });
  if (!user || !user.active) throw notFound("New owner");
  const canOwn = (user.roles as RoleName[]).some((r) => rolePermissions[r]?.includes("attestation:attest"));
  if (!canOwn) throw new AppError("validation_failed", `${user.name} cannot own identities: they do not hold the owner role`, { fields: { newOwnerUserId: "Not an owner" } });
  return { id: user.id, name: user.name, email: user.email };
}

async function attestInTx(tx: Tx, actor: UserActor, attestationId: string, input: Decided, newOwner: NewOwner): Promise<string> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Attestation" WHERE id = ${attestationId}::uuid FOR UPDATE`;
  if (locked.length === 0) throw notFound("Attestation");
  const row = await tx.attestation.findUniqueOrThrow({ where: { id: attestationId }, include: { campaign: true } });
  // The identity is locked too: two campaigns' rows for one identity are decided one at a time.
  await tx.$queryRaw`SELECT id FROM "Identity" WHERE id = ${row.identityId}::uuid FOR UPDATE`;
  const identity = await tx.identity.findUniqueOrThrow({ where: { id: row.identityId } });
  if (!(await operatesIdentity(tx, actor, identity))) {
    throw forbidden(`Only the owner of ${identity.name} or a member of its owning team can attest it`);
  }
  if (row.campaign.status !== "open") throw invalidState(`The campaign "${row.campaign.name}" is closed`);
  if (row.decision) throw invalidState(`${identity.name} is already attested (${row.decision})`);
  if (identity.status === "decommissioned") throw invalidState(`${identity.name} is already decommissioned`);
  if (newOwner && identity.ownerUserId === newOwner.id && !identity.ownerTeamId) {
    throw new AppError("validation_failed", `${newOwner.name} already owns ${identity.name}`, { fields: { newOwnerUserId: "Already the owner" } });
  }

  const now = new Date();
  await tx.attestation.update({
    where: { id: attestationId },
    data: { decision: input.decision, comment: input.comment, attestedById: actor.id, attestedAt: now },
  });
  await tx.identity.update({ where: { id: identity.id }, data: { lastAttestedAt: now } });
  await appendAudit(tx, actor, {
    action: "attestation.recorded",
    subjectType: "identity",
    subjectId: identity.id,
    data: { campaign: row.campaign.name, campaignId: row.campaignId, attestationId, decision: input.decision, by: actor.email, comment: input.comment, ...(newOwner ? { newOwner: newOwner.email } : {}) },
  });

  if (input.decision === "reassign" && newOwner) {
    // The attester hands the identity to one person; the old owning team no longer answers for it.
    await tx.identity.update({ where: { id: identity.id }, data: { ownerUserId: newOwner.id, ownerTeamId: null } });
    await tx.identityOwnerChange.create({
      data: {
        identityId: identity.id,
        fromUserId: identity.ownerUserId,
        fromTeamId: identity.ownerTeamId,
        toUserId: newOwner.id,
        toTeamId: null,
        changedById: actor.id,
        reason: input.comment,
      },
    });
    await appendAudit(tx, actor, {
      action: "identity.owner_changed",
      subjectType: "identity",
      subjectId: identity.id,
      data: { fromUserId: identity.ownerUserId, fromTeamId: identity.ownerTeamId, toUserId: newOwner.id, to: newOwner.email, reason: input.comment, via: "attestation" },
    });
  } else if (input.decision === "decommission") {
    await withdrawIdentity(tx, actor, {
      identityId: identity.id,
      status: "decommissioned",
      comment: input.comment,
      context: { via: "attestation", campaign: row.campaign.name, attestationId },
      now,
    });
  }
  return identity.name;
}
