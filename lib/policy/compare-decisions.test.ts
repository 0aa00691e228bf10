import { describe, expect, it } from "vitest";
import type { Decision } from "./decision";
import { decisionDifferences, decisionSummary, transitionLabel } from "./compare-decisions";

const base: Decision = { outcome: "require_approval", reasons: ["Production write access needs two approvers"], policyIds: ["p"], policyVersion: 1, approvalsRequired: 2, securityApprovalRequired: true, maxDurationSec: 1800, context: {} };
const d = (over: Partial<Decision>): Decision => ({ ...base, ...over });

describe("comparing whole decisions", () => {
  it("finds no difference between equal decisions, whatever the order of their reasons or the version that made them", () => {
    expect(decisionDifferences(d({ reasons: ["a", "b"] }), d({ reasons: ["b", "a"], policyVersion: null, policyIds: ["q"] }))).toEqual([]);
  });

  it("sees a change of approvals, of security approval and of the longest window though the outcome stays", () => {
    expect(decisionDifferences(base, d({ approvalsRequired: 3 }))).toEqual(["approvals 2 → 3"]);
    expect(decisionDifferences(base, d({ securityApprovalRequired: false }))).toEqual(["security approval no longer needed"]);
    expect(decisionDifferences(base, d({ maxDurationSec: 3600 }))).toEqual(["longest window 30 min → 1 h"]);
    expect(decisionDifferences(base, d({ reasons: ["another"] }))).toEqual(["reason added: another", "reason dropped: Production write access needs two approvers"]);
    // The routing sentence the engine adds is not a second difference beside the approvals.
    expect(decisionDifferences(d({ reasons: ["Needs 2 approvals, one of them from security", "x"] }), d({ approvalsRequired: 3, reasons: ["Needs 3 approvals, one of them from security", "x"] }))).toEqual(["approvals 2 → 3"]);
  });

  it("labels a change by outcome when it changed, else by the whole summary", () => {
    expect(transitionLabel(base, d({ outcome: "auto_approve" }))).toBe("require approval → auto approve");
    expect(transitionLabel(base, d({ approvalsRequired: 3 }))).toBe("2 approvals, one from security, up to 30 min → 3 approvals, one from security, up to 30 min");
    expect(transitionLabel(base, d({ reasons: ["x"] }))).toBe("2 approvals, one from security, up to 30 min: reasons changed");
  });

  it("ignores routing and window of a refusal", () => {
    expect(decisionDifferences(d({ outcome: "deny" }), d({ outcome: "deny", approvalsRequired: 1, maxDurationSec: 60 }))).toEqual([]);
    expect(decisionSummary(d({ outcome: "deny" }))).toBe("deny");
    expect(decisionSummary(d({ outcome: "auto_approve", maxDurationSec: 3600 }))).toBe("auto approve, up to 1 h");
    expect(decisionSummary(d({ approvalsRequired: 1, securityApprovalRequired: false }))).toBe("1 approval, up to 30 min");
  });
});
