import { z } from "zod";
import { can, type Actor } from "../authz";
import { AppError, forbidden } from "../errors";
import { listGrants, type ListedGrant } from "../grants/list-grants";
import { parseDuration, parseInput } from "../validation";
import { getGrant } from "../grants/get-grant";
import { revokeGrant } from "../grants/revoke-grant";
import { extendGrant } from "../grants/extend-grant";
import { reportUsage } from "../grants/report-usage";
import { extendBody, revokeBody, usageBody } from "./schemas";
import { presentGrant } from "./access-requests";
import { resolveIdentityId as resolveIdentity } from "./resolve";

const statuses = ["issuing", "active", "revoking", "revoked", "revoke_failed", "irrevocable", "issue_failed"] as const;
const listQuery = z.object({
  identity: z.string().trim().min(1).max(200).optional(),
  status: z.enum(statuses).optional(),
  cursor: z.string().uuid("cursor must be a value returned as nextCursor").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** GET /api/v1/grants: newest first, keyset-paged; an identity sees its own, readers see all. */
export async function apiListGrants({ actor, query }: { actor: Actor; query: URLSearchParams }) {
  const q = parseInput(listQuery, Object.fromEntries(query));
  const identityId = q.identity ? await resolveIdentity(q.identity) : undefined;
  const page = await listGrants({ actor, identityId, status: q.status, cursor: q.cursor, limit: q.limit });
  return { grants: page.grants.map(present), nextCursor: page.nextCursor };
}

const present = (g: Parameters<typeof presentGrant>[0] & Pick<ListedGrant, "identity" | "entitlement">) => presentGrant(g, { identity: g.identity.name, entitlement: g.entitlement.name });

export async function apiGetGrant({ actor, grantId }: { actor: Actor; grantId: string }) {
  return present(await getGrant({ actor, grantId }));
}

export async function apiRevokeGrant({ actor, grantId, body }: { actor: Actor; grantId: string; body: unknown }) {
  const b = parseInput(revokeBody, body);
  return present(await revokeGrant({ actor, grantId, reason: b.emergency ? "emergency" : "early", comment: b.reason }));
}

export async function apiExtendGrant({ actor, grantId, body }: { actor: Actor; grantId: string; body: unknown }) {
  const b = parseInput(extendBody, body);
  const durationSec = parseDuration(b.duration);
  if (durationSec === null) throw new AppError("validation_failed", `duration: "${b.duration}" is not an ISO 8601 duration such as PT15M`);
  const r = await extendGrant({ actor, grantId, durationSec, justification: b.justification });
  return { requestId: r.requestId, status: r.status, grant: present(r.grant) };
}

export async function apiReportUsage({ actor, grantId, body }: { actor: Actor; grantId: string; body: unknown }) {
  const b = parseInput(usageBody, body);
  return reportUsage({ actor, grantId, at: b.at, count: b.count, detail: b.detail });
}
