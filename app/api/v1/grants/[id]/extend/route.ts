import { apiRoute, idParam } from "@/lib/web/api";
import { apiExtendGrant } from "@/lib/api/grants";

export const dynamic = "force-dynamic";

export const POST = apiRoute(({ auth, params, body }) => apiExtendGrant({ actor: auth.actor, grantId: idParam(params), body }), { idempotent: true });
