import { getDb } from "../db";
import { notFound } from "../errors";

const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

/** Wherever the API names an object, its id or its unique name is accepted. */
export async function resolveIdentityId(ref: string): Promise<string> {
  const row = await getDb().identity.findFirst({ where: isUuid(ref) ? { id: ref } : { name: ref }, select: { id: true } });
  if (!row) throw notFound(`Identity ${JSON.stringify(ref)}`);
  return row.id;
}

export async function resolveEntitlementId(ref: string): Promise<string> {
  const row = await getDb().entitlement.findFirst({ where: isUuid(ref) ? { id: ref } : { name: ref }, select: { id: true } });
  if (!row) throw notFound(`Entitlement ${JSON.stringify(ref)}`);
  return row.id;
}
