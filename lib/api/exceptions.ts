import { z } from "zod";
import type { Actor } from "../authz";
import { parseInput } from "../validation";
import { exceptionSortable, findExceptions } from "../exceptions/find-exceptions";
import { proposeException } from "../exceptions/propose-exception";
import { reviewException } from "../exceptions/review-exception";
import { revokeException } from "../exceptions/revoke-exception";
import { renewException } from "../exceptions/renew-exception";
import { getException } from "../exceptions/get-exception";
import { parseEnumParam, parseListParams } from "../listing";
import { resolveEntitlementId, resolveIdentityId } from "./resolve";

const statuses = ["proposed", "changes_requested", "rejected", "accepted", "expired", "revoked"] as const;

export const proposeBody = z
  .object({
    identity: z.string().min(1).max(200),
    entitlement: z.string().min(1).max(200),
    justification: z.string(),
    riskRating: z.string(),
    compensatingControls: z.string(),
    endsAt: z.string().describe("ISO 8601 timestamp"),
    reviewCadenceDays: z.number().int().optional(),
  })
  .strict();

export async function apiListExceptions({ actor, query }: { actor: Actor; query: URLSearchParams }) {
  const q = Object.fromEntries(query);
  const params = parseListParams(q, { sortable: exceptionSortable, defaultSort: "expiresAt", defaultDir: "asc" });
  const page = await findExceptions({ actor, params, filters: { status: parseEnumParam(q, "status", statuses) } });
  return { exceptions: page.rows, total: page.total, page: page.page, size: page.size };
}

export async function apiProposeException({ actor, body }: { actor: Actor; body: unknown }) {
  const b = parseInput(proposeBody, body);
  const r = await proposeException({
    actor,
    identityId: await resolveIdentityId(b.identity),
    entitlementId: await resolveEntitlementId(b.entitlement),
    justification: b.justification,
    riskRating: b.riskRating as never,
    compensatingControls: b.compensatingControls,
    requestedEndAt: b.endsAt as never,
    reviewCadenceDays: b.reviewCadenceDays,
  });
  return getException({ actor, exceptionId: r.id });
}

export async function apiAcceptException({ actor, exceptionId, body }: { actor: Actor; exceptionId: string; body: unknown }) {
  const b = parseInput(z.object({ comment: z.string().max(2000).optional() }).strict(), body);
  await reviewException({ actor, exceptionId, decision: "accept", comment: b.comment ?? "" });
  return getException({ actor, exceptionId });
}

export async function apiRevokeException({ actor, exceptionId, body }: { actor: Actor; exceptionId: string; body: unknown }) {
  const b = parseInput(z.object({ reason: z.string() }).strict(), body);
  await revokeException({ actor, exceptionId, comment: b.reason });
  return getException({ actor, exceptionId });
}

export async function apiRenewException({ actor, exceptionId, body }: { actor: Actor; exceptionId: string; body: unknown }) {
  const b = parseInput(z.object({ endsAt: z.string(), justification: z.string().optional(), riskRating: z.string().optional(), compensatingControls: z.string().optional() }).strict(), body);
  const r = await renewException({ actor, exceptionId, requestedEndAt: b.endsAt as never, justification: b.justification, riskRating: b.riskRating as never, compensatingControls: b.compensatingControls });
  return getException({ actor, exceptionId: r.id });
}
