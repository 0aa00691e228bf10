import { apiRoute } from "@/lib/web/api";
import { apiListExceptions, apiProposeException } from "@/lib/api/exceptions";

export const dynamic = "force-dynamic";

export const GET = apiRoute(({ auth, url }) => apiListExceptions({ actor: auth.actor, query: url.searchParams }));
export const POST = apiRoute(async ({ auth, body }) => Response.json(await apiProposeException({ actor: auth.actor, body }), { status: 201 }), { idempotent: true });
