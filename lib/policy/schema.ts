// The Cedar schema policies are written against. Principal: the identity that would get the
// access. Resource: the entitlement. Context: everything known about the request at that moment.

export const CEDAR_NAMESPACE = "Hourglass";

export const cedarSchema = `namespace Hourglass {
  entity Team;
  entity User in [Team] {
    email: String,
    roles: Set<String>,
    onCall: Bool,
  };
  entity Identity {
    name: String,
    kind: String,
    environment: String,
    status: String,
    criticality: String,
    system: String,
    owned: Bool,
    recentlyAttested: Bool,
  };
  entity Environment;
  entity Entitlement in [Environment] {
    name: String,
    environment: String,
    riskTier: String,
    maxDurationSec: Long,
    approvalsRequired: Long,
    securityApprovalRequired: Bool,
    breakGlassAllowed: Bool,
  };
  type RequestContext = {
    durationSec: Long,
    environment: String,
    riskTier: String,
    identityKind: String,
    hasTicket: Bool,
    hasIncident: Bool,
    hasChange: Bool,
    insideChangeWindow: Bool,
    workloadAttested: Bool,
    attestationMethod: String,
    delegated: Bool,
    delegationDepth: Long,
    hourUtc: Long,
    requesterType: String,
    requesterOnCall: Bool,
    requesterRoles: Set<String>,
    breakGlass: Bool,
  };
  action "request", "auto_approve", "break_glass", "extend" appliesTo {
    principal: [Identity],
    resource: [Entitlement],
    context: RequestContext,
  };
}`;
