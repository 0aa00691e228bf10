import { z } from "zod";
import type { Tx } from "../db";
import type { Actor } from "../authz";
import { AppError, invalidState } from "../errors";
import { operatesIdentity } from "../identities/ownership";
import type { Entitlement, Identity } from "../generated/prisma/client";
import { exceptionRiskRatings, maxExceptionDays, maxExceptionEnd, ratingAtLeast, type ExceptionRiskRating } from "./limits";

// What every proposal (new, resubmitted or renewal) must satisfy, shared by those domain functions.

export const proposalFields = {
  justification: z.string({ error: "Say why standing access is needed" }).trim().min(20, "Say why standing access is needed, in at least 20 characters").max(4000, "At most 4000 characters"),
  riskRating: z.enum(exceptionRiskRatings, { error: "Choose a risk rating: low, medium, high or critical" }),
  compensatingControls: z
    .string({ error: "Name the compensating controls" })
    .trim()
    .min(10, "Name the compensating controls, in at least 10 characters")
    .max(4000, "At most 4000 characters"),
  requestedEndAt: z.coerce.date({ error: "Give the end as a date and time" }),
  reviewCadenceDays: z.coerce
    .number({ error: "Give the review cadence in days" })
    .int("Give the review cadence in whole days")
    .min(1, "Review at least once a day at most")
    .max(90, "Review at least every 90 days"),
};

const fieldError = (field: string, message: string) => new AppError("validation_failed", message, { fields: { [field]: message } });

/** People, never machines, put standing access up for review: someone must be accountable. */
export async function mayProposeFor(tx: Tx, actor: Actor, identity: { ownerUserId: string | null; ownerTeamId: string | null }): Promise<boolean> {
  if (actor.type !== "user") return false;
  if (proposesForEveryone(actor)) return true;
  return operatesIdentity(tx, actor, identity);
}

/** Security and admins propose standing access for any identity; everyone else for what they operate. */
export function proposesForEveryone(actor: Actor): boolean {
  return actor.type === "user" && (actor.roles.includes("security") || actor.roles.includes("admin"));
}

/** Throws a clear 4xx when a proposal breaks a rule; the end date is checked against `now`. */
export function assertProposalRules(p: {
  identity: Pick<Identity, "name" | "status" | "environment">;
  entitlement: Pick<Entitlement, "name" | "environment" | "riskTier">;
  riskRating: ExceptionRiskRating;
  requestedEndAt: Date;
  now: Date;
}): void {
  if (p.identity.status !== "active") throw invalidState(`${p.identity.name} is ${p.identity.status}: standing access is only for active identities`);
  if (p.identity.environment !== p.entitlement.environment) {
    throw fieldError("entitlementId", `${p.entitlement.name} is for ${p.entitlement.environment}, but ${p.identity.name} runs in ${p.identity.environment}`);
  }
  if (!ratingAtLeast(p.riskRating, p.entitlement.riskTier)) {
    throw fieldError("riskRating", `${p.entitlement.name} is a ${p.entitlement.riskTier}-risk entitlement: rate the exception ${p.entitlement.riskTier} or higher`);
  }
  if (Number.isNaN(p.requestedEndAt.getTime())) throw fieldError("requestedEndAt", "Give the end as a date and time");
  if (p.requestedEndAt <= p.now) throw fieldError("requestedEndAt", "The end date must be in the future");
  const max = maxExceptionEnd(p.riskRating, p.now);
  if (p.requestedEndAt > max) {
    throw fieldError(
      "requestedEndAt",
      `A ${p.riskRating}-risk exception may last at most ${maxExceptionDays[p.riskRating]} days (until ${max.toISOString().slice(0, 16).replace("T", " ")} UTC)`,
    );
  }
}
