import { getDb } from "../db";
import { can, type Actor } from "../authz";
import { forbidden } from "../errors";

/** The choices of the grants list's filters: every entitlement and issuer by name. */
export async function findGrantFilterOptions({ actor }: { actor: Actor }) {
  if (!can(actor, "grant:read_all") && !can(actor, "request:create")) throw forbidden();
  const db = getDb();
  const [entitlements, issuers] = await Promise.all([
    db.entitlement.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db.issuer.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  return { entitlements, issuers };
}
