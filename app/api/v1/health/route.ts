import { getHealth } from "@/lib/health/get-health";

export const dynamic = "force-dynamic";

/** Liveness and readiness in one: 503 only when the database cannot be reached. */
export async function GET() {
  const health = await getHealth();
  return Response.json(health, { status: health.status === "down" ? 503 : 200, headers: { "Cache-Control": "no-store" } });
}
