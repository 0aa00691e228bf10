import type { Tx } from "../db";
import { notFound } from "../errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An identity by its id or its unique name, or not_found. */
export async function resolveIdentity(db: Tx, ref: string) {
  const identity = UUID.test(ref)
    ? ((await db.identity.findUnique({ where: { id: ref } })) ?? (await db.identity.findUnique({ where: { name: ref } })))
    : await db.identity.findUnique({ where: { name: ref } });
  if (!identity) throw notFound(`Identity "${ref}"`);
  return identity;
}
