import { getDb } from "../db";
import { isUuid } from "../validation";
import { notFound } from "../errors";
import { resolveIdentity as resolveIdentityRow } from "../identities/resolve-identity";
import type { Entitlement, Identity } from "../generated/prisma/client";
import { issuerFromJson, type EntitlementWithIssuer } from "../raw-rows";

// Wherever the API names an object, its id or its unique name is accepted.

export async function resolveIdentity(ref: string): Promise<Identity> {
  return resolveIdentityRow(getDb(), ref);
}

/** The entitlement with its issuer, in one plain query (the machine API reads it on every request). */
export async function resolveEntitlement(ref: string): Promise<EntitlementWithIssuer> {
  const db = getDb();
  type Row = Entitlement & { issuer: Record<string, unknown> };
  const rows = isUuid(ref)
    ? await db.$queryRaw<Row[]>`SELECT e.*, to_jsonb(i) AS issuer FROM "Entitlement" e JOIN "Issuer" i ON i.id = e."issuerId" WHERE e.id = ${ref}::uuid`
    : await db.$queryRaw<Row[]>`SELECT e.*, to_jsonb(i) AS issuer FROM "Entitlement" e JOIN "Issuer" i ON i.id = e."issuerId" WHERE e.name = ${ref}`;
  if (!rows[0]) throw notFound(`Entitlement ${JSON.stringify(ref)}`);
  return { ...rows[0], issuer: issuerFromJson(rows[0].issuer) };
}

export async function resolveIdentityId(ref: string): Promise<string> {
  return (await resolveIdentity(ref)).id;
}

export async function resolveEntitlementId(ref: string): Promise<string> {
  return (await resolveEntitlement(ref)).id;
}
