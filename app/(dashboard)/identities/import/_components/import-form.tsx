"use client";

import Link from "next/link";
import { useState, useTransition } from "react";
import type { ImportReport } from "@/lib/identities/import-identities";
import { MAX_IMPORT_BYTES } from "@/lib/identities/import-rows";
import { Badge } from "@/components/ui/badge";
import { importIdentitiesAction, previewImportAction, type ImportFile } from "../../actions";

const PREVIEW_ROWS_SHOWN = 500;
const input = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm";

export function ImportForm() {
  const [format, setFormat] = useState<"csv" | "json">("csv");
  const [content, setContent] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [upsert, setUpsert] = useState(false);
  const [preview, setPreview] = useState<{ file: ImportFile; report: ImportReport } | null>(null);
  const [done, setDone] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();

  const file: ImportFile = { format, content, upsert };
  // Import only what was previewed: any edit after the preview needs a new one.
  const previewed = preview && preview.file.format === format && preview.file.content === content && preview.file.upsert === upsert ? preview.report : null;
  const tooLarge = new Blob([content]).size > MAX_IMPORT_BYTES;

  const reset = () => {
    setDone(null);
    setError(null);
  };

  const onFile = async (f: File | undefined) => {
    reset();
    setPreview(null);
    if (!f) return;
    if (f.size > MAX_IMPORT_BYTES) {
      setError(`${f.name} is ${(f.size / 1024 / 1024).toFixed(1)} MB; an import takes at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it into smaller files.`);
      return;
    }
    setFileName(f.name);
    if (/\.json$/i.test(f.name) || f.type === "application/json") setFormat("json");
    else if (/\.csv$/i.test(f.name) || f.type === "text/csv") setFormat("csv");
    setContent(await f.text());
  };

  const runPreview = () =>
    start(async () => {
      reset();
      const r = await previewImportAction(file);
      if (r.ok) setPreview({ file, report: r.data });
      else {
        setPreview(null);
        setError(r.error.message);
      }
    });

  const runImport = () =>
    start(async () => {
      reset();
      const r = await importIdentitiesAction(file);
      if (r.ok) {
        setDone(r.data);
        setPreview(null);
      } else setError(r.error.message);
    });

  return (
    <div className="max-w-5xl space-y-4">
      <div className="flex flex-wrap items-center gap-4 text-sm">
        <fieldset className="flex items-center gap-3">
          <legend className="sr-only">Format</legend>
          <span className="text-zinc-500">Format</span>
          {(["csv", "json"] as const).map((f) => (
            <label key={f} className="flex items-center gap-1">
              <input type="radio" name="format" value={f} checked={format === f} onChange={() => setFormat(f)} />
              {f.toUpperCase()}
            </label>
          ))}
        </fieldset>
        <label className="flex items-center gap-2">
          <span className="text-zinc-500">File</span>
          <input type="file" accept=".csv,.json,text/csv,application/json" aria-label="Choose a file" onChange={(e) => onFile(e.target.files?.[0])} className="text-sm" />
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={upsert} onChange={(e) => setUpsert(e.target.checked)} />
          Update identities that already exist
        </label>
      </div>
      <label className="block">
        <span className="text-sm font-medium">{fileName ? `Content of ${fileName}` : "Or paste the content"}</span>
        <textarea
          value={content}
          onChange={(e) => {
            setContent(e.target.value);
            setFileName(null);
          }}
          rows={10}
          spellCheck={false}
          aria-label="File content"
          placeholder={format === "csv" ? "name,kind,environment,system,owner\n..." : '[{"name": "...", "kind": "...", "environment": "...", "system": "..."}]'}
          className={`${input} mt-1 block w-full font-mono text-xs`}
        />
      </label>
      <div className="flex items-center gap-2">
        <button
          type="button"
          onClick={runPreview}
          disabled={pending || !content.trim() || tooLarge}
          className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 disabled:opacity-50"
        >
          Preview
        </button>
        <button
          type="button"
          onClick={runImport}
          disabled={pending || !previewed?.ok || previewed.create + previewed.update === 0}
          title={previewed?.ok ? undefined : "Preview the file without problems first"}
          className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-40"
        >
          Import
        </button>
        {pending ? <span className="text-sm text-zinc-500">Working…</span> : null}
        {tooLarge ? <span className="text-sm text-red-700">Larger than {MAX_IMPORT_BYTES / 1024 / 1024} MB; split the file.</span> : null}
      </div>

      {error ? (
        <p role="alert" className="text-sm text-red-700" data-testid="import-error">
          {error}
        </p>
      ) : null}
      {done ? (
        <p role="status" className="text-sm text-emerald-700" data-testid="import-result">
          Imported: {done.create} created, {done.update} updated{done.unchanged ? `, ${done.unchanged} unchanged` : ""}.{" "}
          <Link href="/identities" className="underline">
            See the identities
          </Link>
        </p>
      ) : null}
      {preview && !previewed && !done ? <p className="text-sm text-amber-800">The content changed since the preview: preview it again.</p> : null}
      {previewed ? <PreviewReport report={previewed} /> : null}
    </div>
  );
}

function PreviewReport({ report }: { report: ImportReport }) {
  return (
    <div className="space-y-4" data-testid="import-preview">
      <p className="text-sm" data-testid="import-summary">
        {report.rows} row{report.rows === 1 ? "" : "s"}: {report.create} to create, {report.update} to update{report.unchanged ? `, ${report.unchanged} unchanged` : ""}.{" "}
        {report.ok ? (
          <span className="text-emerald-700">No problems found.</span>
        ) : (
          <span className="text-red-700">
            {report.errorCount} problem{report.errorCount > 1 ? "s" : ""}: nothing can be imported until {report.errorCount > 1 ? "they are" : "it is"} fixed.
          </span>
        )}
      </p>
      {report.errors.length ? (
        <ul className="space-y-1 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800" data-testid="import-errors">
          {report.errors.map((e, n) => (
            <li key={n}>{e.text}</li>
          ))}
          {report.errorCount > report.errors.length ? <li>… and {report.errorCount - report.errors.length} more</li> : null}
        </ul>
      ) : null}
      {report.preview.length ? (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
          <table className="w-full text-left text-sm" data-testid="import-rows">
            <caption className="sr-only">Rows to import</caption>
            <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
              <tr>
                {[report.format === "csv" ? "Line" : "Item", "Name", "Action", "Kind", "Env", "System", "Owner", "Changes"].map((h) => (
                  <th key={h} scope="col" className="px-3 py-2 font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {report.preview.slice(0, PREVIEW_ROWS_SHOWN).map((r) => (
                <tr key={r.name}>
                  <td className="px-3 py-1.5 tabular-nums text-zinc-500">{r.line ?? r.index}</td>
                  <td className="px-3 py-1.5 font-medium">{r.name}</td>
                  <td className="px-3 py-1.5">
                    <Badge tone={r.action === "create" ? "green" : r.action === "update" ? "amber" : "gray"}>{r.action}</Badge>
                  </td>
                  <td className="px-3 py-1.5">{r.kind.replaceAll("_", " ")}</td>
                  <td className="px-3 py-1.5">{r.environment}</td>
                  <td className="px-3 py-1.5">{r.system}</td>
                  <td className="px-3 py-1.5">{r.owner ?? <span className="text-zinc-400">unowned</span>}</td>
                  <td className="px-3 py-1.5 text-xs text-zinc-600">{r.changes.join("; ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.preview.length > PREVIEW_ROWS_SHOWN ? <p className="px-3 py-2 text-xs text-zinc-500">… and {report.preview.length - PREVIEW_ROWS_SHOWN} more rows</p> : null}
        </div>
      ) : null}
    </div>
  );
}
