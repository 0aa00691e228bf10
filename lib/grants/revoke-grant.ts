import { z } from "zod";
import { getDb } from "../db";
import { can, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { forbidden, invalidState, notFound } from "../errors";
import { parseInput } from "../validation";
import { wakeWorkers } from "../worker/wake";
import { holdsGrant } from "../identities/ownership";

const input = z.object({
  grantId: z.string().uuid("Unknown grant"),
  reason: z.enum(["early", "emergency"]).default("early"),
  comment: z.string().trim().min(3, "Say why, in a few words").max(2000),
});

/**
 * Ends a grant before its window is over. The grant moves to `revoking` now; the worker revokes it
 * at the issuer, verifies, and retries until it is confirmed.
 */
export async function revokeGrant({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<void> {
  const { grantId, reason, comment } = parseInput(input, raw);
  await getDb().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Grant" WHERE id = ${grantId}::uuid FOR UPDATE`;
    if (rows.length === 0) throw notFound("Grant");
    const grant = await tx.grant.findUniqueOrThrow({ where: { id: grantId }, include: { request: { select: { requesterUserId: true, requesterIdentityId: true } } } });
    const ownGrant = holdsGrant(actor, grant);
    if (!can(actor, "grant:revoke") && !ownGrant) throw forbidden("Only security, an admin or the requester can revoke this grant");
    if (!["active", "issuing"].includes(grant.status)) throw invalidState(`This grant is already ${grant.status.replaceAll("_", " ")}`);
    // Due at once on the database's clock, which the workers claim by: a web server whose clock runs
    // ahead would otherwise delay the revoke by its skew.
    const [{ now }] = await tx.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
    await tx.grant.update({
      where: { id: grantId },
      data: { status: "revoking", revokeReason: reason, revokeComment: comment, revokeRequestedAt: now, nextAttemptAt: now, attempts: 0, credentialSealed: null },
    });
    await appendAudit(tx, actor, { action: "grant.revoke_requested", subjectType: "grant", subjectId: grantId, data: { reason, comment, was: grant.status } });
    await wakeWorkers(tx, "grant.revoking");
  });
}
