"use client";

import { Area, AreaChart, Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { PrivilegeMetrics } from "@/lib/metrics/get-privilege-metrics";

const COLORS = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#0891b2", "#db2777", "#65a30d", "#dc2626"];

type Series = Record<string, string | number | null>[];

function csv(rows: Series): string {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === null || v === undefined ? "" : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

function Panel({ id, question, unit, rows, href, hrefLabel, children }: { id: string; question: string; unit: string; rows: Series; href: string; hrefLabel: string; children: React.ReactNode }) {
  const download = () => {
    const url = URL.createObjectURL(new Blob([csv(rows)], { type: "text/csv" }));
    const a = Object.assign(document.createElement("a"), { href: url, download: `${id}.csv` });
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section className="rounded-lg border border-zinc-200 bg-white p-4" data-chart={id} aria-labelledby={`${id}-title`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={`${id}-title`} className="text-sm font-semibold">{question}</h2>
        <span className="text-xs text-zinc-500">{unit}</span>
      </div>
      <div className="mt-3 h-64">
        {rows.length === 0 ? (
          <p className="flex h-full items-center justify-center text-sm text-zinc-500" data-empty>No data in this range.</p>
        ) : (
          <ResponsiveContainer width="100%" height="100%">{children as React.ReactElement}</ResponsiveContainer>
        )}
      </div>
      <div className="mt-2 flex flex-wrap gap-4 text-xs">
        <a className="text-blue-700 hover:underline" href={href}>{hrefLabel}</a>
        <button type="button" className="text-blue-700 hover:underline" onClick={download} disabled={rows.length === 0}>Download CSV</button>
      </div>
      <pre hidden data-series={id}>{JSON.stringify(rows)}</pre>
    </section>
  );
}

/** A bucket's start in a tooltip: "2026-12-02 14:00 UTC". */
const utcMinute = (v: unknown) => new Date(String(v)).toISOString().slice(0, 16).replace("T", " ") + " UTC";

/** One row per bucket, in bucket order, one column per name: the sum of its values (4 decimals). */
function pivot(points: [bucket: string, column: string, value: number][]): Series {
  const rows = new Map<string, Record<string, string | number>>();
  for (const [bucket, column, value] of points) {
    const row = rows.get(bucket) ?? { bucket };
    row[column] = Math.round((Number(row[column] ?? 0) + value) * 1e4) / 1e4;
    rows.set(bucket, row);
  }
  return [...rows.values()].sort((a, b) => String(a.bucket).localeCompare(String(b.bucket)));
}

const tick = (bucket: "hour" | "day") => (v: string) => {
  const d = new Date(v);
  return bucket === "hour" ? `${String(d.getUTCHours()).padStart(2, "0")}:00` : `${d.getUTCMonth() + 1}/${d.getUTCDate()}`;
};

export function MetricsCharts({ m }: { m: PrivilegeMetrics }) {
  // privilege-hours: one row per bucket, one column per (JIT breakdown key) plus "standing".
  // With no breakdown every JIT grant is in one series, named plainly.
  const jit = (key: string) => (m.by === "none" ? "JIT" : `JIT ${key}`);
  const keys = [...new Set(m.privilegeHoursSeries.filter((p) => p.kind === "jit").map((p) => jit(p.key)))].sort();
  const hasStanding = m.privilegeHoursSeries.some((p) => p.kind === "standing");
  const hours = pivot(m.privilegeHoursSeries.map((p) => [p.bucket, p.kind === "jit" ? jit(p.key) : "standing", p.hours]));
  const lag = m.revocationLagSeries.map((p) => ({ bucket: p.bucket, grants: p.count, p50: p.p50, p95: p.p95, max: p.max }));
  const dist = m.durationDistribution.some((b) => b.requested || b.held) ? m.durationDistribution.map((b) => ({ bin: b.bin, requested: b.requested, held: b.held })) : [];
  // Never-used privilege: JIT hours of grants never reported used, by the breakdown, beside the used rest.
  const unusedCol = (key: string) => (m.by === "none" ? "never used" : `never used ${key}`);
  const unusedKeys = [...new Set(m.privilegeHoursSeries.filter((p) => p.kind === "jit" && p.unusedHours > 0).map((p) => unusedCol(p.key)))].sort();
  const unused = unusedKeys.length
    ? pivot(m.privilegeHoursSeries.filter((p) => p.kind === "jit").flatMap((p): [string, string, number][] => [[p.bucket, "used", p.hours - p.unusedHours], ...(p.unusedHours > 0 ? [[p.bucket, unusedCol(p.key), p.unusedHours] as [string, string, number]] : [])]))
    : [];
  const outlived = m.outlivedSeries.map((p) => ({ bucket: p.bucket, grants: p.count, "total seconds": p.totalSeconds, "max seconds": p.maxSeconds }));
  const minutes = (v: number | null) => (v === null ? null : Math.round((v / 60) * 100) / 100);
  const approvals = m.approvalLatencySeries.map((p) => ({ bucket: p.bucket, "by a person": p.decided - p.auto, "by policy": p.auto, "p50 minutes": minutes(p.p50), "p95 minutes": minutes(p.p95) }));
  const fmt = tick(m.bucket);
  return (
    <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
      <Panel id="privilege-hours" question="How much privilege was live, and how much of it was standing?" unit={`privilege-hours per ${m.bucket}`} rows={hours} href="/grants?status=active" hrefLabel="Live grants">
        <AreaChart data={hours} margin={{ left: 0, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="bucket" tickFormatter={fmt} fontSize={11} minTickGap={16} />
          <YAxis fontSize={11} label={{ value: "hours", angle: -90, position: "insideLeft", fontSize: 11 }} />
          <Tooltip labelFormatter={utcMinute} formatter={(v) => `${Number(v).toFixed(2)} h`} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {keys.map((k, i) => (
            <Area key={k} dataKey={k} stackId="h" type="stepAfter" stroke={COLORS[i % COLORS.length]} fill={COLORS[i % COLORS.length]} fillOpacity={0.5} isAnimationActive={false} />
          ))}
          {hasStanding && <Area dataKey="standing" stackId="h" type="stepAfter" stroke="#71717a" fill="#a1a1aa" fillOpacity={0.6} isAnimationActive={false} />}
        </AreaChart>
      </Panel>
      <Panel id="revocation-lag" question="How long after a window ended was the revoke verified?" unit="seconds" rows={lag} href="/grants?status=revoked" hrefLabel="Revoked grants">
        <LineChart data={lag} margin={{ left: 0, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="bucket" tickFormatter={fmt} fontSize={11} minTickGap={16} />
          <YAxis fontSize={11} label={{ value: "seconds", angle: -90, position: "insideLeft", fontSize: 11 }} />
          <Tooltip labelFormatter={utcMinute} formatter={(v) => `${Number(v).toFixed(3)} s`} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Line dataKey="p50" stroke="#2563eb" dot={false} isAnimationActive={false} />
          <Line dataKey="p95" stroke="#d97706" dot={false} isAnimationActive={false} />
          <Line dataKey="max" stroke="#dc2626" dot={false} isAnimationActive={false} />
        </LineChart>
      </Panel>
      <Panel id="outlived" question="Did temporary privilege outlive its window, and by how much?" unit={`grants whose window ended per ${m.bucket}`} rows={outlived} href="/grants?status=revoked" hrefLabel="Revoked grants">
        <ComposedChart data={outlived} margin={{ left: 0, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="bucket" tickFormatter={fmt} fontSize={11} minTickGap={16} />
          <YAxis yAxisId="seconds" fontSize={11} label={{ value: "seconds", angle: -90, position: "insideLeft", fontSize: 11 }} />
          <YAxis yAxisId="grants" orientation="right" fontSize={11} allowDecimals={false} label={{ value: "grants", angle: 90, position: "insideRight", fontSize: 11 }} />
          <Tooltip labelFormatter={utcMinute} formatter={(v, name) => (String(name).endsWith("seconds") ? `${Number(v).toFixed(3)} s` : String(v))} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Bar yAxisId="grants" dataKey="grants" fill="#fca5a5" isAnimationActive={false} />
          <Line yAxisId="seconds" dataKey="max seconds" stroke="#dc2626" dot isAnimationActive={false} />
        </ComposedChart>
      </Panel>
      <Panel id="duration" question="How long was privilege asked for, and how long was it held?" unit="grants per duration" rows={dist} href="/requests" hrefLabel="Requests">
        <BarChart data={dist} margin={{ left: 0, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="bin" fontSize={11} />
          <YAxis fontSize={11} allowDecimals={false} label={{ value: "grants", angle: -90, position: "insideLeft", fontSize: 11 }} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Bar dataKey="requested" fill="#93c5fd" isAnimationActive={false} />
          <Bar dataKey="held" fill="#2563eb" isAnimationActive={false} />
        </BarChart>
      </Panel>
      <Panel id="unused" question="How much temporary privilege was never used?" unit={`privilege-hours per ${m.bucket}`} rows={unused} href="/grants?status=active" hrefLabel="Live grants">
        <BarChart data={unused} margin={{ left: 0, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="bucket" tickFormatter={fmt} fontSize={11} minTickGap={16} />
          <YAxis fontSize={11} label={{ value: "hours", angle: -90, position: "insideLeft", fontSize: 11 }} />
          <Tooltip labelFormatter={utcMinute} formatter={(v) => `${Number(v).toFixed(2)} h`} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {unusedKeys.map((k, i) => (
            <Bar key={k} dataKey={k} stackId="u" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
          ))}
          <Bar dataKey="used" stackId="u" fill="#d4d4d8" isAnimationActive={false} />
        </BarChart>
      </Panel>
      <Panel id="approval-latency" question="How long did a decision take, and how many needed no person?" unit={`requests decided per ${m.bucket}`} rows={approvals} href="/requests" hrefLabel="Requests">
        <ComposedChart data={approvals} margin={{ left: 0, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="bucket" tickFormatter={fmt} fontSize={11} minTickGap={16} />
          <YAxis yAxisId="minutes" fontSize={11} label={{ value: "minutes", angle: -90, position: "insideLeft", fontSize: 11 }} />
          <YAxis yAxisId="requests" orientation="right" fontSize={11} allowDecimals={false} label={{ value: "requests", angle: 90, position: "insideRight", fontSize: 11 }} />
          <Tooltip labelFormatter={utcMinute} formatter={(v, name) => (String(name).endsWith("minutes") ? `${Number(v).toFixed(2)} min` : String(v))} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Bar yAxisId="requests" dataKey="by a person" stackId="d" fill="#c4b5fd" isAnimationActive={false} />
          <Bar yAxisId="requests" dataKey="by policy" stackId="d" fill="#86efac" isAnimationActive={false} />
          <Line yAxisId="minutes" dataKey="p50 minutes" stroke="#2563eb" dot={false} isAnimationActive={false} />
          <Line yAxisId="minutes" dataKey="p95 minutes" stroke="#d97706" dot={false} isAnimationActive={false} />
        </ComposedChart>
      </Panel>
    </div>
  );
}
