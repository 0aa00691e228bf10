import { z } from "zod";
import { getDb } from "../db";
import { assertCan, type Actor, type RoleName } from "../authz";
import { notFound } from "../errors";
import { parseInput } from "../validation";
import { checkPolicies, decide, type PolicyProblem } from "./engine";
import { getActivePolicies } from "./active-policies";
import { policyRequest } from "./evaluate-request";
import type { Decision } from "./decision";
import { decisionDifferences, decisionSummary, transitionLabel } from "./compare-decisions";

const input = z.object({
  /** A candidate policy set; without it only the set in force is used. */
  text: z.string().max(200_000).optional(),
  request: z
    .object({
      identityId: z.string().uuid("Choose an identity"),
      entitlementId: z.string().uuid("Choose an entitlement"),
      durationSec: z.number().int().min(60).max(90 * 86400),
      ticketRef: z.string().max(120).optional(),
      incidentRef: z.string().max(120).optional(),
      changeRef: z.string().max(120).optional(),
      breakGlass: z.boolean().default(false),
      attestation: z.enum(["none", "api_token", "oidc"]).default("none"),
      requesterOnCall: z.boolean().default(false),
    })
    .optional(),
  /** How far back the impact on past requests is measured. */
  days: z.number().int().min(1).max(90).default(30),
});

export type Simulation = {
  problems: PolicyProblem[];
  single: { current: Decision; candidate: Decision | null } | null;
  impact: { requests: number; changed: number; transitions: Record<string, number>; examples: { requestId: string; identity: string; entitlement: string; from: string; to: string; differences: string[] }[] } | null;
};

/**
 * What a policy set decides, before it is saved: for one described request, and for every
 * request of the last N days ("this change would auto-approve 312 of last month's requests").
 */
export async function simulatePolicies({ actor, ...raw }: { actor: Actor } & z.input<typeof input>): Promise<Simulation> {
  assertCan(actor, "admin:policies");
  const { text, request, days } = parseInput(input, raw);
  const db = getDb();
  const current = await getActivePolicies(db);
  let candidate = null;
  if (text !== undefined) {
    const checked = checkPolicies(text);
    if (!checked.ok) return { problems: checked.problems, single: null, impact: null };
    candidate = checked.set;
  }

  let single: Simulation["single"] = null;
  if (request) {
    const [identity, entitlement] = await Promise.all([db.identity.findUnique({ where: { id: request.identityId } }), db.entitlement.findUnique({ where: { id: request.entitlementId } })]);
    if (!identity) throw notFound("Identity");
    if (!entitlement) throw notFound("Entitlement");
    const req = policyRequest({
      identity,
      entitlement,
      actor: actor.type === "user" ? { ...actor, roles: ["requester"] } : actor,
      durationSec: request.durationSec,
      breakGlass: request.breakGlass,
      refs: request,
      onBehalfOf: [],
      attestationMethod: request.attestation,
      requesterOnCall: request.requesterOnCall,
    });
    single = { current: decide(current.set, req, current.version), candidate: candidate ? decide(candidate, req, null) : null };
  }

  let impact: Simulation["impact"] = null;
  if (candidate) {
    const since = new Date(Date.now() - days * 86400_000);
    const past = await db.accessRequest.findMany({
      where: { createdAt: { gte: since }, extendsGrantId: null },
      orderBy: { createdAt: "desc" },
      take: 5000,
      include: { identity: true, entitlement: true, requesterUser: true },
    });
    const transitions: Record<string, number> = {};
    const examples: NonNullable<Simulation["impact"]>["examples"] = [];
    let changed = 0;
    for (const r of past) {
      const requester: Actor = r.requesterUser
        ? { type: "user", id: r.requesterUser.id, email: r.requesterUser.email, name: r.requesterUser.name, roles: r.requesterUser.roles as RoleName[] }
        : { type: "identity", id: r.requesterIdentityId ?? r.identityId, name: r.identity.name, scopes: [] };
      const req = policyRequest({ identity: r.identity, entitlement: r.entitlement, actor: requester, durationSec: r.durationSec, breakGlass: r.breakGlass, refs: r, onBehalfOf: r.onBehalfOf, requesterOnCall: r.breakGlass, now: r.createdAt });
      // The whole decision, not only its outcome: approvals, security, the window and the reasons count too.
      const a = decide(current.set, req, current.version);
      const b = decide(candidate, req, null);
      const differences = decisionDifferences(a, b);
      if (differences.length === 0) continue;
      changed++;
      const key = transitionLabel(a, b);
      transitions[key] = (transitions[key] ?? 0) + 1;
      if (examples.length < 20) examples.push({ requestId: r.id, identity: r.identity.name, entitlement: r.entitlement.name, from: decisionSummary(a), to: decisionSummary(b), differences });
    }
    impact = { requests: past.length, changed, transitions, examples };
  }
  return { problems: [], single, impact };
}
