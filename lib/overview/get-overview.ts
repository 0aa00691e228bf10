import { getDb } from "../db";
import { can, type Actor } from "../authz";
import { lastDrills, type DrillView } from "../drills/find-drills";

export type Overview = {
  pendingRequests: number | null;
  myPendingRequests: number | null;
  activeGrants: number | null;
  failingRevocations: number | null;
  identities: number | null;
  quarantinedIdentities: number | null;
  openExceptions: number | null;
  exceptionsExpiringSoon: number | null;
  openAttestations: number | null;
  /** The last revocation drill of each issuer. */
  drills: DrillView[] | null;
};

/** Counts for the overview, each only where the actor may see the area behind it (null otherwise). */
export async function getOverview({ actor }: { actor: Actor }): Promise<Overview> {
  const db = getDb();
  const now = new Date();
  const soon = new Date(now.getTime() + 14 * 86400_000);
  const userId = actor.type === "user" ? actor.id : undefined;
  const when = <T>(ok: boolean, q: () => Promise<T>) => (ok ? q() : Promise.resolve(null));

  const [pendingRequests, myPendingRequests, activeGrants, failingRevocations, identities, quarantinedIdentities, openExceptions, exceptionsExpiringSoon, openAttestations, drills] =
    await Promise.all([
      when(can(actor, "request:approve") || can(actor, "request:read_all"), () => db.accessRequest.count({ where: { status: "pending" } })),
      when(can(actor, "request:create") && !!userId, () => db.accessRequest.count({ where: { status: "pending", requesterUserId: userId } })),
      when(can(actor, "grant:read_all"), () => db.grant.count({ where: { status: "active", drill: false } })),
      when(can(actor, "grant:read_all"), () => db.grant.count({ where: { status: { in: ["revoke_failed", "irrevocable"] } } })),
      when(can(actor, "identity:read"), () => db.identity.count({ where: { status: { not: "decommissioned" } } })),
      when(can(actor, "identity:read"), () => db.identity.count({ where: { status: "quarantined" } })),
      when(can(actor, "exception:read"), () => db.exception.count({ where: { status: "accepted" } })),
      when(can(actor, "exception:read"), () => db.exception.count({ where: { status: "accepted", expiresAt: { lte: soon } } })),
      when(can(actor, "attestation:attest") && !!userId, () =>
        db.attestation.count({
          where: {
            decision: null,
            campaign: { status: "open" },
            identity: { OR: [{ ownerUserId: userId }, { ownerTeam: { members: { some: { userId } } } }] },
          },
        }),
      ),
      when(can(actor, "metrics:read") || can(actor, "admin:issuers"), () => lastDrills(db)),
    ]);
  return { pendingRequests, myPendingRequests, activeGrants, failingRevocations, identities, quarantinedIdentities, openExceptions, exceptionsExpiringSoon, openAttestations, drills };
}
