import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { driverFor } from "../issuers/registry";
import type { StandingPrivilege } from "../issuers/types";
import type { ExceptionStatus, IssuerType } from "../generated/prisma/client";
import { LIVE_GRANT_STATUSES } from "./find-identities";
import { attachmentKey, loadDriftAttachments } from "./drift-attachments";
import { privilegeOfTarget } from "./drift-rules";
import { withDeadline } from "../concurrency";

const DISCOVER_TIMEOUT_MS = 15_000;

export type DriftFinding = {
  /** issuer id, principal and privilege: stable across scans. */
  key: string;
  issuerId: string;
  principal: string;
  privilege: string;
  detail: Record<string, unknown>;
  /** The identity this principal was attached to (drift.attached), if any. */
  attachedTo: { id: string; name: string; status: string } | null;
  /** The entitlement that grants this privilege through the issuer, if one is configured. */
  entitlement: { id: string; name: string } | null;
  /** An exception proposed for it (attached identity + entitlement) and not yet decided. */
  exception: { id: string; status: ExceptionStatus } | null;
};

export type DriftIssuerReport = {
  id: string;
  name: string;
  type: IssuerType;
  /** The issuer's driver can list what exists in the target. */
  supported: boolean;
  ok: boolean;
  error?: string;
  findings: DriftFinding[];
  /** Standing privileges found that Hourglass accounts for (a live grant or an accepted exception). */
  managed: number;
};

export type DriftReport = { scannedAt: string; issuers: DriftIssuerReport[]; findings: number };

/**
 * Asks every enabled issuer that can list its target for the standing privileges there, and
 * reports those Hourglass did not grant: no live grant holds them and no accepted exception
 * covers them. Each finding is then adopted as an exception, revoked, or attached to an identity.
 * Security or an admin.
 */
export async function discoverDrift({ actor }: { actor: Actor }): Promise<DriftReport> {
  assertCan(actor, "identity:quarantine");
  const db = getDb();
  const issuers = await db.issuer.findMany({ where: { enabled: true }, orderBy: { name: "asc" } });
  const [attachments, entitlements, liveRefs] = await Promise.all([
    loadDriftAttachments(db),
    db.entitlement.findMany({ where: { issuerId: { in: issuers.map((i) => i.id) } }, select: { id: true, name: true, issuerId: true, target: true, environment: true } }),
    db.grant.findMany({ where: { issuerId: { in: issuers.map((i) => i.id) }, status: { in: [...LIVE_GRANT_STATUSES] }, issuerRef: { not: null } }, select: { issuerId: true, issuerRef: true } }),
  ]);
  const attachedIds = [...new Set([...attachments.values()].map((a) => a.identityId))];
  const [identities, exceptions] = await Promise.all([
    db.identity.findMany({ where: { id: { in: attachedIds } }, select: { id: true, name: true, status: true, environment: true } }),
    db.exception.findMany({
      where: { identityId: { in: attachedIds }, status: { in: ["proposed", "changes_requested", "accepted"] } },
      select: { id: true, identityId: true, entitlementId: true, status: true },
      orderBy: { createdAt: "desc" },
    }),
  ]);
  const identityById = new Map(identities.map((i) => [i.id, i]));
  const live = new Set(liveRefs.map((g) => `${g.issuerId}\u0000${g.issuerRef}`));

  const scanned = await Promise.all(
    issuers.map(async (issuer): Promise<DriftIssuerReport> => {
      const base = { id: issuer.id, name: issuer.name, type: issuer.type };
      let found: StandingPrivilege[];
      try {
        const driver = await driverFor(issuer);
        const discover = driver.discover?.bind(driver);
        if (!discover) return { ...base, supported: false, ok: true, findings: [], managed: 0 };
        found = await withDeadline(issuer.name, DISCOVER_TIMEOUT_MS, discover);
      } catch (e) {
        return { ...base, supported: true, ok: false, error: e instanceof Error ? e.message : String(e), findings: [], managed: 0 };
      }
      const mine = entitlements.filter((e) => e.issuerId === issuer.id);
      const findings: DriftFinding[] = [];
      let managed = 0;
      for (const p of found) {
        if (live.has(`${issuer.id}\u0000${p.principal}`)) {
          managed++;
          continue;
        }
        const attachment = attachments.get(attachmentKey(issuer.id, p.principal));
        const identity = attachment ? identityById.get(attachment.identityId) : undefined;
        const candidates = mine.filter((e) => privilegeOfTarget(e.target) === p.privilege);
        const entitlement = candidates.find((e) => e.environment === identity?.environment) ?? candidates[0] ?? null;
        const open = identity ? exceptions.filter((x) => x.identityId === identity.id && candidates.some((c) => c.id === x.entitlementId)) : [];
        if (open.some((x) => x.status === "accepted")) {
          managed++;
          continue;
        }
        findings.push({
          key: `${issuer.id}:${p.principal}:${p.privilege}`,
          issuerId: issuer.id,
          principal: p.principal,
          privilege: p.privilege,
          detail: p.detail ?? {},
          attachedTo: identity ? { id: identity.id, name: identity.name, status: identity.status } : null,
          entitlement: entitlement ? { id: entitlement.id, name: entitlement.name } : null,
          exception: open[0] ? { id: open[0].id, status: open[0].status } : null,
        });
      }
      return { ...base, supported: true, ok: true, findings, managed };
    }),
  );
  return { scannedAt: new Date().toISOString(), issuers: scanned, findings: scanned.reduce((n, i) => n + i.findings.length, 0) };
}
