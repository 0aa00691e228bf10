"use client";

import { useEffect, useState } from "react";

function format(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h ? `${h}h ${String(m).padStart(2, "0")}m ${String(sec).padStart(2, "0")}s` : `${m}m ${String(sec).padStart(2, "0")}s`;
}

/** Time left until `until`, ticking every second; says "ending…" once the window is over. */
export function Countdown({ until }: { until: string }) {
  const end = new Date(until).getTime();
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  if (now === null) return <span className="tabular-nums text-zinc-500">…</span>;
  const left = end - now;
  return (
    <span data-testid="countdown" className={`tabular-nums ${left <= 0 ? "text-zinc-500" : left < 5 * 60_000 ? "text-amber-700" : "text-zinc-900"}`}>
      {left <= 0 ? "ending…" : format(left)}
    </span>
  );
}
