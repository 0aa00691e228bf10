import { apiRoute, idParam } from "@/lib/web/api";
import { apiAcceptException } from "@/lib/api/exceptions";

export const dynamic = "force-dynamic";

export const POST = apiRoute(({ auth, params, body }) => apiAcceptException({ actor: auth.actor, exceptionId: idParam(params), body }));
