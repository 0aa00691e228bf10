"use client";

import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { DecisionOptions } from "@/lib/requests/decision-options";
import { decideRequestsAction } from "../../../approvals/actions";

/**
 * Approve / Deny for one request, where the approver is looking at it (a request's page). Only
 * offered when the rules let this person decide; the domain function checks again.
 */
export function DecisionControls({ requestId, options }: { requestId: string; options: DecisionOptions }) {
  const router = useRouter();
  const [comment, setComment] = useState("");
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [pending, start] = useTransition();
  if (options.approve && options.deny)
    return (
      <p className="mb-6 rounded-lg border border-zinc-200 bg-zinc-50 p-3 text-sm text-zinc-600" data-testid="decision-blocked">
        You cannot decide on this request: {options.deny}.
      </p>
    );

  const decide = (decision: "approve" | "deny") => {
    if (decision === "deny" && !comment.trim()) {
      setMessage({ tone: "error", text: "Say why in the comment before denying." });
      return;
    }
    start(async () => {
      const r = await decideRequestsAction({ requestIds: [requestId], decision, comment });
      const failed = r.ok ? r.data.find((x) => !x.ok) : undefined;
      if (!r.ok || failed) {
        setMessage({ tone: "error", text: r.ok ? (failed?.error ?? "Refused") : r.error.message });
        return;
      }
      const stillPending = r.data[0]?.status === "pending";
      setMessage({ tone: "ok", text: decision === "deny" ? "Denied." : stillPending ? "Approved; it still needs another approval." : "Approved." });
      setComment("");
      router.refresh();
    });
  };

  return (
    <section className="mb-6 rounded-lg border border-zinc-200 bg-white p-4 text-sm" data-testid="decision-controls" aria-label="Your decision">
      <h2 className="mb-2 font-semibold">Your decision</h2>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <input
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          placeholder="Comment (required to deny)"
          aria-label="Decision comment"
          className="min-w-0 flex-1 rounded-md border border-zinc-300 px-2 py-2"
        />
        <div className="flex gap-2">
          <button
            disabled={pending || !!options.approve}
            title={options.approve ?? undefined}
            onClick={() => decide("approve")}
            className="flex-1 rounded-md bg-emerald-700 px-4 py-2 font-medium text-white hover:bg-emerald-800 disabled:opacity-50"
          >
            Approve
          </button>
          <button
            disabled={pending || !!options.deny}
            title={options.deny ?? undefined}
            onClick={() => decide("deny")}
            className="flex-1 rounded-md bg-red-700 px-4 py-2 font-medium text-white hover:bg-red-800 disabled:opacity-50"
          >
            Deny
          </button>
        </div>
      </div>
      {options.approve ? <p className="mt-2 text-xs text-zinc-500">{options.approve}</p> : null}
      {message ? (
        <p role="status" data-testid="decision-message" className={`mt-2 rounded-md px-3 py-2 ${message.tone === "ok" ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-700"}`}>
          {message.text}
        </p>
      ) : null}
    </section>
  );
}
