import { apiRoute } from "@/lib/web/api";
import { apiListGrants } from "@/lib/api/grants";

export const dynamic = "force-dynamic";

export const GET = apiRoute(({ auth, url }) => apiListGrants({ actor: auth.actor, query: url.searchParams }));
