import { apiRoute } from "@/lib/web/api";
import { getPrivilegeMetrics } from "@/lib/metrics/get-privilege-metrics";

export const dynamic = "force-dynamic";

export const GET = apiRoute(({ auth, url }) => getPrivilegeMetrics({ actor: auth.actor, query: Object.fromEntries(url.searchParams) }));
