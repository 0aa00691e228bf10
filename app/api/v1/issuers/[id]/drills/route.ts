import { apiRoute } from "@/lib/web/api";
import { findDrills } from "@/lib/drills/find-drills";
import { runDrill } from "@/lib/drills/run-drill";
import { setDrillSchedule } from "@/lib/drills/set-drill-schedule";
import { drillScheduleBody, emptyBody } from "@/lib/drills/api";

export const dynamic = "force-dynamic";

/** The issuer's drills, newest first, and its schedule. */
export const GET = apiRoute(({ auth, params, url }) => findDrills(auth.actor, { issuer: params.id ?? "", ...(url.searchParams.has("limit") ? { limit: url.searchParams.get("limit")! } : {}) }));

/** Runs a drill now and answers with its outcome (201 whether it passed or failed). */
export const POST = apiRoute(async ({ auth, params, body }) => {
  emptyBody(body);
  return Response.json(await runDrill(auth.actor, { issuer: params.id ?? "" }), { status: 201 });
});

/** Sets the schedule: {intervalMinutes} (0 = on demand only). */
export const PATCH = apiRoute(({ auth, params, body }) => setDrillSchedule(auth.actor, { ...drillScheduleBody(body), issuer: params.id ?? "" }));
