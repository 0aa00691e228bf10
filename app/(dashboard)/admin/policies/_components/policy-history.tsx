import type { PolicyHistoryEntry } from "@/lib/policy/find-policy-history";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { RollBackButton } from "./roll-back-button";

const lineTone = { same: "text-zinc-600", added: "bg-emerald-50 text-emerald-900", removed: "bg-red-50 text-red-900" } as const;
const sign = { same: " ", added: "+", removed: "-" } as const;

function Changes({ changes }: { changes: NonNullable<PolicyHistoryEntry["changes"]> }) {
  if (changes.added + changes.removed === 0) return <p className="px-3 py-2 text-xs text-zinc-600">The same text as the version before it.</p>;
  return (
    <pre className="overflow-x-auto py-1 font-mono text-xs leading-5" data-testid="policy-diff">
      {changes.lines.map((l, i) =>
        l.kind === "gap" ? (
          <div key={i} className="bg-zinc-50 px-3 text-zinc-400">
            ⋯ {l.count} unchanged {l.count === 1 ? "line" : "lines"}
          </div>
        ) : (
          <div key={i} className={`px-3 ${lineTone[l.kind]}`} data-kind={l.kind}>
            <span className="inline-block w-10 select-none text-right text-zinc-400">{l.kind === "removed" ? l.oldLine : l.newLine}</span>
            <span className="select-none"> {sign[l.kind]} </span>
            {l.text}
          </div>
        ),
      )}
    </pre>
  );
}

/** Every policy version, newest first: who saved it, when, why, what it changed, and a way back to it. */
export function PolicyHistory({ entries, older }: { entries: PolicyHistoryEntry[]; older: number }) {
  return (
    <ol className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white text-sm" data-testid="policy-history">
      {entries.map((v) => (
        <li key={v.version} className="px-4 py-2" data-testid="policy-version" data-version={v.version}>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <span className="flex flex-wrap items-center gap-2">
              <span className="font-medium">v{v.version}</span>
              {v.inForce ? <Badge tone="green">in force</Badge> : null}
              <span>{v.comment || "No comment"}</span>
            </span>
            <span className="flex flex-wrap items-center gap-3 text-zinc-500">
              <span>{v.author ? `${v.author.name} <${v.author.email}>` : v.createdAt ? "a machine or a removed user" : "shipped with Hourglass"}</span>
              {v.createdAt ? <Time iso={v.createdAt} /> : null}
              {v.inForce ? null : <RollBackButton version={v.version} />}
            </span>
          </div>
          {v.changes ? (
            <details className="mt-1 rounded border border-zinc-100">
              <summary className="cursor-pointer px-3 py-1 text-xs text-zinc-600">
                Changes against v{v.version - 1}: <span className="text-emerald-700">+{v.changes.added}</span> <span className="text-red-700">−{v.changes.removed}</span>
              </summary>
              <Changes changes={v.changes} />
            </details>
          ) : null}
        </li>
      ))}
      {older > 0 ? <li className="px-4 py-2 text-zinc-600">{older.toLocaleString("en")} older versions are not shown.</li> : null}
    </ol>
  );
}
