import { getDb } from "../db";
import { canAny, type Actor } from "../authz";
import { forbidden } from "../errors";
import type { Entitlement, Issuer } from "../generated/prisma/client";

export type EntitlementRow = {
  id: string;
  name: string;
  description: string;
  issuer: string;
  issuerType: string;
  environment: string;
  riskTier: string;
  target: unknown;
  maxDurationSec: number;
  defaultDurationSec: number;
  approvalsRequired: number;
  securityApprovalRequired: boolean;
  breakGlassAllowed: boolean;
  responseTargetSec: number;
  requestTtlSec: number;
  enabled: boolean;
  issuerEnabled: boolean;
};

/** Entitlements: what requesters choose from, and what admins configure. */
export async function findEntitlements({ actor }: { actor: Actor }): Promise<EntitlementRow[]> {
  if (!canAny(actor, ["admin:entitlements", "request:create", "request:read_all"])) throw forbidden();
  // Drill canaries are configuration only admins see, after everything that can be requested.
  const admin = canAny(actor, ["admin:entitlements"]);
  const rows = await getDb().entitlement.findMany({
    where: admin ? {} : { canary: false },
    orderBy: [{ canary: "asc" }, { environment: "asc" }, { name: "asc" }],
    include: { issuer: { select: { name: true, type: true, enabled: true } } },
  });
  return rows.map(toEntitlementRow);
}

/** An entitlement row with its issuer's name, type and state, as the lists and the admin page show it. */
export function toEntitlementRow(e: Entitlement & { issuer: Pick<Issuer, "name" | "type" | "enabled"> }): EntitlementRow {
  return {
    id: e.id,
    name: e.name,
    description: e.description,
    issuer: e.issuer.name,
    issuerType: e.issuer.type,
    environment: e.environment,
    riskTier: e.riskTier,
    target: e.target,
    maxDurationSec: e.maxDurationSec,
    defaultDurationSec: e.defaultDurationSec,
    approvalsRequired: e.approvalsRequired,
    securityApprovalRequired: e.securityApprovalRequired,
    breakGlassAllowed: e.breakGlassAllowed,
    responseTargetSec: e.responseTargetSec,
    requestTtlSec: e.requestTtlSec,
    enabled: e.enabled,
    issuerEnabled: e.issuer.enabled,
  };
}
