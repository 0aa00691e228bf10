import { apiRoute, objectBody } from "@/lib/web/api";
import { withdrawDelegation } from "@/lib/delegations/delegations";

export const dynamic = "force-dynamic";

/** Withdraw a delegation; what the agent obtained through it is revoked. */
export const POST = apiRoute(async ({ auth, body }) => withdrawDelegation(auth.actor, objectBody(body) as never));
