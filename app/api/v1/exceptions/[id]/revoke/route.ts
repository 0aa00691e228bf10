import { apiRoute, idParam } from "@/lib/web/api";
import { apiRevokeException } from "@/lib/api/exceptions";

export const dynamic = "force-dynamic";

export const POST = apiRoute(({ auth, params, body }) => apiRevokeException({ actor: auth.actor, exceptionId: idParam(params), body }));
