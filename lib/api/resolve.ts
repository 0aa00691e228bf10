import { getDb } from "../db";
import { isUuid } from "../validation";
import { notFound } from "../errors";
import type { Entitlement, Identity, Issuer } from "../generated/prisma/client";


// Wherever the API names an object, its id or its unique name is accepted.

export async function resolveIdentity(ref: string): Promise<Identity> {
  const row = await getDb().identity.findFirst({ where: isUuid(ref) ? { id: ref } : { name: ref } });
  if (!row) throw notFound(`Identity ${JSON.stringify(ref)}`);
  return row;
}

export async function resolveEntitlement(ref: string): Promise<Entitlement & { issuer: Issuer }> {
  const row = await getDb().entitlement.findFirst({ where: isUuid(ref) ? { id: ref } : { name: ref }, include: { issuer: true } });
  if (!row) throw notFound(`Entitlement ${JSON.stringify(ref)}`);
  return row;
}

export async function resolveIdentityId(ref: string): Promise<string> {
  return (await resolveIdentity(ref)).id;
}

export async function resolveEntitlementId(ref: string): Promise<string> {
  return (await resolveEntitlement(ref)).id;
}
