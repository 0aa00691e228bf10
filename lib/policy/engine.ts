import "../platform/v8-workarounds";
import { createHash } from "node:crypto";
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import { AppError } from "../errors";
import { parseDuration } from "../validation";
import { cedarSchema } from "./schema";
import type { Decision } from "./decision";

// Cedar policies decide at request time. A policy set is compiled once per text (parsed,
// validated against the schema, preparsed into the engine) and evaluated per request in well
// under a millisecond.

export type PolicyProblem = { policyId: string | null; line: number | null; column: number | null; message: string };

export type CompiledPolicySet = {
  hash: string;
  text: string;
  ids: string[];
  annotations: Map<string, Record<string, string>>;
};

const compiled = new Map<string, CompiledPolicySet>();

const ACTIONS = ["request", "auto_approve", "break_glass", "extend"] as const;
type ActionConstraint = { op: string; entity?: { id: string }; entities?: { id: string }[] };

function appliesTo(c: ActionConstraint | undefined, action: string): boolean {
  if (!c || c.op === "All") return true;
  if (c.op === "==") return c.entity?.id === action;
  if (c.op === "in") return (c.entities ?? (c.entity ? [c.entity] : [])).some((e) => e.id === action);
  return true;
}
let schemaReady = false;

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

type CedarError = { message: string; help?: string | null; sourceLocations?: { start: number }[] };

function problem(text: string, e: CedarError, policyId: string | null, base = 0): PolicyProblem {
  const loc = e.sourceLocations?.[0];
  const pos = loc ? position(text, base + loc.start) : null;
  return { policyId, line: pos?.line ?? null, column: pos?.column ?? null, message: e.help ? `${e.message} (${e.help})` : e.message };
}

/** Parses and validates a policy set against the schema; returns every problem with its line. */
export function checkPolicies(text: string): { ok: true; set: CompiledPolicySet } | { ok: false; problems: PolicyProblem[] } {
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 24);
  const hit = compiled.get(hash);
  if (hit) return { ok: true, set: hit };

  const parts = cedar.policySetTextToParts(text);
  if (parts.type !== "success") return { ok: false, problems: parts.errors.map((e) => problem(text, e, null)) };
  if (parts.policy_templates.length) return { ok: false, problems: [{ policyId: null, line: null, column: null, message: "Templates are not supported; write static policies" }] };

  const policies: Record<string, string> = {};
  const annotations = new Map<string, Record<string, string>>();
  const offsets = new Map<string, number>();
  const problems: PolicyProblem[] = [];
  const actionScopes = new Map<string, ActionConstraint>();
  let cursor = 0;
  parts.policies.forEach((policy, i) => {
    const at = text.indexOf(policy, cursor);
    cursor = at >= 0 ? at + policy.length : cursor;
    const json = cedar.policyToJson(policy);
    const notes = json.type === "success" ? ((json.json.annotations ?? {}) as Record<string, string>) : {};
    const id = notes.id ?? `policy${i}`;
    if (policies[id] !== undefined) {
      const pos = position(text, Math.max(0, at));
      problems.push({ policyId: id, line: pos.line, column: 1, message: `Two policies have the id "${id}"` });
    }
    for (const key of ["maxDuration"] as const) {
      if (notes[key] !== undefined && parseDuration(notes[key]) === null) {
        problems.push({ policyId: id, line: position(text, Math.max(0, at)).line, column: 1, message: `@${key}("${notes[key]}") is not an ISO 8601 duration such as PT30M` });
      }
    }
    if (notes.approvals !== undefined && !/^[0-9]$/.test(notes.approvals)) {
      problems.push({ policyId: id, line: position(text, Math.max(0, at)).line, column: 1, message: `@approvals("${notes.approvals}") must be a number from 0 to 9` });
    }
    policies[id] = policy;
    annotations.set(id, notes);
    actionScopes.set(id, json.type === "success" ? (json.json.action as ActionConstraint) : { op: "All" });
    offsets.set(id, Math.max(0, at));
  });

  const validation = cedar.validate({ schema: cedarSchema, policies: { staticPolicies: policies } });
  if (validation.type !== "success") {
    problems.push(...validation.errors.map((e) => problem(text, e, null)));
  } else {
    for (const v of validation.validationErrors) problems.push(problem(text, v.error, v.policyId, offsets.get(v.policyId) ?? 0));
  }
  if (problems.length) return { ok: false, problems: problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };

  if (!schemaReady) {
    const s = cedar.preparseSchema("hourglass", cedarSchema);
    if (s.type !== "success") throw new Error(`Cedar schema does not parse: ${JSON.stringify(s.errors)}`);
    schemaReady = true;
  }
  // One preparsed set per action, holding only the policies that can apply to it, so a request is
  // not evaluated against rules written for another action.
  for (const action of ACTIONS) {
    const subset = Object.fromEntries(Object.entries(policies).filter(([id]) => appliesTo(actionScopes.get(id), action)));
    const pre = cedar.preparsePolicySet(`${hash}:${action}`, { staticPolicies: subset });
    if (pre.type !== "success") return { ok: false, problems: pre.errors.map((e) => problem(text, e, null)) };
  }
  const set: CompiledPolicySet = { hash, text, ids: Object.keys(policies), annotations };
  compiled.set(hash, set);
  return { ok: true, set };
}

/** Compiles or throws a 400 whose message lists each problem with its line. */
export function compilePolicies(text: string): CompiledPolicySet {
  const r = checkPolicies(text);
  if (!r.ok) {
    const lines = r.problems.map((p) => `${p.line ? `line ${p.line}: ` : ""}${p.message}`);
    throw new AppError("validation_failed", `The policies do not validate: ${lines.join("; ")}`, { problems: r.problems });
  }
  return r.set;
}

export type EntityAttrs = Record<string, string | number | boolean | string[]>;

export type PolicyRequest = {
  identity: { id: string; attrs: EntityAttrs };
  entitlement: { id: string; attrs: EntityAttrs & { maxDurationSec: number; approvalsRequired: number; securityApprovalRequired: boolean } };
  context: EntityAttrs & { durationSec: number; breakGlass: boolean };
  extension?: boolean;
};

type Answer = { allowed: boolean; determining: string[] };

function ask(set: CompiledPolicySet, action: string, req: PolicyRequest): Answer {
  const principal = { type: "Hourglass::Identity", id: req.identity.id };
  const resource = { type: "Hourglass::Entitlement", id: req.entitlement.id };
  const r = cedar.statefulIsAuthorized({
    principal,
    action: { type: "Hourglass::Action", id: action },
    resource,
    context: req.context,
    entities: [
      { uid: principal, attrs: req.identity.attrs, parents: [] },
      { uid: resource, attrs: req.entitlement.attrs, parents: [] },
    ],
    preparsedPolicySetId: `${set.hash}:${action}`,
  });
  if (r.type !== "success") throw new Error(`Cedar evaluation failed: ${JSON.stringify(r.errors).slice(0, 300)}`);
  if (r.response.diagnostics.errors.length) {
    // A policy that errors is skipped by Cedar; say so rather than hide it.
    console.warn("[policy]", r.response.diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`).join("; "));
  }
  return { allowed: r.response.decision === "allow", determining: r.response.diagnostics.reason };
}

/**
 * The decision for one request: refused (a forbid applies, or nothing permits it), approved at
 * once (auto_approve or break_glass permitted), or routed to approvers with the strictest
 * requirement any determining policy names. The entitlement's own settings are the floor.
 */
export function decide(set: CompiledPolicySet, req: PolicyRequest, policyVersion: number | null): Decision {
  const notes = (ids: string[]) => ids.map((id) => set.annotations.get(id) ?? {});
  const reasonsOf = (ids: string[]) => notes(ids).map((n, i) => n.reason ?? `policy ${ids[i]}`);
  const maxOf = (ids: string[]) =>
    Math.min(req.entitlement.attrs.maxDurationSec, ...notes(ids).map((n) => (n.maxDuration ? (parseDuration(n.maxDuration) ?? Infinity) : Infinity)));
  const base = { policyVersion, context: { ...req.context } as Record<string, unknown> };

  const gateAction = req.context.breakGlass ? "break_glass" : req.extension ? "extend" : "request";
  const gate = ask(set, gateAction, req);
  if (!gate.allowed) {
    const reasons = gate.determining.length ? reasonsOf(gate.determining) : [req.context.breakGlass ? "No policy allows break-glass here" : "No policy permits this request"];
    return { ...base, outcome: "deny", reasons, policyIds: gate.determining, approvalsRequired: 0, securityApprovalRequired: false, maxDurationSec: 0 };
  }
  if (req.context.breakGlass) {
    return { ...base, outcome: "auto_approve", reasons: reasonsOf(gate.determining), policyIds: gate.determining, approvalsRequired: 0, securityApprovalRequired: false, maxDurationSec: maxOf(gate.determining) };
  }
  const auto = ask(set, "auto_approve", req);
  if (auto.allowed) {
    const ids = [...new Set([...gate.determining, ...auto.determining])];
    return { ...base, outcome: "auto_approve", reasons: reasonsOf(auto.determining), policyIds: ids, approvalsRequired: 0, securityApprovalRequired: false, maxDurationSec: maxOf(ids) };
  }
  const n = notes(gate.determining);
  const approvals = Math.max(1, req.entitlement.attrs.approvalsRequired, ...n.map((x) => Number(x.approvals ?? 0)));
  const security = req.entitlement.attrs.securityApprovalRequired || n.some((x) => x.securityApproval === "true");
  const reasons = [
    `Needs ${approvals} approval${approvals > 1 ? "s" : ""}${security ? ", one of them from security" : ""}`,
    ...reasonsOf(gate.determining).filter((r) => !r.startsWith("policy ")),
  ];
  return { ...base, outcome: "require_approval", reasons, policyIds: gate.determining, approvalsRequired: approvals, securityApprovalRequired: security, maxDurationSec: maxOf(gate.determining) };
}
