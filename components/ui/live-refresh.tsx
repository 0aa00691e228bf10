"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Re-renders the server page when something it shows changes: the server says so over a
 * server-sent event stream (/api/live, fed by the database). Client state — a selection, what was
 * typed, the scroll position — stays, because only the server's part is fetched again. While the
 * stream is down it falls back to polling every `fallbackSeconds`.
 */
export function LiveRefresh({ topics, fallbackSeconds = 15 }: { topics: string[]; fallbackSeconds?: number }) {
  const router = useRouter();
  const key = topics.join(",");
  useEffect(() => {
    let source: EventSource | null = null;
    let poll: ReturnType<typeof setInterval> | undefined;
    let soon: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      clearTimeout(soon);
      soon = setTimeout(() => router.refresh(), 150);
    };
    const startPolling = () => {
      if (!poll) poll = setInterval(() => router.refresh(), fallbackSeconds * 1000);
    };
    const stopPolling = () => {
      clearInterval(poll);
      poll = undefined;
    };
    if (typeof EventSource === "undefined") startPolling();
    else {
      source = new EventSource(`/api/live?topics=${encodeURIComponent(key)}`);
      source.addEventListener("changed", refresh);
      // On every (re)connect, catch up once: what changed between the render and the stream opening
      // (a grant issued a moment after the page was drawn) has no event of its own on this stream.
      source.onopen = () => {
        stopPolling();
        refresh();
      };
      source.onerror = startPolling;
    }
    return () => {
      source?.close();
      stopPolling();
      clearTimeout(soon);
    };
  }, [router, key, fallbackSeconds]);
  return null;
}
