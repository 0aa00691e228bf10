import { apiRoute, idParam } from "@/lib/web/api";
import { apiRevokeGrant } from "@/lib/api/grants";

export const dynamic = "force-dynamic";

export const POST = apiRoute(({ auth, params, body }) => apiRevokeGrant({ actor: auth.actor, grantId: idParam(params), body }), { idempotent: true });
