import type { Tx } from "../db";
import { isUuid } from "../validation";
import { notFound } from "../errors";

/** An identity by its id or its unique name, or not_found. */
export async function resolveIdentity(db: Tx, ref: string) {
  const identity = isUuid(ref)
    ? ((await db.identity.findUnique({ where: { id: ref } })) ?? (await db.identity.findUnique({ where: { name: ref } })))
    : await db.identity.findUnique({ where: { name: ref } });
  if (!identity) throw notFound(`Identity "${ref}"`);
  return identity;
}
