import { z } from "zod";
import { getDb } from "../db";
import type { Actor } from "../authz";
import { appendAudit } from "../audit";
import { forbidden, invalidState, notFound } from "../errors";
import { parseInput } from "../validation";
import { holdsGrant } from "../identities/ownership";

const input = z.object({
  grantId: z.string().uuid("Unknown grant"),
  at: z.iso.datetime({ offset: true }).optional(),
  count: z.number().int().min(1).max(10_000).default(1),
  detail: z.string().trim().max(500).optional(),
});

/** "The privilege was used": feeds first/last use and the "was it used" metric. */
export async function reportUsage({ actor, ...raw }: { actor: Actor } & z.input<typeof input>) {
  const { grantId, at, count, detail } = parseInput(input, raw);
  return getDb().$transaction(async (tx) => {
    const g = await tx.grant.findUnique({
      where: { id: grantId },
      include: { request: { select: { requesterUserId: true, requesterIdentityId: true } }, exception: { select: { proposedById: true } } },
    });
    if (!g) throw notFound("Grant");
    const mine = holdsGrant(actor, g) || actor.type === "system";
    if (!mine) throw forbidden("Only the grant's identity or requester reports its use");
    if (!g.issuedAt) throw invalidState("The grant was never issued");
    const when = at ? new Date(at) : new Date();
    const updated = await tx.grant.update({
      where: { id: grantId },
      data: {
        useCount: { increment: count },
        firstUsedAt: g.firstUsedAt && g.firstUsedAt < when ? g.firstUsedAt : when,
        lastUsedAt: g.lastUsedAt && g.lastUsedAt > when ? g.lastUsedAt : when,
      },
    });
    await appendAudit(tx, actor, { action: "grant.used", subjectType: "grant", subjectId: grantId, data: { count, at: when.toISOString(), ...(detail ? { detail } : {}) } });
    return { id: grantId, useCount: updated.useCount, firstUsedAt: updated.firstUsedAt?.toISOString() ?? null, lastUsedAt: updated.lastUsedAt?.toISOString() ?? null };
  });
}
