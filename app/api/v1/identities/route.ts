import { apiRoute } from "@/lib/web/api";
import { apiCreateIdentity, apiListIdentities } from "@/lib/api/inventory";

export const dynamic = "force-dynamic";

export const GET = apiRoute(({ auth, url }) => apiListIdentities({ actor: auth.actor, query: url.searchParams }));
export const POST = apiRoute(async ({ auth, body }) => Response.json(await apiCreateIdentity({ actor: auth.actor, body }), { status: 201 }), { idempotent: true });
