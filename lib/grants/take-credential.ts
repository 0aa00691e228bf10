import { getDb } from "../db";
import type { Actor } from "../authz";
import { appendAudit } from "../audit";
import { receivesCredential } from "../identities/ownership";
import { unsealJson } from "../crypto/seal";
import type { Credential } from "../issuers/types";

/**
 * Hands the credential of a freshly issued grant to its requester (or, for standing access, to
 * the exception's proposer), once: it is erased in the
 * same transaction, so a second read (or anyone else) gets metadata only.
 */
export async function takeCredential({ actor, grantId }: { actor: Actor; grantId: string }): Promise<Credential | null> {
  return getDb().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Grant" WHERE id = ${grantId}::uuid AND "credentialSealed" IS NOT NULL FOR UPDATE`;
    if (rows.length === 0) return null;
    const grant = await tx.grant.findUniqueOrThrow({
      where: { id: grantId },
      include: { request: { select: { requesterUserId: true, requesterIdentityId: true } }, exception: { select: { proposedById: true } } },
    });
    if (!receivesCredential(actor, grant) || grant.status !== "active" || !grant.credentialSealed) return null;
    await tx.grant.update({ where: { id: grantId }, data: { credentialSealed: null, credentialDeliveredAt: new Date() } });
    await appendAudit(tx, actor, { action: "grant.credential_delivered", subjectType: "grant", subjectId: grantId });
    return unsealJson<Credential>(grant.credentialSealed);
  });
}
