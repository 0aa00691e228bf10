import { describe, expect, it } from "vitest";
import { checkPolicies, compilePolicies, decide } from "./engine";
import { defaultPolicies } from "./default-policies";
import { policyRequest, type RequestFacts } from "./evaluate-request";
import type { Entitlement, Identity } from "../generated/prisma/client";

const set = compilePolicies(defaultPolicies);

const identity = (over: Partial<Identity> = {}): Identity =>
  ({ id: "11111111-1111-4111-8111-111111111111", name: "svc-orders", kind: "service_account", environment: "prod", system: "orders", criticality: "high", description: "", status: "active", ownerUserId: "u", ownerTeamId: null, workloadIssuer: null, workloadSubject: null, spiffeId: null, lastAttestedAt: new Date(), createdAt: new Date(), updatedAt: new Date(), ...over }) as Identity;
const entitlement = (over: Partial<Entitlement> = {}): Entitlement =>
  ({ id: "22222222-2222-4222-8222-222222222222", name: "orders-db-read-prod", description: "", issuerId: "i", target: {}, environment: "prod", riskTier: "medium", maxDurationSec: 4 * 3600, defaultDurationSec: 3600, approvalsRequired: 1, securityApprovalRequired: false, responseTargetSec: 3600, requestTtlSec: 86400, breakGlassAllowed: false, escalationTeamId: null, createdAt: new Date(), updatedAt: new Date(), ...over }) as Entitlement;
const user = { type: "user" as const, id: "u2", email: "a@b", name: "A", roles: ["requester" as const] };

const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({ identity: identity(), entitlement: entitlement(), actor: user, durationSec: 1800, breakGlass: false, refs: { ticketRef: "OPS-1" }, onBehalfOf: [], ...over });
const run = (over: Partial<RequestFacts> = {}) => decide(set, policyRequest(facts(over)), 1);

describe("default policies", () => {
  it("prod needs a ticket, incident or change reference", () => {
    expect(run({ refs: {} })).toMatchObject({ outcome: "deny", policyIds: ["prod-needs-reference"], reasons: ["Production access needs a ticket, incident or change reference"] });
    expect(run({ refs: { incidentRef: "INC-1" } }).outcome).toBe("require_approval");
    expect(run({ refs: { changeRef: "CHG-1" } }).outcome).toBe("require_approval");
  });

  it("prod read needs one approver (the entitlement's floor)", () => {
    expect(run()).toMatchObject({ outcome: "require_approval", approvalsRequired: 1, securityApprovalRequired: false, maxDurationSec: 4 * 3600 });
  });

  it("prod write needs two approvers, one from security, for at most 30 minutes", () => {
    const d = run({ entitlement: entitlement({ riskTier: "high", approvalsRequired: 1 }) });
    expect(d).toMatchObject({ outcome: "require_approval", approvalsRequired: 2, securityApprovalRequired: true, maxDurationSec: 1800 });
    expect(d.policyIds).toContain("prod-write-two-approvers");
  });

  it("dev read is approved at once for attested workloads only, for an hour", () => {
    const dev = { identity: identity({ environment: "dev" }), entitlement: entitlement({ environment: "dev", riskTier: "low", approvalsRequired: 1, maxDurationSec: 8 * 3600 }), refs: {} };
    expect(run({ ...dev, attestationMethod: "oidc" })).toMatchObject({ outcome: "auto_approve", maxDurationSec: 3600, policyIds: expect.arrayContaining(["dev-read-attested-workloads"]) });
    expect(run({ ...dev, attestationMethod: "api_token" }).outcome).toBe("require_approval");
    expect(run(dev).outcome).toBe("require_approval");
  });

  it("honours an entitlement that needs no approval", () => {
    expect(run({ entitlement: entitlement({ approvalsRequired: 0 }) })).toMatchObject({ outcome: "auto_approve", reasons: ["The entitlement needs no approval"] });
  });

  it("break-glass is for the on-call engineer, where the entitlement allows it", () => {
    const bg = { breakGlass: true, entitlement: entitlement({ breakGlassAllowed: true, maxDurationSec: 4 * 3600 }) };
    expect(run({ ...bg, requesterOnCall: true })).toMatchObject({ outcome: "auto_approve", maxDurationSec: 3600 });
    expect(run({ ...bg, requesterOnCall: false }).outcome).toBe("deny");
    expect(run({ breakGlass: true, requesterOnCall: true }).outcome).toBe("deny");
  });

  it("refuses any request for an identity that is not active", () => {
    expect(run({ identity: identity({ status: "quarantined" }) })).toMatchObject({ outcome: "deny", policyIds: ["identity-must-be-active"] });
  });
});

describe("policy validation", () => {
  it("names the line of a syntax error", () => {
    const r = checkPolicies(`permit(principal, action, resource);\n\npermit(principal action, resource);`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ line: 3, message: expect.stringContaining("unexpected token") });
  });

  it("refuses attributes the schema does not have, with the policy and line", () => {
    const r = checkPolicies(`@id("ok") permit(principal, action, resource);\n@id("typo")\npermit(principal, action == Hourglass::Action::"request", resource)\nwhen { context.enviroment == "prod" };`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ policyId: "typo", line: 4, message: expect.stringContaining("enviroment") });
  });

  it("refuses duplicate ids and bad annotations", () => {
    const r = checkPolicies(`@id("a") permit(principal, action, resource);\n@id("a") @maxDuration("half an hour") @approvals("many") permit(principal, action, resource);`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.message).join(" ")).toMatch(/Two policies have the id "a".*not an ISO 8601 duration.*must be a number/);
    expect(() => compilePolicies("forbid(")).toThrow(/do not validate: line 1/);
  });
});
