import { onChanges } from "../platform/change-feed";
import type { LiveTopic } from "./live-topics";
import { touches } from "./live-topics";

/** How long one stream lives: the browser then reconnects, and the session is checked again. */
const LIFETIME_MS = 60_000;

// Open streams end when the server is told to stop: a graceful shutdown waits for open requests,
// and an event stream would otherwise hold it for a whole lifetime.
const open = new Set<() => void>();
let hooked = false;
function endAllOnShutdown() {
  if (hooked) return;
  hooked = true;
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, () => [...open].forEach((end) => end()));
}
const HEARTBEAT_MS = 20_000;
/** At most one "changed" per this long: a page re-renders, it does not follow every event. */
const THROTTLE_MS = 1000;

/**
 * A server-sent event stream that says `changed` when something among the topics changed. The
 * stream ends after a while (the browser's EventSource reconnects at once, re-authenticating) and
 * when the client goes away.
 */
export function liveStream(topics: LiveTopic[], signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  endAllOnShutdown();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let lastSent = 0;
      let pending: ReturnType<typeof setTimeout> | undefined;
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const changed = () => {
        pending = undefined;
        lastSent = Date.now();
        send(`event: changed\ndata: {}\n\n`);
      };
      const stopFeed = onChanges((changes) => {
        if (closed || pending || !touches(topics, changes)) return;
        const wait = lastSent + THROTTLE_MS - Date.now();
        if (wait <= 0) changed();
        else pending = setTimeout(changed, wait);
      });
      const heartbeat = setInterval(() => send(`: still here\n\n`), HEARTBEAT_MS);
      const end = setTimeout(() => cleanup(), LIFETIME_MS);
      cleanup = () => {
        if (closed) return;
        closed = true;
        open.delete(cleanup);
        stopFeed();
        clearInterval(heartbeat);
        clearTimeout(end);
        clearTimeout(pending);
        signal.removeEventListener("abort", cleanup);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      signal.addEventListener("abort", cleanup);
      open.add(cleanup);
      send(`retry: 2000\n: listening\n\n`);
    },
    cancel() {
      cleanup();
    },
  });
}
