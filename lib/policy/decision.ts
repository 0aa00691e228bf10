// What policy decided about a request; recorded on the request as evidence.

export type Outcome = "auto_approve" | "require_approval" | "deny";

export type Decision = {
  outcome: Outcome;
  reasons: string[];
  policyIds: string[];
  /** The policy set version that decided (null: the built-in defaults). */
  policyVersion: number | null;
  approvalsRequired: number;
  securityApprovalRequired: boolean;
  /** The longest window the decision allows; the grant is capped to it. */
  maxDurationSec: number;
  context: Record<string, unknown>;
};
