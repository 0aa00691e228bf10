import { apiRoute, objectBody } from "@/lib/web/api";
import { delegate } from "@/lib/delegations/delegations";

export const dynamic = "force-dynamic";

/** Make or renew an agent's delegation for a principal (admin, or the principal's owner). */
export const POST = apiRoute(async ({ auth, body }) => Response.json(await delegate(auth.actor, objectBody(body) as never), { status: 201 }));
