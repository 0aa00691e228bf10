import { z } from "zod";
import { getDb } from "../db";
import { can, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { forbidden, invalidState, notFound } from "../errors";
import { parseInput } from "../validation";
import { wakeWorkers } from "../worker/wake";
import { holdsGrant } from "../identities/ownership";
import type { Prisma } from "../generated/prisma/client";

const input = z.object({
  grantId: z.string().uuid("Unknown grant"),
  reason: z.enum(["early", "emergency"]).default("early"),
  comment: z.string().trim().min(3, "Say why, in a few words").max(2000),
});

const names = { identity: { select: { name: true } }, entitlement: { select: { name: true } } } as const;

/** The grant as the revoke left it (now `revoking`), with the names a response shows. */
export type RevokingGrant = Prisma.GrantGetPayload<{ include: typeof names }>;

/**
 * Ends a grant before its window is over. The grant moves to `revoking` now; the worker revokes it
 * at the issuer, verifies, and retries until it is confirmed.
 */
export async function revokeGrant({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<RevokingGrant> {
  const { grantId, reason, comment } = parseInput(input, raw);
  return getDb().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Grant" WHERE id = ${grantId}::uuid FOR UPDATE`;
    if (rows.length === 0) throw notFound("Grant");
    const grant = await tx.grant.findUniqueOrThrow({
      where: { id: grantId },
      include: { request: { select: { requesterUserId: true, requesterIdentityId: true } }, exception: { select: { proposedById: true } } },
    });
    if (!can(actor, "grant:revoke")) {
      if (!holdsGrant(actor, grant)) throw forbidden("Only security, an admin or the requester can revoke this grant");
      if (grant.exceptionId) throw invalidState("Standing access ends with its exception: revoke the exception instead");
    }
    if (!["active", "issuing"].includes(grant.status)) throw invalidState(`This grant is already ${grant.status.replaceAll("_", " ")}`);
    // Due at once on the database's clock, which the workers claim by: a web server whose clock runs
    // ahead would otherwise delay the revoke by its skew.
    const [{ now }] = await tx.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
    const revoking = await tx.grant.update({
      where: { id: grantId },
      data: { status: "revoking", revokeReason: reason, revokeComment: comment, revokeRequestedAt: now, nextAttemptAt: now, attempts: 0, credentialSealed: null },
      include: names,
    });
    await appendAudit(tx, actor, { action: "grant.revoke_requested", subjectType: "grant", subjectId: grantId, data: { reason, comment, was: grant.status } });
    await wakeWorkers(tx, "grant.revoking");
    return revoking;
  });
}
