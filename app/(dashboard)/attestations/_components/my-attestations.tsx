"use client";

import { useEffect, useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, dataTableFeatures } from "@/components/data-table/data-table";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { formatDate } from "@/components/ui/format";
import type { MyAttestationRow } from "@/lib/attestations/find-my-attestations";
import type { OwnerCandidate } from "@/lib/attestations/find-owner-candidates";
import type { Page } from "@/lib/listing";
import { attestAction } from "../actions";
import Link from "next/link";
import { Time } from "@/components/ui/time";

type Decision = "keep" | "reduce" | "decommission" | "reassign";

const decisions: { value: Decision; label: string; hint: string }[] = [
  { value: "keep", label: "Keep", hint: "Still needed, still ours, holds what it should" },
  { value: "reduce", label: "Reduce", hint: "Still needed, but holds too much: I will cut its grants" },
  { value: "decommission", label: "Decommission", hint: "No longer needed: take it out of service and revoke its grants now" },
  { value: "reassign", label: "Reassign owner", hint: "Someone else answers for it" },
];

const col = createColumnHelper<typeof dataTableFeatures, MyAttestationRow>();

type Props = Page<MyAttestationRow> & { sort: string; dir: "asc" | "desc"; actorId: string; owners: OwnerCandidate[] };

export function MyAttestations(props: Props) {
  const router = useRouter();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [decision, setDecision] = useState<Decision>("keep");
  const [comment, setComment] = useState("");
  const [newOwner, setNewOwner] = useState("");
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [pending, start] = useTransition();
  const commentRef = useRef<HTMLInputElement>(null);
  const rows = props.rows;

  useEffect(() => {
    setSelected(new Set());
  }, [rows]);

  const submit = (ids: string[], chosen: Decision, note: string) => {
    if (ids.length === 0) return;
    if (chosen !== "keep" && note.trim().length < 3) {
      setMessage({ tone: "error", text: `Say why in the comment before you ${chosen === "reassign" ? "reassign" : chosen}.` });
      commentRef.current?.focus();
      return;
    }
    if (chosen === "reassign" && !newOwner) {
      setMessage({ tone: "error", text: "Choose the new owner." });
      return;
    }
    if (chosen === "decommission" && !window.confirm(`Decommission ${ids.length} identit${ids.length === 1 ? "y" : "ies"}? Their live grants are revoked now.`)) return;
    start(async () => {
      const r = await attestAction({ attestationIds: ids, decision: chosen, comment: note, newOwnerUserId: chosen === "reassign" ? newOwner : undefined });
      if (!r.ok) {
        setMessage({ tone: "error", text: r.error.message });
        return;
      }
      const failed = r.data.filter((x) => !x.ok);
      const done = r.data.length - failed.length;
      const verb = decisions.find((d) => d.value === chosen)!.label.toLowerCase();
      setMessage(
        failed.length
          ? { tone: "error", text: `Attested ${done} (${verb}); ${failed.length} refused: ${[...new Set(failed.map((f) => f.error))].join("; ")}` }
          : { tone: "ok", text: `Attested ${done} identit${done === 1 ? "y" : "ies"}: ${verb}${done === 1 && r.data[0].identity ? ` (${r.data[0].identity})` : ""}.` },
      );
      if (done > 0) {
        setComment("");
        router.refresh();
      }
    });
  };

  const columns = col.columns([
    col.accessor("identity", {
      header: "Identity",
      cell: (c) => (
        <div>
          <div className="font-medium">{c.getValue()}</div>
          <div className="text-xs text-zinc-500">
            {c.row.original.kind.replaceAll("_", " ")} · {c.row.original.system} · {c.row.original.ownedVia}
          </div>
        </div>
      ),
    }),
    col.accessor("environment", { header: "Env", cell: (c) => <StatusBadge value={c.getValue()} /> }),
    col.accessor("criticality", { header: "Criticality", cell: (c) => <StatusBadge value={c.getValue()} /> }),
    col.accessor("dueAt", {
      header: "Due",
      cell: (c) => (
        <div>
          <div className="whitespace-nowrap">
            {formatDate(c.getValue())} {c.row.original.overdue ? <Badge tone="red">overdue</Badge> : null}
          </div>
          <div className="text-xs text-zinc-500">{c.row.original.campaign}</div>
        </div>
      ),
    }),
    col.display({
      id: "holds",
      header: "Holds now",
      cell: (c) => <Holds row={c.row.original} />,
    }),
    col.accessor("lastUsedAt", {
      header: "Last used",
      enableSorting: false,
      cell: (c) => <span className="whitespace-nowrap" data-testid="last-used">{c.getValue() ? <Time iso={c.getValue()} /> : <span className="text-zinc-500">never reported</span>}</span>,
    }),
    col.accessor("lastAttestedAt", {
      header: "Last attested",
      cell: (c) => (
        <span className="whitespace-nowrap">
          {formatDate(c.getValue())} {c.row.original.status !== "active" ? <StatusBadge value={c.row.original.status} /> : null}
        </span>
      ),
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: (c) => (
        <button
          type="button"
          disabled={pending}
          onClick={() => submit([c.row.original.id], "keep", "")}
          aria-label={`Keep ${c.row.original.identity}`}
          className="rounded-md border border-emerald-700 px-2 py-0.5 text-xs font-medium text-emerald-800 hover:bg-emerald-50 disabled:opacity-50"
        >
          Keep
        </button>
      ),
    }),
  ]);

  const chosen = decisions.find((d) => d.value === decision)!;
  const ids = [...selected];
  return (
    <div data-testid="my-attestations">
      <div className="sticky top-0 z-10 mb-3 flex flex-wrap items-center gap-2 rounded-lg border border-zinc-200 bg-white p-2 text-sm shadow-sm" data-testid="bulk-bar">
        <span className="px-1 text-zinc-600">{selected.size ? `${selected.size} selected` : "Select identities to attest several at once"}</span>
        <select value={decision} onChange={(e) => setDecision(e.target.value as Decision)} aria-label="Decision" title={chosen.hint} className="rounded-md border border-zinc-300 px-2 py-1">
          {decisions.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>
        {decision === "reassign" ? (
          <select value={newOwner} onChange={(e) => setNewOwner(e.target.value)} aria-label="New owner" className="rounded-md border border-zinc-300 px-2 py-1">
            <option value="">New owner…</option>
            {props.owners
              .filter((o) => o.id !== props.actorId)
              .map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name} ({o.email})
                </option>
              ))}
          </select>
        ) : null}
        <input
          ref={commentRef}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          placeholder={decision === "keep" ? "Comment (optional)" : "Comment (required)"}
          aria-label="Comment"
          maxLength={2000}
          className="min-w-64 flex-1 rounded-md border border-zinc-300 px-2 py-1"
        />
        <button
          type="button"
          disabled={pending || selected.size === 0}
          onClick={() => submit(ids, decision, comment)}
          className={`rounded-md px-3 py-1 font-medium text-white disabled:opacity-50 ${decision === "decommission" ? "bg-red-700 hover:bg-red-800" : "bg-zinc-900 hover:bg-zinc-700"}`}
        >
          {pending ? "Attesting…" : `Attest${selected.size ? ` ${selected.size}` : ""}: ${chosen.label.toLowerCase()}`}
        </button>
      </div>
      <p className="mb-3 text-xs text-zinc-500">{chosen.hint}.</p>
      {message ? (
        <p role="status" data-testid="attest-message" className={`mb-3 rounded-md px-3 py-2 text-sm ${message.tone === "ok" ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-700"}`}>
          {message.text}
        </p>
      ) : null}
      <DataTable
        {...props}
        data={rows}
        columns={columns}
        getRowId={(r) => r.id}
        empty="Nothing left to attest. Every identity you own is answered for."
        caption="My identities to attest"
        selection={{ selected, onChange: setSelected }}
      />
    </div>
  );
}

/** What the identity holds now: live grants, accepted exceptions, accounts found by discovery. */
function Holds({ row }: { row: MyAttestationRow }) {
  const { grants, exceptions, discovered } = row.holds;
  if (grants.length + exceptions.length + discovered.length === 0) return <span className="text-zinc-500">nothing</span>;
  return (
    <ul className="space-y-0.5 text-xs" data-testid="holds">
      {grants.map((g) => (
        <li key={g.id}>
          <span className="font-medium">{g.entitlement}</span> <span className="text-zinc-500">grant, {g.status.replaceAll("_", " ")}, ends {formatDate(g.expiresAt)}</span>
        </li>
      ))}
      {exceptions.map((e) => (
        <li key={e.id}>
          <Link className="font-medium underline" href={`/exceptions/${e.id}`}>
            {e.entitlement}
          </Link>{" "}
          <Badge tone="amber">standing</Badge> <span className="text-zinc-500">exception{e.expiresAt ? ` until ${formatDate(e.expiresAt)}` : ""}</span>
        </li>
      ))}
      {discovered.map((d) => (
        <li key={`${d.issuer}:${d.principal}`}>
          <span className="font-mono">{d.principal}</span> <span className="text-zinc-500">on {d.issuer}, found by discovery</span>
        </li>
      ))}
    </ul>
  );
}
