import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { notFound } from "../errors";
import { isUuid } from "../validation";
import { issuerRow, type IssuerRow } from "./find-issuers";

/** One issuer by id or name (admin), without its secret. */
export async function getIssuer({ actor, issuer }: { actor: Actor; issuer: string }): Promise<IssuerRow> {
  assertCan(actor, "admin:issuers");
  const ref = issuer.trim().slice(0, 200);
  const row = await getDb().issuer.findFirst({ where: isUuid(ref) ? { id: ref } : { name: ref }, include: { _count: { select: { entitlements: true } } } });
  if (!row) throw notFound(`Issuer ${ref}`);
  return issuerRow(row);
}
