import { apiRoute, idParam } from "@/lib/web/api";
import { apiGetAccessRequest } from "@/lib/api/access-requests";

export const dynamic = "force-dynamic";

export const GET = apiRoute(({ auth, params }) => apiGetAccessRequest({ actor: auth.actor, requestId: idParam(params) }));
