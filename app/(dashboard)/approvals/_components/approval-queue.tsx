"use client";

import { useCallback, useEffect, useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, dataTableFeatures } from "@/components/data-table/data-table";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { humanDuration } from "@/lib/validation";
import type { RequestRow } from "@/lib/requests/find-requests";
import type { Page } from "@/lib/listing";
import { decideRequestsAction, requestContextAction } from "../actions";
import { Time } from "@/components/ui/time";
import { formatTime } from "@/components/ui/format";

type Context = Extract<Awaited<ReturnType<typeof requestContextAction>>, { ok: true }>["data"];

const col = createColumnHelper<typeof dataTableFeatures, RequestRow>();
const ageOf = (iso: string) => humanDuration((Date.now() - new Date(iso).getTime()) / 1000);

const columns = col.columns([
  col.accessor("createdAt", { header: "Waiting", cell: (c) => <span className="whitespace-nowrap tabular-nums" title={formatTime(c.getValue())} suppressHydrationWarning>{ageOf(c.getValue())}</span> }),
  col.accessor("identity", {
    header: "Identity",
    enableSorting: false,
    cell: (c) => (
      <div>
        <div className="font-medium">{c.getValue()}</div>
        <div className="text-xs text-zinc-500">{c.row.original.identityKind.replaceAll("_", " ")}</div>
      </div>
    ),
  }),
  col.accessor("entitlement", {
    header: "Entitlement",
    enableSorting: false,
    cell: (c) => (
      <span>
        {c.getValue()} {c.row.original.extension ? <Badge tone="violet">extension</Badge> : null}
      </span>
    ),
  }),
  col.accessor("environment", { header: "Env", cell: (c) => <StatusBadge value={c.getValue()} /> }),
  col.accessor("riskTier", { header: "Risk", cell: (c) => <StatusBadge value={c.getValue()} /> }),
  col.accessor("durationSec", { header: "For", cell: (c) => humanDuration(c.getValue()) }),
  col.accessor("requester", { header: "By", enableSorting: false }),
  col.accessor("justification", { header: "Why", enableSorting: false, cell: (c) => <span className="line-clamp-2 max-w-xs text-zinc-600">{c.getValue()}</span> }),
  col.accessor("approvals", {
    header: "Approvals",
    enableSorting: false,
    cell: (c) => (
      <span className="tabular-nums">
        {c.getValue()}/{c.row.original.approvalsRequired}
      </span>
    ),
  }),
]);

type Props = Page<RequestRow> & { sort: string; dir: "asc" | "desc"; actorId: string };

type RiskyItem = Pick<RequestRow, "id" | "entitlement" | "identity" | "riskTier" | "environment">;

/** Risk tiers whose approval by key asks once first: one stray keystroke must not open production. */
const confirmTiers: ReadonlySet<string> = new Set(["high", "critical"]);

/** Whether a key pressed here is text being typed (a checkbox or a button is not: shortcuts stay on). */
function isTyping(t: HTMLElement): boolean {
  if (t.isContentEditable || t.tagName === "TEXTAREA" || t.tagName === "SELECT") return true;
  return t.tagName === "INPUT" && !["checkbox", "radio", "button", "submit", "reset"].includes((t as HTMLInputElement).type);
}

export function ApprovalQueue(props: Props) {
  const router = useRouter();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [activeIndex, setActiveIndex] = useState(0);
  const [drawer, setDrawer] = useState<Context | null>(null);
  const [drawerError, setDrawerError] = useState<string | null>(null);
  const [comment, setComment] = useState("");
  const [help, setHelp] = useState(false);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  // Approvals by key that touch high or critical risk wait here for one confirmation.
  const [confirming, setConfirming] = useState<{ ids: string[]; risky: RiskyItem[] } | null>(null);
  const [pending, start] = useTransition();
  const commentRef = useRef<HTMLInputElement>(null);
  const drawerCommentRef = useRef<HTMLInputElement>(null);
  const rows = props.rows;
  const active = rows[Math.min(activeIndex, rows.length - 1)];
  // With the drawer open, the request it shows is what the keys and the bar act on; otherwise the
  // selection, or the highlighted row.
  const targets = drawer ? [drawer.id] : selected.size ? [...selected] : active ? [active.id] : [];
  const risky: RiskyItem[] = drawer
    ? confirmTiers.has(drawer.riskTier)
      ? [{ id: drawer.id, entitlement: drawer.entitlement, identity: drawer.identity.name, riskTier: drawer.riskTier, environment: drawer.identity.environment }]
      : []
    : rows.filter((r) => targets.includes(r.id) && confirmTiers.has(r.riskTier));

  // New rows (a live refresh, a decision): keep what is still there selected, and the highlight on the same request.
  const activeId = useRef<string | undefined>(undefined);
  activeId.current = active?.id;
  useEffect(() => {
    const present = new Set(rows.map((r) => r.id));
    setSelected((s) => {
      const kept = new Set([...s].filter((id) => present.has(id)));
      return kept.size === s.size ? s : kept;
    });
    const at = rows.findIndex((r) => r.id === activeId.current);
    setActiveIndex((i) => (at >= 0 ? at : Math.min(i, Math.max(0, rows.length - 1))));
  }, [rows]);

  const openDrawer = useCallback((row: RequestRow) => {
    setDrawerError(null);
    setMessage(null);
    start(async () => {
      const r = await requestContextAction({ requestId: row.id });
      if (r.ok) setDrawer(r.data);
      else setDrawerError(r.error.message);
    });
  }, []);

  const decide = useCallback(
    (decision: "approve" | "deny", ids: string[]) => {
      if (ids.length === 0) return;
      if (decision === "deny" && !comment.trim()) {
        setMessage({ tone: "error", text: "Say why in the comment before denying." });
        (drawerCommentRef.current ?? commentRef.current)?.focus();
        return;
      }
      start(async () => {
        const r = await decideRequestsAction({ requestIds: ids, decision, comment });
        if (!r.ok) {
          setMessage({ tone: "error", text: r.error.message });
          return;
        }
        const failed = r.data.filter((x) => !x.ok);
        const done = r.data.length - failed.length;
        const verb = decision === "approve" ? "Approved" : "Denied";
        const reasons = [...new Set(failed.map((f) => f.error))].join("; ");
        setMessage(
          failed.length
            ? { tone: "error", text: ids.length === 1 ? `Not ${verb.toLowerCase()}: ${reasons}` : `${verb} ${done}; ${failed.length} refused: ${reasons}` }
            : { tone: "ok", text: `${verb} ${done} request${done === 1 ? "" : "s"}${decision === "approve" && r.data.some((x) => x.status === "pending") ? " (some still need another approval)" : ""}.` },
        );
        setComment("");
        setDrawer(null);
        // What was decided leaves the selection, whether or not it leaves the queue.
        setSelected((s) => new Set([...s].filter((id) => !ids.includes(id))));
        router.refresh();
      });
    },
    [comment, router],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      // The confirmation owns the keyboard while it is open: its buttons take Enter, Esc cancels.
      if (confirming) {
        if (e.key === "Escape") {
          e.preventDefault();
          setConfirming(null);
        }
        return;
      }
      if (isTyping(t) || e.metaKey || e.ctrlKey || e.altKey) {
        if (e.key === "Escape") t.blur();
        return;
      }
      // Enter and Space on a focused button or link press it.
      if ((e.key === "Enter" || e.key === " ") && (t.tagName === "BUTTON" || t.tagName === "A")) return;
      switch (e.key) {
        case "j":
        case "ArrowDown":
          setActiveIndex((i) => Math.min(i + 1, rows.length - 1));
          break;
        case "k":
        case "ArrowUp":
          setActiveIndex((i) => Math.max(i - 1, 0));
          break;
        case "x":
          if (active)
            setSelected((s) => {
              const n = new Set(s);
              if (n.has(active.id)) n.delete(active.id);
              else n.add(active.id);
              return n;
            });
          break;
        case "a":
          if (risky.length > 0) setConfirming({ ids: targets, risky });
          else decide("approve", targets);
          break;
        case "d":
          decide("deny", targets);
          break;
        case "c":
          e.preventDefault();
          commentRef.current?.focus();
          break;
        case "Enter":
        case "o":
          if (active) openDrawer(active);
          break;
        case "Escape":
          setDrawer(null);
          setHelp(false);
          break;
        case "?":
          setHelp((h) => !h);
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [rows, active, targets, risky, decide, openDrawer, confirming]);

  // A click on a row's checkbox also highlights that row, so j/k/x carry on from where the mouse was.
  const onSelectionChange = (next: Set<string>) => {
    const changed = [...next].filter((id) => !selected.has(id)).concat([...selected].filter((id) => !next.has(id)));
    if (changed.length === 1) {
      const i = rows.findIndex((r) => r.id === changed[0]);
      if (i >= 0) setActiveIndex(i);
    }
    setSelected(next);
  };

  return (
    <div className="relative max-sm:pb-40">
      <div className="sticky top-0 z-10 mb-3 flex flex-wrap items-center gap-2 rounded-lg border border-zinc-200 bg-white p-2 text-sm shadow-sm max-sm:fixed max-sm:inset-x-0 max-sm:bottom-0 max-sm:top-auto max-sm:z-30 max-sm:mb-0 max-sm:rounded-none max-sm:border-x-0 max-sm:border-b-0 max-sm:px-3 max-sm:pb-[max(0.5rem,env(safe-area-inset-bottom))] max-sm:shadow-[0_-4px_12px_rgba(0,0,0,0.08)]" data-testid="bulk-bar">
        <span className="px-1 text-zinc-600 max-sm:basis-full max-sm:text-xs">{drawer ? "Acting on the open request" : selected.size ? `${selected.size} selected` : active ? "Acting on the highlighted row" : "Nothing to act on"}</span>
        <input
          ref={commentRef}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          placeholder="Comment (required to deny)"
          aria-label="Comment"
          className="min-w-64 flex-1 rounded-md border border-zinc-300 px-2 py-1 max-sm:min-w-0 max-sm:basis-full max-sm:py-2"
        />
        <button
          disabled={pending || !targets.length}
          onClick={() => decide("approve", targets)}
          className="rounded-md bg-emerald-700 px-3 py-1 font-medium text-white hover:bg-emerald-800 disabled:opacity-50 max-sm:flex-1 max-sm:py-2.5"
        >
          Approve{!drawer && selected.size ? ` ${selected.size}` : ""} <kbd className="ml-1 text-xs opacity-70 max-sm:hidden">a</kbd>
        </button>
        <button
          disabled={pending || !targets.length}
          onClick={() => decide("deny", targets)}
          className="rounded-md bg-red-700 px-3 py-1 font-medium text-white hover:bg-red-800 disabled:opacity-50 max-sm:flex-1 max-sm:py-2.5"
        >
          Deny{!drawer && selected.size ? ` ${selected.size}` : ""} <kbd className="ml-1 text-xs opacity-70 max-sm:hidden">d</kbd>
        </button>
        <button onClick={() => setHelp((h) => !h)} className="rounded-md border border-zinc-300 px-2 py-1 text-zinc-600 max-sm:hidden" aria-label="Keyboard shortcuts">
          ?
        </button>
      </div>
      <p className="-mt-1 mb-3 px-1 text-xs text-zinc-500" data-testid="shortcut-hint">
        Keys: <kbd className="font-mono">j</kbd>/<kbd className="font-mono">k</kbd> move · <kbd className="font-mono">x</kbd> select · <kbd className="font-mono">a</kbd> approve (high and critical risk ask once) ·{" "}
        <kbd className="font-mono">d</kbd> deny · <kbd className="font-mono">Enter</kbd> details · <kbd className="font-mono">?</kbd> all keys. In a text field, Esc hands the keys back.
      </p>
      {message ? (
        <p role="status" data-testid="queue-message" className={`mb-3 rounded-md px-3 py-2 text-sm ${message.tone === "ok" ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-700"}`}>
          {message.text}
        </p>
      ) : null}
      <DataTable
        {...props}
        data={rows}
        columns={columns}
        getRowId={(r) => r.id}
        empty="Nothing waits for a decision. The queue is clear."
        caption="Pending requests"
        selection={{ selected, onChange: onSelectionChange }}
        activeId={active?.id ?? null}
        onRowClick={(row) => {
          setActiveIndex(rows.findIndex((r) => r.id === row.id));
          openDrawer(row);
        }}
      />
      {help ? (
        <div role="dialog" aria-label="Keyboard shortcuts" className="fixed inset-0 z-30 flex items-center justify-center bg-black/30" onClick={() => setHelp(false)}>
          <div className="w-80 rounded-lg bg-white p-5 text-sm shadow-xl">
            <h2 className="mb-3 font-semibold">Keyboard</h2>
            <dl className="grid grid-cols-[5rem_1fr] gap-y-1">
              {[
                ["j / ↓", "next request"],
                ["k / ↑", "previous request"],
                ["x", "select / unselect"],
                ["a", "approve the open, selected or highlighted (high and critical risk ask once)"],
                ["d", "deny the same (needs a comment)"],
                ["c", "write a comment"],
                ["Enter", "open details"],
                ["Esc", "close"],
                ["?", "this help"],
              ].map(([k, v]) => (
                <div key={k} className="contents">
                  <dt>
                    <kbd className="rounded border border-zinc-300 px-1 font-mono text-xs">{k}</kbd>
                  </dt>
                  <dd className="text-zinc-600">{v}</dd>
                </div>
              ))}
            </dl>
          </div>
        </div>
      ) : null}
      {confirming ? <ConfirmApproval risky={confirming.risky} count={confirming.ids.length} onCancel={() => setConfirming(null)} onConfirm={() => (setConfirming(null), decide("approve", confirming.ids))} /> : null}
      {drawer || drawerError ? (
        <aside role="dialog" aria-label="Request details" data-testid="drawer" className="fixed inset-y-0 right-0 z-20 w-full max-w-[28rem] overflow-y-auto border-l border-zinc-200 bg-white p-5 text-sm shadow-xl max-sm:top-14 max-sm:max-w-none max-sm:border-l-0 max-sm:pb-44">
          <button className="float-right text-zinc-500 hover:text-zinc-900 max-sm:-mr-2 max-sm:-mt-2 max-sm:p-2 max-sm:text-lg" onClick={() => (setDrawer(null), setDrawerError(null))} aria-label="Close">
            ✕
          </button>
          {drawerError ? <p className="text-red-700">{drawerError}</p> : null}
          {drawer ? (
            <div className="space-y-4">
              <div>
                <h2 className="text-base font-semibold">{drawer.entitlement}</h2>
                <p className="text-zinc-600">
                  for <span className="font-medium">{drawer.identity.name}</span> ({drawer.identity.kind.replaceAll("_", " ")}, {drawer.identity.environment}, {drawer.identity.system})
                </p>
              </div>
              {drawer.decisionOptions ? (
                <div className="space-y-2 rounded-md border border-zinc-200 bg-zinc-50 p-3" data-testid="drawer-decision">
                  {drawer.decisionOptions.approve && drawer.decisionOptions.deny ? (
                    <p className="text-zinc-600">You cannot decide on this request: {drawer.decisionOptions.deny}.</p>
                  ) : (
                    <>
                      <input
                        ref={drawerCommentRef}
                        value={comment}
                        onChange={(e) => setComment(e.target.value)}
                        placeholder="Comment (required to deny)"
                        aria-label="Decision comment"
                        className="w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5"
                      />
                      <div className="flex gap-2">
                        <button
                          disabled={pending || !!drawer.decisionOptions.approve}
                          title={drawer.decisionOptions.approve ?? undefined}
                          onClick={() => decide("approve", [drawer.id])}
                          className="flex-1 rounded-md bg-emerald-700 px-3 py-1.5 font-medium text-white hover:bg-emerald-800 disabled:opacity-50"
                        >
                          Approve this request
                        </button>
                        <button
                          disabled={pending || !!drawer.decisionOptions.deny}
                          onClick={() => decide("deny", [drawer.id])}
                          className="flex-1 rounded-md bg-red-700 px-3 py-1.5 font-medium text-white hover:bg-red-800 disabled:opacity-50"
                        >
                          Deny this request
                        </button>
                      </div>
                      {drawer.decisionOptions.approve ? <p className="text-xs text-zinc-500">{drawer.decisionOptions.approve}</p> : null}
                      {message?.tone === "error" ? <p className="text-red-700">{message.text}</p> : null}
                    </>
                  )}
                </div>
              ) : null}
              <dl className="grid grid-cols-[7rem_1fr] gap-y-1 max-sm:grid-cols-[6.5rem_minmax(0,1fr)] max-sm:wrap-anywhere">
                <dt className="text-zinc-500">Owner</dt>
                <dd data-testid="drawer-owner">{drawer.owner ?? <span className="text-red-700">unowned</span>}</dd>
                <dt className="text-zinc-500">Requested by</dt>
                <dd>{drawer.requester}</dd>
                <dt className="text-zinc-500">Issuer</dt>
                <dd>{drawer.issuer}</dd>
                <dt className="text-zinc-500">Why</dt>
                <dd>{drawer.justification}</dd>
                <dt className="text-zinc-500">References</dt>
                <dd>{[drawer.refs.ticket, drawer.refs.incident, drawer.refs.change].filter(Boolean).join(" · ") || "—"}</dd>
                <dt className="text-zinc-500">Policy</dt>
                <dd>{drawer.decision?.reasons?.join("; ") ?? "—"}</dd>
                <dt className="text-zinc-500">Approvals</dt>
                <dd>
                  {drawer.approvals.length}/{drawer.approvalsRequired}
                  {drawer.securityApprovalRequired ? " (one from security)" : ""}
                  {drawer.approvals.map((a) => (
                    <div key={a.name} className="text-xs text-zinc-600">
                      {a.decision === "approve" ? "✓" : "✗"} {a.name}
                      {a.asSecurity ? " (security)" : ""} {a.comment}
                    </div>
                  ))}
                </dd>
              </dl>
              <div>
                <h3 className="mb-1 font-medium">Recent grants</h3>
                {drawer.recentGrants.length === 0 ? (
                  <p className="text-zinc-500">None.</p>
                ) : (
                  <ul className="space-y-1">
                    {drawer.recentGrants.map((g) => (
                      <li key={g.id} className="flex justify-between gap-2">
                        <span>{g.entitlement}</span>
                        <span className="text-xs text-zinc-500">
                          <StatusBadge value={g.status} /> <Time iso={g.issuedAt} />
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div>
                <h3 className="mb-1 font-medium">Open exceptions</h3>
                {drawer.openExceptions.length === 0 ? (
                  <p className="text-zinc-500">None: no standing access.</p>
                ) : (
                  <ul>
                    {drawer.openExceptions.map((x) => (
                      <li key={x.id}>
                        {x.entitlement} <StatusBadge value={x.riskRating} /> until <Time iso={x.expiresAt} />
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </div>
          ) : null}
        </aside>
      ) : null}
    </div>
  );
}

/**
 * Asks once before an approval by key that touches high or critical risk. Enter confirms (the
 * confirm button has focus), Esc cancels (the queue's key handler), Tab stays inside.
 */
function ConfirmApproval({ risky, count, onConfirm, onCancel }: { risky: RiskyItem[]; count: number; onConfirm: () => void; onCancel: () => void }) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    confirmRef.current?.focus();
    return () => before?.focus?.();
  }, []);
  const highest = risky.some((r) => r.riskTier === "critical") ? "critical" : "high";
  return (
    <div className="fixed inset-0 z-40 flex items-center justify-center bg-black/30">
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-approval-title"
        aria-describedby="confirm-approval-body"
        data-testid="confirm-approval"
        className="w-[28rem] max-w-[calc(100vw-2rem)] rounded-lg bg-white p-5 text-sm shadow-xl"
        onKeyDown={(e) => {
          if (e.key !== "Tab") return;
          e.preventDefault();
          (document.activeElement === confirmRef.current ? cancelRef : confirmRef).current?.focus();
        }}
      >
        <h2 id="confirm-approval-title" className="mb-2 font-semibold">
          Approve {count === 1 ? `this ${highest}-risk request` : `${count} requests, ${risky.length} of them high or critical risk`}?
        </h2>
        <ul id="confirm-approval-body" className="mb-4 space-y-1 text-zinc-700">
          {risky.map((r) => (
            <li key={r.id}>
              <span className="font-medium">{r.entitlement}</span> for {r.identity} <StatusBadge value={r.riskTier} /> <StatusBadge value={r.environment} />
            </li>
          ))}
        </ul>
        <div className="flex justify-end gap-2">
          <button ref={cancelRef} onClick={onCancel} className="rounded-md border border-zinc-300 px-3 py-1.5 text-zinc-700 hover:bg-zinc-50">
            Cancel <kbd className="ml-1 text-xs opacity-70">Esc</kbd>
          </button>
          <button ref={confirmRef} onClick={onConfirm} className="rounded-md bg-emerald-700 px-3 py-1.5 font-medium text-white hover:bg-emerald-800">
            Approve <kbd className="ml-1 text-xs opacity-70">Enter</kbd>
          </button>
        </div>
      </div>
    </div>
  );
}
