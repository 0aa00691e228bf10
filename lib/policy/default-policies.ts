// The policy set a new installation starts with (version 1). Annotations route a request:
// @approvals("N"), @securityApproval("true"), @maxDuration("PT30M"); @reason("…") explains.

export const defaultPolicies = `// Requests and extensions are considered; the policies below add conditions.
@id("requests-considered")
permit (principal, action in [Hourglass::Action::"request", Hourglass::Action::"extend"], resource);

@id("identity-must-be-active")
@reason("The identity is not active (quarantined or decommissioned)")
forbid (principal, action, resource)
when { principal.status != "active" };

@id("identity-must-have-owner")
@reason("An identity without an owner gets no access")
forbid (principal, action, resource)
when { !principal.owned };

@id("prod-needs-reference")
@reason("Production access needs a ticket, incident or change reference")
forbid (principal, action == Hourglass::Action::"request", resource)
when { context.environment == "prod" && !context.hasTicket && !context.hasIncident && !context.hasChange };

@id("entitlement-without-approval")
@reason("The entitlement needs no approval")
permit (principal, action == Hourglass::Action::"auto_approve", resource)
when { resource.approvalsRequired == 0 };

@id("dev-read-attested-workloads")
@maxDuration("PT1H")
@reason("Dev read access is approved at once for attested workloads, for an hour")
permit (principal, action == Hourglass::Action::"auto_approve", resource)
when { context.environment == "dev" && resource.riskTier == "low" && context.workloadAttested };

@id("prod-write-two-approvers")
@approvals("2")
@securityApproval("true")
@maxDuration("PT30M")
@reason("Production write access needs two approvers, one from security, for 30 minutes at most")
permit (principal, action == Hourglass::Action::"request", resource)
when { context.environment == "prod" && (resource.riskTier == "high" || resource.riskTier == "critical") };

@id("break-glass-on-call")
@maxDuration("PT1H")
@reason("Break-glass is for the on-call engineer")
permit (principal, action == Hourglass::Action::"break_glass", resource)
when { context.requesterOnCall && resource.breakGlassAllowed };
`;
