import { apiRoute } from "@/lib/web/api";
import { apiGetIdentity, apiPatchIdentity } from "@/lib/api/inventory";
import { resolveIdentityId } from "@/lib/api/resolve";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ auth, params }) => apiGetIdentity({ actor: auth.actor, identityId: await resolveIdentityId(params.id ?? "") }));
export const PATCH = apiRoute(async ({ auth, params, body }) => apiPatchIdentity({ actor: auth.actor, identityId: await resolveIdentityId(params.id ?? ""), body }));
