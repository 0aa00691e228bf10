import type { Decision } from "./decision";

// Two decisions about one request differ when anything a requester or approver would notice
// differs: the outcome, how many approvals and whether one must come from security, the longest
// window allowed, or the reasons given. The policy simulator compares them whole.

function minutes(sec: number): string {
  if (sec % 86400 === 0) return `${sec / 86400} d`;
  if (sec % 3600 === 0) return `${sec / 3600} h`;
  return `${Math.round(sec / 60)} min`;
}

/** A decision in a few words: "deny", "auto approve, up to 1 h", "2 approvals, one from security, up to 30 min". */
export function decisionSummary(d: Decision): string {
  if (d.outcome === "deny") return "deny";
  const upTo = `up to ${minutes(d.maxDurationSec)}`;
  if (d.outcome === "auto_approve") return `auto approve, ${upTo}`;
  const n = d.approvalsRequired;
  return `${n} approval${n === 1 ? "" : "s"}${d.securityApprovalRequired ? ", one from security" : ""}, ${upTo}`;
}

/** What differs from `a` to `b`, in words; empty when the decisions are the same. */
export function decisionDifferences(a: Decision, b: Decision): string[] {
  const out: string[] = [];
  if (a.outcome !== b.outcome) out.push(`${a.outcome.replaceAll("_", " ")} → ${b.outcome.replaceAll("_", " ")}`);
  // Routing and window matter only for a request that is not refused.
  if (a.outcome !== "deny" && b.outcome !== "deny") {
    if (a.outcome === "require_approval" && b.outcome === "require_approval") {
      if (a.approvalsRequired !== b.approvalsRequired) out.push(`approvals ${a.approvalsRequired} → ${b.approvalsRequired}`);
      if (a.securityApprovalRequired !== b.securityApprovalRequired) out.push(b.securityApprovalRequired ? "security approval now needed" : "security approval no longer needed");
    }
    if (a.maxDurationSec !== b.maxDurationSec) out.push(`longest window ${minutes(a.maxDurationSec)} → ${minutes(b.maxDurationSec)}`);
  }
  // The engine restates the routing as a reason ("Needs 2 approvals…"); that is counted above.
  const stated = (d: Decision) => new Set(d.reasons.filter((r) => !/^Needs \d+ approvals?\b/.test(r)));
  const ra = stated(a);
  const rb = stated(b);
  for (const r of rb) if (!ra.has(r)) out.push(`reason added: ${r}`);
  for (const r of ra) if (!rb.has(r)) out.push(`reason dropped: ${r}`);
  return out;
}

/** How a change is counted in the simulator's impact: by outcome when that changed, else by the whole summary. */
export function transitionLabel(a: Decision, b: Decision): string {
  if (a.outcome !== b.outcome) return `${a.outcome.replaceAll("_", " ")} → ${b.outcome.replaceAll("_", " ")}`;
  const sa = decisionSummary(a);
  const sb = decisionSummary(b);
  return sa !== sb ? `${sa} → ${sb}` : `${sa}: reasons changed`;
}
