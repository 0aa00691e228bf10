import { apiRoute } from "@/lib/web/api";
import { verifyAuditChain } from "@/lib/audit";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

export const GET = apiRoute(({ auth }) => verifyAuditChain({ db: getDb(), actor: auth.actor }));
