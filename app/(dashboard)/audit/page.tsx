import type { Metadata } from "next";
import Link from "next/link";
import { findAuditEvents } from "@/lib/audit-log/find-audit-events";
import { parseTextParam } from "@/lib/listing";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { formatTime } from "@/components/ui/format";
import { VerifyButton } from "./_components/verify-button";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage({ searchParams }: PageProps<"/audit">) {
  const actor = await requireArea("audit");
  const sp = await searchParams;
  const beforeRaw = parseTextParam(sp, "before", 20);
  const before = beforeRaw && /^\d+$/.test(beforeRaw) ? BigInt(beforeRaw) : undefined;
  const action = parseTextParam(sp, "action", 80);
  const { rows, nextBefore } = await findAuditEvents({ actor, before, filters: { action } });
  return (
    <>
      <PageHeader
        title="Audit"
        description="Every request, decision, issue, use and revoke, append-only. Each event carries the hash of the one before it, so an edited or deleted row breaks the chain."
        actions={<VerifyButton />}
      />
      <form className="mb-3 flex gap-2 text-sm" role="search">
        <input name="action" defaultValue={action} placeholder="Action starts with… (e.g. grant.)" className="w-72 rounded-md border border-zinc-300 px-2 py-1" />
        <button className="rounded-md border border-zinc-300 px-2 py-1">Filter</button>
      </form>
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
            <tr>
              <th className="px-3 py-2">#</th>
              <th className="px-3 py-2">When</th>
              <th className="px-3 py-2">Actor</th>
              <th className="px-3 py-2">Action</th>
              <th className="px-3 py-2">Subject</th>
              <th className="px-3 py-2">Hash</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="px-3 py-10 text-center text-zinc-500">
                  No event matches.
                </td>
              </tr>
            ) : (
              rows.map((e) => (
                <tr key={e.id} className="align-top">
                  <td className="px-3 py-2 tabular-nums text-zinc-500">{e.seq}</td>
                  <td className="whitespace-nowrap px-3 py-2">{formatTime(e.at)}</td>
                  <td className="px-3 py-2">{e.actorLabel}</td>
                  <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                  <td className="px-3 py-2 text-xs text-zinc-600">
                    {e.subjectType}
                    {e.subjectId ? ` ${e.subjectId.slice(0, 8)}` : ""}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs text-zinc-400">{e.hash.slice(0, 12)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {nextBefore ? (
        <div className="mt-3 text-sm">
          <Link className="underline" href={`/audit?before=${nextBefore}${action ? `&action=${encodeURIComponent(action)}` : ""}`}>
            Older events →
          </Link>
        </div>
      ) : null}
    </>
  );
}
