"use client";

import { useEffect, useState } from "react";
import { formatTime } from "./format";
import { relativeTime } from "./relative-time";

/**
 * A moment as a person reads it: relative when near ("in 5 minutes", "3 hours ago"), else the date
 * and time in the viewer's time zone; the exact time with its zone on hover. The server renders UTC
 * (the same text on every machine, so nothing shifts during hydration); the browser then switches
 * to the viewer's zone and keeps the relative text current.
 */
export function Time({ iso, relative = true }: { iso: string | null | undefined; relative?: boolean }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  if (!iso) return <>—</>;
  if (now === null) {
    return (
      <time dateTime={iso} className="whitespace-nowrap">
        {formatTime(iso)}
      </time>
    );
  }
  const at = new Date(iso);
  // dateStyle/timeStyle cannot be combined with timeZoneName (a TypeError): spell the fields out.
  const exact = at.toLocaleString("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  const text = (relative ? relativeTime(at.getTime(), now) : null) ?? at.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
  return (
    <time dateTime={iso} title={exact} className="whitespace-nowrap">
      {text}
    </time>
  );
}
