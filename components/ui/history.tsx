import { formatTime } from "./format";
import { Time } from "@/components/ui/time";

export type HistoryEntry = { seq: string; at: string; actor: string; action: string; data: unknown };

/** The audit events about one object, oldest first. */
export function History({ entries, testId }: { entries: HistoryEntry[]; testId?: string }) {
  return (
    <section className="mt-6">
      <h2 className="mb-2 font-semibold">History</h2>
      <ol className="space-y-1 rounded-lg border border-zinc-200 bg-white p-4 text-sm" data-testid={testId}>
        {entries.map((h) => (
          <li key={h.seq} className="grid grid-cols-[minmax(0,1fr)] gap-x-2 max-sm:border-b max-sm:border-zinc-100 max-sm:pb-1 sm:grid-cols-[11rem_16rem_minmax(0,1fr)] sm:gap-2">
            <span className="text-zinc-500"><Time iso={h.at} /></span>
            <span className="font-mono text-xs">{h.action}</span>
            <span className="truncate text-xs text-zinc-600">
              {h.actor} {h.data && Object.keys(h.data as object).length ? JSON.stringify(h.data) : ""}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
