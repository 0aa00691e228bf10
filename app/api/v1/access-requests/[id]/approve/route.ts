import { apiRoute, idParam } from "@/lib/web/api";
import { apiGetAccessRequest } from "@/lib/api/access-requests";
import { decideRequest } from "@/lib/requests/decide-request";
import { decisionBody } from "@/lib/api/schemas";
import { parseInput } from "@/lib/validation";

export const dynamic = "force-dynamic";

export const POST = apiRoute(async ({ auth, params, body }) => {
  const requestId = idParam(params);
  const { comment } = parseInput(decisionBody, body);
  await decideRequest({ actor: auth.actor, requestId, decision: "approve", comment });
  return apiGetAccessRequest({ actor: auth.actor, requestId });
});
