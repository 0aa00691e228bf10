import Link from "next/link";
import { Time } from "@/components/ui/time";
import type { SentencePart } from "@/lib/audit-log/describe-event";
import type { HistoryEntry } from "@/lib/audit-log/history";

export type { HistoryEntry };

/** A sentence with its links. */
export function Sentence({ parts }: { parts: SentencePart[] }) {
  return (
    <>
      {parts.map((p, n) =>
        typeof p === "string" ? (
          <span key={n}>{p}</span>
        ) : (
          <Link key={n} className="underline" href={p.href}>
            {p.text}
          </Link>
        ),
      )}
    </>
  );
}

/** The exact data the event recorded, folded away under its sentence: auditors need it as it was stored. */
export function RecordedData({ action, data }: { action: string; data: unknown }) {
  return (
    <details className="text-xs text-zinc-500">
      <summary className="cursor-pointer select-none">
        Recorded data <span className="font-mono" data-testid="recorded-action">{action}</span>
      </summary>
      <pre className="mt-1 max-w-full overflow-x-auto whitespace-pre-wrap break-all rounded bg-zinc-50 p-2 text-[11px] text-zinc-700">{JSON.stringify(data ?? {}, null, 2)}</pre>
    </details>
  );
}

/** The audit events about one object, as sentences, in the order given. */
export function History({ entries, testId, title = "History", empty = "No event recorded yet." }: { entries: HistoryEntry[]; testId?: string; title?: string; empty?: string }) {
  return (
    <section className="mt-6">
      <h2 className="mb-2 font-semibold">
        {title}
        <span className="ml-1 font-normal text-zinc-500">({entries.length})</span>
      </h2>
      {entries.length === 0 ? (
        <p className="rounded-lg border border-dashed border-zinc-300 bg-white px-4 py-3 text-sm text-zinc-500" data-testid={testId}>
          {empty}
        </p>
      ) : (
        <ol className="space-y-2 rounded-lg border border-zinc-200 bg-white p-4 text-sm" data-testid={testId}>
          {entries.map((h) => (
            <li key={h.seq} className="grid grid-cols-[minmax(0,1fr)] gap-x-3 max-sm:border-b max-sm:border-zinc-100 max-sm:pb-1 sm:grid-cols-[11rem_minmax(0,1fr)]" data-action={h.action}>
              <span className="text-zinc-500">
                <Time iso={h.at} />
              </span>
              <div className="min-w-0">
                <p className="wrap-anywhere" data-testid="history-sentence">
                  <Sentence parts={h.sentence} />
                </p>
                <RecordedData action={h.action} data={h.data} />
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
