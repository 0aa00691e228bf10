import { getDb } from "../db";
import { can, type Actor } from "../authz";
import { forbidden } from "../errors";
import { heldGrants } from "../identities/ownership";
import type { GrantStatus, Prisma } from "../generated/prisma/client";

const names = { identity: { select: { name: true } }, entitlement: { select: { name: true } } } as const;

export type ListedGrant = Prisma.GrantGetPayload<{ include: typeof names }>;

/**
 * Grants newest first, keyset-paged for machines: every grant for those who read them all, else
 * those the actor holds (a person's requests and proposals; an identity's own and what it asked for).
 */
export async function listGrants({
  actor,
  identityId,
  status,
  cursor,
  limit,
}: {
  actor: Actor;
  identityId?: string;
  status?: GrantStatus;
  /** The id of the last grant of the previous page. */
  cursor?: string;
  limit: number;
}): Promise<{ grants: ListedGrant[]; nextCursor: string | null }> {
  const all = can(actor, "grant:read_all");
  if (!all && actor.type !== "identity" && !(actor.type === "user" && can(actor, "request:create"))) throw forbidden();
  const where: Prisma.GrantWhereInput = { AND: [all ? {} : heldGrants(actor), identityId ? { identityId } : {}, status ? { status } : {}] };
  const rows = await getDb().grant.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    include: names,
  });
  const grants = rows.slice(0, limit);
  return { grants, nextCursor: rows.length > limit ? grants[grants.length - 1].id : null };
}
