import type { Tx } from "../db";
import type { Actor } from "../authz";
import type { Entitlement, Identity } from "../generated/prisma/client";
import { decide, type PolicyRequest } from "./engine";
import { getActivePolicies } from "./active-policies";
import type { Decision } from "./decision";

export const ATTESTATION_FRESH_DAYS = 90;

export type RequestFacts = {
  identity: Identity;
  entitlement: Entitlement;
  actor: Actor;
  durationSec: number;
  breakGlass: boolean;
  extension?: boolean;
  refs: { ticketRef?: string | null; incidentRef?: string | null; changeRef?: string | null; jobRef?: string | null };
  onBehalfOf: string[];
  /** How the requesting workload proved what it is ("none" for people and plain API tokens). */
  attestationMethod?: "none" | "api_token" | "oidc";
  requesterOnCall?: boolean;
  now?: Date;
};

/** The Cedar request for a set of facts: the identity, the entitlement and the context. */
export function policyRequest(f: RequestFacts): PolicyRequest {
  const now = f.now ?? new Date();
  const attested = f.identity.lastAttestedAt !== null && now.getTime() - f.identity.lastAttestedAt.getTime() < ATTESTATION_FRESH_DAYS * 86400_000;
  const method = f.attestationMethod ?? (f.actor.type === "identity" ? (f.actor.attestation ?? "api_token") : "none");
  return {
    identity: {
      id: f.identity.id,
      attrs: {
        name: f.identity.name,
        kind: f.identity.kind,
        environment: f.identity.environment,
        status: f.identity.status,
        criticality: f.identity.criticality,
        system: f.identity.system,
        owned: f.identity.ownerUserId !== null || f.identity.ownerTeamId !== null,
        recentlyAttested: attested,
      },
    },
    entitlement: {
      id: f.entitlement.id,
      attrs: {
        name: f.entitlement.name,
        environment: f.entitlement.environment,
        riskTier: f.entitlement.riskTier,
        maxDurationSec: f.entitlement.maxDurationSec,
        approvalsRequired: f.entitlement.approvalsRequired,
        securityApprovalRequired: f.entitlement.securityApprovalRequired,
        breakGlassAllowed: f.entitlement.breakGlassAllowed,
      },
    },
    context: {
      durationSec: f.durationSec,
      environment: f.entitlement.environment,
      riskTier: f.entitlement.riskTier,
      identityKind: f.identity.kind,
      hasTicket: Boolean(f.refs.ticketRef),
      hasIncident: Boolean(f.refs.incidentRef),
      hasChange: Boolean(f.refs.changeRef),
      // Without a change calendar, a change reference is taken as being inside its window.
      insideChangeWindow: Boolean(f.refs.changeRef),
      // The agent's workload proof is the agent's, not the principal's: a delegated request is not attested.
      workloadAttested: method === "oidc" && f.onBehalfOf.length === 0,
      attestationMethod: method,
      delegated: f.onBehalfOf.length > 0,
      delegationDepth: f.onBehalfOf.length,
      hourUtc: now.getUTCHours(),
      requesterType: f.actor.type,
      requesterOnCall: f.requesterOnCall ?? false,
      requesterRoles: f.actor.type === "user" ? [...f.actor.roles] : [],
      breakGlass: f.breakGlass,
    },
    extension: f.extension,
  };
}

/** Evaluates the policy set in force for a request, inside the caller's transaction. */
export async function evaluateRequest(tx: Tx, facts: RequestFacts): Promise<Decision> {
  const { version, set } = await getActivePolicies(tx);
  return decide(set, policyRequest(facts), version);
}
