// How a request is routed at the moment it is made: approve at once, ask people, or refuse.
// These built-in rules follow the entitlement's own settings.

export type Outcome = "auto_approve" | "require_approval" | "deny";

export type Decision = {
  outcome: Outcome;
  reasons: string[];
  policyIds: string[];
  policyVersion: number | null;
  approvalsRequired: number;
  securityApprovalRequired: boolean;
  /** The longest window the decision allows; the grant is capped to it. */
  maxDurationSec: number;
  context: Record<string, unknown>;
};

export type RouteInput = {
  identity: { status: string; kind: string; environment: string };
  entitlement: {
    environment: string;
    riskTier: string;
    maxDurationSec: number;
    approvalsRequired: number;
    securityApprovalRequired: boolean;
    breakGlassAllowed: boolean;
  };
  durationSec: number;
  breakGlass: boolean;
  context: { ticketRef?: string | null; incidentRef?: string | null; changeRef?: string | null; jobRef?: string | null };
};

/** Longest break-glass window, whatever the entitlement allows. */
export const BREAK_GLASS_MAX_SEC = 3600;

export function routeRequest(input: RouteInput): Decision {
  const { identity, entitlement, durationSec, breakGlass } = input;
  const context = {
    identityKind: identity.kind,
    environment: entitlement.environment,
    riskTier: entitlement.riskTier,
    durationSec,
    breakGlass,
    ...Object.fromEntries(Object.entries(input.context).filter(([, v]) => v)),
  };
  const base = {
    policyVersion: null,
    approvalsRequired: entitlement.approvalsRequired,
    securityApprovalRequired: entitlement.securityApprovalRequired,
    maxDurationSec: entitlement.maxDurationSec,
    context,
  };
  if (identity.status !== "active") {
    return { ...base, outcome: "deny", reasons: [`The identity is ${identity.status}`], policyIds: ["builtin:identity-active"] };
  }
  if (breakGlass) {
    if (!entitlement.breakGlassAllowed) {
      return { ...base, outcome: "deny", reasons: ["This entitlement does not allow break-glass"], policyIds: ["builtin:break-glass"] };
    }
    return {
      ...base,
      outcome: "auto_approve",
      reasons: ["Break-glass: self-approved emergency access, reviewed by security afterwards"],
      policyIds: ["builtin:break-glass"],
      approvalsRequired: 0,
      maxDurationSec: Math.min(entitlement.maxDurationSec, BREAK_GLASS_MAX_SEC),
    };
  }
  if (entitlement.approvalsRequired === 0) {
    return { ...base, outcome: "auto_approve", reasons: ["The entitlement needs no approval"], policyIds: ["builtin:entitlement-approvals"] };
  }
  const who = entitlement.securityApprovalRequired ? ", one of them from security" : "";
  return {
    ...base,
    outcome: "require_approval",
    reasons: [`Needs ${entitlement.approvalsRequired} approval${entitlement.approvalsRequired > 1 ? "s" : ""}${who}`],
    policyIds: ["builtin:entitlement-approvals"],
  };
}
