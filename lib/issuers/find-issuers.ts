import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import type { Issuer } from "../generated/prisma/client";

export type IssuerRow = {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  config: unknown;
  hasSecret: boolean;
  lastHealthAt: string | null;
  lastHealthOk: boolean | null;
  lastHealthError: string | null;
  entitlements: number;
};

/** Issuers without their secrets: a sealed secret is never read back out through a listing. */
export async function findIssuers({ actor }: { actor: Actor }): Promise<IssuerRow[]> {
  assertCan(actor, "admin:issuers");
  const rows = await getDb().issuer.findMany({ orderBy: { name: "asc" }, include: { _count: { select: { entitlements: true } } } });
  return rows.map(issuerRow);
}

/** An issuer row as shown: never its secret, only whether it has one. */
export function issuerRow(i: Issuer & { _count: { entitlements: number } }): IssuerRow {
  return {
    id: i.id,
    name: i.name,
    type: i.type,
    enabled: i.enabled,
    config: i.config,
    hasSecret: i.secretSealed !== null,
    lastHealthAt: i.lastHealthAt?.toISOString() ?? null,
    lastHealthOk: i.lastHealthOk,
    lastHealthError: i.lastHealthError,
    entitlements: i._count.entitlements,
  };
}
