import { currentActor } from "@/lib/web/session";
import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/web/api";
import { parseLiveTopics } from "@/lib/live/live-topics";
import { liveStream } from "@/lib/live/live-stream";

export const dynamic = "force-dynamic";

/** GET /api/live?topics=grant,access_request:<id>: server-sent "changed" events for an open page (signed-in people only). */
export async function GET(req: Request) {
  try {
    const actor = await currentActor();
    if (!actor) throw new AppError("unauthenticated", "Sign in to follow changes");
    const topics = parseLiveTopics(actor, new URL(req.url).searchParams.get("topics"));
    return new Response(liveStream(topics, req.signal), {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
    });
  } catch (e) {
    return errorResponse(e);
  }
}
