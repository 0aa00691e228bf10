import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { invalidState, notFound } from "../errors";
import { parseInput } from "../validation";

const input = z.object({
  grantId: z.string().uuid("Unknown grant"),
  note: z.string().trim().min(10, "Record what was checked, in at least 10 characters").max(2000),
});

/**
 * The audited escape hatch for a grant whose revoke could not be confirmed: an admin states that
 * the privilege is gone (checked by hand) and the grant is closed.
 */
export async function forceResolveGrant({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<void> {
  assertCan(actor, "grant:force_resolve");
  const { grantId, note } = parseInput(input, raw);
  await getDb().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Grant" WHERE id = ${grantId}::uuid FOR UPDATE`;
    if (rows.length === 0) throw notFound("Grant");
    const grant = await tx.grant.findUniqueOrThrow({ where: { id: grantId } });
    if (!["irrevocable", "revoke_failed"].includes(grant.status)) throw invalidState("Only a grant whose revoke failed can be force-resolved");
    await tx.grant.update({
      where: { id: grantId },
      data: { status: "revoked", revokedAt: new Date(), nextAttemptAt: null, revokeComment: `force-resolved: ${note}`, credentialSealed: null },
    });
    await appendAudit(tx, actor, { action: "grant.force_resolved", subjectType: "grant", subjectId: grantId, data: { note, was: grant.status, attempts: grant.attempts, lastError: grant.lastError } });
  });
}
