"use client";

import { useEffect, useState } from "react";

/** Time left as a person reads it: "11 days 23 h", "5 h 03 min", "12 min 05 s". */
export function formatLeft(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  if (d) return `${d} ${d === 1 ? "day" : "days"}${h ? ` ${h} h` : ""}`;
  if (h) return `${h} h ${two(m)} min`;
  return `${m} min ${two(sec)} s`;
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
      {left <= 0 ? "ending…" : formatLeft(left)}
    </span>
  );
}
