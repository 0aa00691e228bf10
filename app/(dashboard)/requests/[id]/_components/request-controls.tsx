"use client";

import { useState, useTransition } from "react";
import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import { cancelRequestAction, completeReviewAction } from "../../actions";

export function CancelButton({ requestId }: { requestId: string }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      <button
        disabled={pending}
        onClick={() =>
          start(async () => {
            const r = await cancelRequestAction({ requestId });
            setError(r.ok ? null : r.error.message);
          })
        }
        className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-50 disabled:opacity-50"
      >
        Cancel request
      </button>
      {error ? <span className="text-sm text-red-700">{error}</span> : null}
    </span>
  );
}

export function ReviewForm({ requestId }: { requestId: string }) {
  const [state, action, pending] = useKeptForm<ActionResult | null>(completeReviewAction, null);
  return (
    <form onSubmit={action} className="space-y-2">
      <input type="hidden" name="requestId" value={requestId} />
      <textarea name="findings" required minLength={20} rows={3} aria-label="Findings" placeholder="What happened, whether the access was justified, what follows" className="w-full rounded-md border border-zinc-300 px-2 py-1 text-sm" />
      <button disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50">
        Complete review
      </button>
      {state ? <p className={`text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`}>{state.ok ? state.message : state.error.message}</p> : null}
    </form>
  );
}
