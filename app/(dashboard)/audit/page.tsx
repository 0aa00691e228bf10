import type { Metadata } from "next";
import Link from "next/link";
import { findAuditEvents } from "@/lib/audit-log/find-audit-events";
import { parseSeqCursor, parseTextParam } from "@/lib/listing";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { formatTime } from "@/components/ui/format";
import { CheckpointButton, VerifyButton } from "./_components/verify-button";
import { getAuditCheckpointStatus } from "@/lib/audit-log/checkpoints";
import { Time } from "@/components/ui/time";
import { RecordedData, Sentence } from "@/components/ui/history";
import { subjectHref } from "@/lib/audit-log/describe-event";

export const metadata: Metadata = { title: "Audit" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const subjectName = (type: string) => (type === "access_request" ? "request" : type.replaceAll("_", " "));

export default async function AuditPage({ searchParams }: PageProps<"/audit">) {
  const actor = await requireArea("audit");
  const sp = await searchParams;
  const before = parseSeqCursor(parseTextParam(sp, "before", 20));
  const text = (k: string, max = 200) => parseTextParam(sp, k, max);
  const uuid = (k: string) => {
    const v = text(k, 36);
    return v && UUID.test(v) ? v : undefined;
  };
  const time = (k: string) => {
    const v = text(k, 30);
    const d = v ? new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(v) ? v : `${v}Z`) : undefined;
    return d && !Number.isNaN(d.getTime()) ? { raw: v!, date: d } : undefined;
  };
  const filters = {
    action: text("action", 80),
    actor: text("actor"),
    identity: uuid("identity"),
    subjectType: text("subjectType", 40),
    subjectId: text("subjectId", 80),
    from: time("from"),
    to: time("to"),
  };
  const { rows, nextBefore } = await findAuditEvents({
    actor,
    before,
    describe: true,
    filters: {
      action: filters.action,
      actor: filters.actor,
      identityId: filters.identity,
      subjectType: filters.subjectType,
      subjectId: filters.subjectId,
      from: filters.from?.date,
      to: filters.to?.date,
    },
  });
  const checkpoints = await getAuditCheckpointStatus({ actor });
  const latest = checkpoints.latest;
  const state = new URLSearchParams(
    Object.entries({ ...filters, from: filters.from?.raw, to: filters.to?.raw }).filter(([, v]) => v) as [string, string][],
  );
  return (
    <>
      <PageHeader
        title="Audit"
        description="Every request, decision, issue, use and revoke, append-only. Each event carries the hash of the one before it, so an edited or deleted row breaks the chain; signed checkpoints of its head show a cut tail or a rewritten chain."
        actions={<VerifyButton />}
      />
      <section data-testid="audit-checkpoint" className="mb-3 flex flex-wrap items-center gap-x-4 gap-y-1 rounded-lg border border-zinc-200 bg-white px-3 py-2 text-sm">
        <span className="font-medium">Signed checkpoint</span>
        {!checkpoints.enabled ? (
          <span className="text-amber-700">Off: set HOURGLASS_AUDIT_SIGNING_KEY (an Ed25519 key kept outside the database) to detect a cut or rewritten chain.</span>
        ) : !latest ? (
          <span className="text-zinc-600">None yet.</span>
        ) : (
          <>
            <span>
              #{latest.seq} · {Number(latest.events).toLocaleString("en")} events · <Time iso={latest.createdAt} /> · key <span className="font-mono text-xs">{latest.keyId}</span>
            </span>
            {!latest.signatureValid ? (
              <span className="font-medium text-red-700">Signature not trusted</span>
            ) : latest.verifiedAt ? (
              <span className="text-emerald-700">Verified <Time iso={latest.verifiedAt} /></span>
            ) : (
              <span className="text-amber-700">Not verified yet</span>
            )}
          </>
        )}
        {checkpoints.exportFile ? <span className="text-xs text-zinc-500">exported to <span className="font-mono">{checkpoints.exportFile}</span></span> : null}
        {checkpoints.exportUrl ? (
          <span data-testid="checkpoint-url-export" className={`text-xs ${checkpoints.exportUrl.pending > 0 && checkpoints.exportUrl.lastError ? "font-medium text-red-700" : "text-zinc-500"}`}>
            sent to <span className="font-mono">{checkpoints.exportUrl.origin}</span>
            {checkpoints.exportUrl.pending > 0
              ? ` · ${checkpoints.exportUrl.pending} waiting${checkpoints.exportUrl.lastError ? ` (${checkpoints.exportUrl.lastError})` : ""}`
              : checkpoints.exportUrl.lastExportedAt
                ? ` · last ${formatTime(checkpoints.exportUrl.lastExportedAt)}`
                : ""}
          </span>
        ) : null}
        {checkpoints.enabled ? <CheckpointButton /> : null}
      </section>
      <form className="mb-3 flex flex-wrap items-end gap-2 text-sm" role="search">
        {(
          [
            ["actor", "Actor", "e-mail, identity name or id", filters.actor],
            ["identity", "Identity id", "events about this identity", filters.identity],
            ["action", "Action starts with", "e.g. grant.", filters.action],
            ["subjectType", "Subject type", "grant, identity…", filters.subjectType],
            ["subjectId", "Subject id", "", filters.subjectId],
          ] as const
        ).map(([name, label, placeholder, value]) => (
          <label key={name} className="flex flex-col text-xs text-zinc-600">
            {label}
            <input name={name} defaultValue={value} placeholder={placeholder} className="w-44 rounded-md border border-zinc-300 px-2 py-1 text-sm" />
          </label>
        ))}
        <label className="flex flex-col text-xs text-zinc-600">
          From (UTC)
          <input name="from" type="datetime-local" defaultValue={filters.from?.raw.slice(0, 16)} className="rounded-md border border-zinc-300 px-2 py-1 text-sm" />
        </label>
        <label className="flex flex-col text-xs text-zinc-600">
          To (UTC)
          <input name="to" type="datetime-local" defaultValue={filters.to?.raw.slice(0, 16)} className="rounded-md border border-zinc-300 px-2 py-1 text-sm" />
        </label>
        <button className="rounded-md border border-zinc-300 px-2 py-1">Filter</button>
        {state.size ? <Link href="/audit" className="px-1 py-1 text-xs underline">Clear</Link> : null}
      </form>
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
            <tr>
              <th className="px-3 py-2">#</th>
              <th className="px-3 py-2">When</th>
              <th className="px-3 py-2">Actor</th>
              <th className="px-3 py-2">Event</th>
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
                  <td className="whitespace-nowrap px-3 py-2"><Time iso={e.at} /></td>
                  <td className="px-3 py-2">{e.actorLabel}</td>
                  <td className="min-w-64 max-w-xl px-3 py-2" data-testid="audit-event">
                    <p className="wrap-anywhere">{e.sentence ? <Sentence parts={e.sentence} /> : e.action}</p>
                    <RecordedData action={e.action} data={e.data} />
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-xs text-zinc-600" data-testid="audit-subject">
                    {subjectHref(e.subjectType, e.subjectId) ? (
                      <Link className="underline" href={subjectHref(e.subjectType, e.subjectId)!} title={e.subjectId ?? undefined}>
                        {subjectName(e.subjectType)} {e.subjectId!.slice(0, 8)}
                      </Link>
                    ) : (
                      <span title={e.subjectId ?? undefined}>
                        {subjectName(e.subjectType)}
                        {e.subjectId ? ` ${e.subjectId.slice(0, 8)}` : ""}
                      </span>
                    )}
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
          <Link className="underline" href={`/audit?${new URLSearchParams([...state, ["before", nextBefore]])}`}>
            Older events →
          </Link>
        </div>
      ) : null}
    </>
  );
}
