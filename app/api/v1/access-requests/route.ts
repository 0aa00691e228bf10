import { apiRoute } from "@/lib/web/api";
import { apiCreateAccessRequest } from "@/lib/api/access-requests";

export const dynamic = "force-dynamic";

export const POST = apiRoute(async ({ auth, body }) => Response.json(await apiCreateAccessRequest({ actor: auth.actor, body, callerIdentity: auth.identity }), { status: 201 }), { idempotent: true });
