import { env } from "@/lib/env";
import { bareIssue } from "@/lib/api/bench-bare";

export const dynamic = "force-dynamic";

// bench:api's floor (lib/api/bench-bare.ts): 404 unless the server was started with HOURGLASS_BENCH_BARE_ROUTE=1.
export async function POST() {
  if (!env.HOURGLASS_BENCH_BARE_ROUTE) return Response.json({ error: { code: "not_found", message: "Not found" } }, { status: 404 });
  return Response.json(await bareIssue(), { status: 201 });
}
