import { getDb } from "../db";
import { assertCan, rolePermissions, roles, type Actor } from "../authz";

export type OwnerCandidate = { id: string; name: string; email: string };

/** People an identity can be reassigned to in an attestation: active users whose roles let them attest. */
export async function findOwnerCandidates({ actor }: { actor: Actor }): Promise<OwnerCandidate[]> {
  assertCan(actor, "attestation:attest");
  const owning = roles.filter((r) => rolePermissions[r].includes("attestation:attest"));
  return getDb().user.findMany({
    where: { active: true, roles: { hasSome: owning } },
    orderBy: { name: "asc" },
    select: { id: true, name: true, email: true },
    take: 1000,
  });
}
