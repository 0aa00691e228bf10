import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor } from "../authz";
import { humanDuration, parseInput } from "../validation";
import type { Outcome } from "../policy/decision";
import { createRequestInput, decideNewRequest } from "./create-request";

// A justification is not yet written while the form is filled in; policy does not read it.
const previewInput = createRequestInput.omit({ publicKey: true, idempotencyKey: true }).extend({ justification: z.string().max(2000).default("") });

export type RequestPreview = {
  outcome: Outcome;
  approvalsRequired: number;
  securityApprovalRequired: boolean;
  /** The window the request would get: what was asked, cut to what policy allows. */
  durationSec: number;
  maxDurationSec: number;
  reasons: string[];
  /** One sentence for the form: "Will be approved at once", "Needs 2 approvals, one from security", "Will be refused: …". */
  summary: string;
};

/**
 * What the request would be if it were made now: the same decision createRequest makes (the same
 * policy set, the same checks of who may ask), without writing anything or telling anyone.
 */
export async function previewRequest({ actor, ...raw }: { actor: Actor } & z.input<typeof previewInput>): Promise<RequestPreview> {
  assertCan(actor, "request:create");
  const input = parseInput(previewInput, raw);
  if (input.breakGlass) assertCan(actor, "request:break_glass");
  const { decision, durationSec } = await decideNewRequest(getDb(), actor, { ...input, publicKey: null });
  return {
    outcome: decision.outcome,
    approvalsRequired: decision.approvalsRequired,
    securityApprovalRequired: decision.securityApprovalRequired,
    durationSec,
    maxDurationSec: decision.maxDurationSec,
    reasons: decision.reasons,
    summary: summarize(decision.outcome, decision.approvalsRequired, decision.securityApprovalRequired, decision.reasons, durationSec < input.durationSec ? durationSec : null),
  };
}

function summarize(outcome: Outcome, approvals: number, security: boolean, reasons: string[], cutTo: number | null): string {
  const cut = cutTo !== null ? ` Policy shortens it to ${humanDuration(cutTo)}.` : "";
  if (outcome === "deny") return `Will be refused: ${reasons.join("; ") || "no policy allows it"}.`;
  if (outcome === "auto_approve") return `Will be approved at once.${cut}`;
  const count = approvals === 1 ? "1 approval" : `${approvals} approvals`;
  return `Needs ${count}${security ? (approvals === 1 ? ", from security" : ", one from security") : ""}.${cut}`;
}
