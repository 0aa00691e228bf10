import { apiRoute, idParam } from "@/lib/web/api";
import { apiRenewException } from "@/lib/api/exceptions";

export const dynamic = "force-dynamic";

export const POST = apiRoute(({ auth, params, body }) => apiRenewException({ actor: auth.actor, exceptionId: idParam(params), body }));
