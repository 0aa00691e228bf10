import { apiRoute } from "@/lib/web/api";
import { verifyAuditChain } from "@/lib/audit";

export const dynamic = "force-dynamic";

// Incremental from the last verified checkpoint; `?full=true` recomputes from the genesis.
export const GET = apiRoute(({ auth, url }) => verifyAuditChain({ actor: auth.actor, full: url.searchParams.get("full") === "true" }));
