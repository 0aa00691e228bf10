import { apiRoute, idParam } from "@/lib/web/api";
import { apiGetGrant } from "@/lib/api/grants";

export const dynamic = "force-dynamic";

export const GET = apiRoute(({ auth, params }) => apiGetGrant({ actor: auth.actor, grantId: idParam(params) }));
