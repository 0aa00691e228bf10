import { apiRoute } from "@/lib/web/api";
import { getPrometheusMetrics } from "@/lib/metrics/get-prometheus-metrics";

export const dynamic = "force-dynamic";

export const GET = apiRoute(
  async ({ auth }) => new Response(await getPrometheusMetrics({ actor: auth.actor }), { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" } }),
);
