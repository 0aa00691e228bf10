import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { notFound } from "../errors";
import { parseInput } from "../validation";
import { DRIFT_ATTACHED, attachmentKey, loadDriftAttachments } from "./drift-attachments";
import { driftPrincipal, identityRef, issuerIdInput } from "./drift-rules";
import { resolveIdentity } from "./resolve-identity";

const input = z.object({
  issuerId: issuerIdInput,
  principal: driftPrincipal,
  /** The identity's id or unique name. */
  identity: identityRef,
  note: z.string().trim().max(2000).optional().transform((v) => v || undefined),
});

/**
 * Records that a principal found by discovery (a login role, an account) belongs to an identity
 * of the inventory. The finding stays drift until an exception covers it or it is revoked, but it
 * now has an owner to answer for it. Attaching again to another identity moves it.
 */
export async function attachDriftToIdentity({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<{ identityId: string; changed: boolean }> {
  assertCan(actor, "identity:quarantine");
  const { issuerId, principal, identity: ref, note } = parseInput(input, raw);
  return getDb().$transaction(async (tx) => {
    const issuer = await tx.issuer.findUnique({ where: { id: issuerId }, select: { id: true, name: true } });
    if (!issuer) throw notFound("Issuer");
    const identity = await resolveIdentity(tx, ref);
    const current = (await loadDriftAttachments(tx, { issuerId })).get(attachmentKey(issuerId, principal));
    if (current?.identityId === identity.id) return { identityId: identity.id, changed: false };
    await appendAudit(tx, actor, {
      action: DRIFT_ATTACHED,
      subjectType: "identity",
      subjectId: identity.id,
      data: { issuerId, issuer: issuer.name, principal, identity: identity.name, ...(current ? { movedFrom: current.identityId } : {}), ...(note ? { note } : {}) },
    });
    return { identityId: identity.id, changed: true };
  });
}
