import { z } from "zod";
import { getDb } from "../db";
import type { Actor } from "../authz";
import { appendAudit } from "../audit";
import { forbidden, invalidState, notFound } from "../errors";
import { parseInput } from "../validation";
import { isRequester } from "../identities/ownership";

/** The requester withdraws a request that is still pending. */
export async function cancelRequest({ actor, requestId }: { actor: Actor; requestId: string }): Promise<void> {
  const id = parseInput(z.string().uuid("Unknown request"), requestId);
  await getDb().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "AccessRequest" WHERE id = ${id}::uuid FOR UPDATE`;
    if (rows.length === 0) throw notFound("Request");
    const request = await tx.accessRequest.findUniqueOrThrow({ where: { id } });
    const mine = isRequester(actor, request);
    if (!mine) throw forbidden("Only the requester can cancel a request");
    if (request.status !== "pending") throw invalidState(`This request is already ${request.status}`);
    await tx.accessRequest.update({ where: { id }, data: { status: "cancelled", decidedAt: new Date() } });
    await appendAudit(tx, actor, { action: "request.cancelled", subjectType: "access_request", subjectId: id });
  });
}
