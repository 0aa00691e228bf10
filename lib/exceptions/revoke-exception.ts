import { z } from "zod";
import { getDb } from "../db";
import { can, type Actor } from "../authz";
import { appendAudit } from "../audit";
import { forbidden, invalidState, notFound } from "../errors";
import { parseInput } from "../validation";
import { proposedException } from "../identities/ownership";
import { wakeWorkers } from "../worker/wake";

const input = z.object({
  exceptionId: z.string({ error: "Unknown exception" }).uuid("Unknown exception"),
  comment: z.string({ error: "Say why" }).trim().min(3, "Say why, in a few words").max(2000, "At most 2000 characters"),
});

/**
 * Ends an accepted exception before its end date. Its standing grant moves to `revoking` now; the
 * worker revokes it at the issuer, verifies, and then closes the exception as `revoked`. Security
 * and admins may end any exception; the proposer may give up their own.
 */
export async function revokeException({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<{ id: string; grantStatus: string | null }> {
  const { exceptionId, comment } = parseInput(input, raw);
  return getDb().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Exception" WHERE id = ${exceptionId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notFound("Exception");
    const e = await tx.exception.findUniqueOrThrow({ where: { id: exceptionId } });
    const mine = proposedException(actor, e) && can(actor, "exception:propose");
    if (!can(actor, "exception:review") && !mine) throw forbidden("Only security, an admin or the proposer can end an exception early");
    if (e.status !== "accepted") throw invalidState(`This exception is ${e.status.replaceAll("_", " ")}; only an accepted exception can be ended early`);
    if (e.revokeRequestedAt) throw invalidState("Ending this exception is already under way");

    const grants = await tx.$queryRaw<{ id: string; status: string }[]>`SELECT id, status::text AS status FROM "Grant" WHERE "exceptionId" = ${e.id}::uuid FOR UPDATE`;
    const grant = grants[0] ?? null;
    if (grant?.status === "revoked") throw invalidState("Its standing access has already ended");
    const now = new Date();
    await tx.exception.update({
      where: { id: e.id },
      data: { revokeRequestedAt: now, revokedById: actor.type === "user" ? actor.id : null, revokeComment: comment },
    });
    if (grant && (grant.status === "active" || grant.status === "issuing")) {
      await tx.grant.update({
        where: { id: grant.id },
        data: { status: "revoking", revokeReason: "exception_ended", revokeComment: comment, revokeRequestedAt: now, nextAttemptAt: now, attempts: 0, credentialSealed: null },
      });
      await appendAudit(tx, actor, { action: "grant.revoke_requested", subjectType: "grant", subjectId: grant.id, data: { reason: "exception_ended", comment, was: grant.status } });
    }
    // A grant already ending (window over, or retrying a failed revoke) keeps going as it is.
    await appendAudit(tx, actor, {
      action: "exception.revoke_requested",
      subjectType: "exception",
      subjectId: e.id,
      data: { comment, grantId: grant?.id ?? null, grantStatus: grant?.status ?? null, expiresAt: e.expiresAt?.toISOString() ?? null },
    });
    await wakeWorkers(tx, "grant.revoking");
    return { id: e.id, grantStatus: grant ? (grant.status === "active" || grant.status === "issuing" ? "revoking" : grant.status) : null };
  });
}
