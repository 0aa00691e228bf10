import { getHealth, publicHealth } from "@/lib/health/get-health";
import { authenticateBearer } from "@/lib/api-tokens/authenticate-bearer";
import { canAny } from "@/lib/authz";

export const dynamic = "force-dynamic";

/**
 * Liveness and readiness in one: 503 only when the database cannot be reached. Without a token
 * that may read it (admin:issuers or metrics:read), the answer is the status alone: issuer
 * names and their errors (hosts, SQL states) are not for anyone who can reach the port.
 */
export async function GET(req: Request) {
  const health = await getHealth();
  const header = req.headers.get("authorization");
  const reader = header ? await authenticateBearer(header).catch(() => null) : null;
  const body = reader && canAny(reader.actor, ["admin:issuers", "metrics:read"]) ? health : publicHealth(health);
  return Response.json(body, { status: health.status === "down" ? 503 : 200, headers: { "Cache-Control": "no-store" } });
}
