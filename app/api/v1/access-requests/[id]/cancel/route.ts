import { apiRoute, idParam } from "@/lib/web/api";
import { apiGetAccessRequest } from "@/lib/api/access-requests";
import { cancelRequest } from "@/lib/requests/cancel-request";

export const dynamic = "force-dynamic";

export const POST = apiRoute(async ({ auth, params }) => {
  const requestId = idParam(params);
  await cancelRequest({ actor: auth.actor, requestId });
  return apiGetAccessRequest({ actor: auth.actor, requestId });
});
