"use client";

import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import { extendGrantAction, forceResolveGrantAction, revokeGrantAction } from "../../actions";

const input = "rounded-md border border-zinc-300 px-2 py-1 text-sm";

function Result({ state, ok }: { state: ActionResult<unknown> | null; ok?: string }) {
  if (!state) return null;
  return (
    <p role="status" data-testid="grant-action-result" className={`text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`}>
      {state.ok ? (ok ?? state.message) : state.error.message}
    </p>
  );
}

export function RevokeForm({ grantId }: { grantId: string }) {
  const [state, action, pending] = useKeptForm<ActionResult | null>(revokeGrantAction, null);
  return (
    <form onSubmit={action} className="space-y-2">
      <input type="hidden" name="grantId" value={grantId} />
      <div className="flex flex-wrap gap-2">
        <select name="reason" className={input} aria-label="Reason">
          <option value="early">Done early</option>
          <option value="emergency">Emergency</option>
        </select>
        <input name="comment" required minLength={3} placeholder="Why (required)" aria-label="Why" className={`${input} min-w-56 flex-1`} />
        <button disabled={pending} className="rounded-md bg-red-700 px-3 py-1 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-50">
          Revoke now
        </button>
      </div>
      <Result state={state} />
    </form>
  );
}

export function ExtendForm({ grantId, maxMin }: { grantId: string; maxMin: number }) {
  const [state, action, pending] = useKeptForm<ActionResult<{ status: string }> | null>(extendGrantAction, null);
  return (
    <form onSubmit={action} className="space-y-2">
      <input type="hidden" name="grantId" value={grantId} />
      <div className="flex flex-wrap gap-2">
        <input name="durationMin" type="number" min={1} max={maxMin} defaultValue={Math.min(15, maxMin)} aria-label="Extra minutes" className={`${input} w-24`} />
        <input name="justification" required minLength={10} placeholder="Why more time is needed" aria-label="Justification" className={`${input} min-w-56 flex-1`} />
        <button disabled={pending} className="rounded-md border border-zinc-300 px-3 py-1 text-sm hover:bg-zinc-50 disabled:opacity-50">
          Ask for more time
        </button>
      </div>
      <Result state={state} ok={state?.ok ? (state.data.status === "approved" ? "Extended." : "Extension requested: it needs a new decision.") : undefined} />
    </form>
  );
}

export function ForceResolveForm({ grantId }: { grantId: string }) {
  const [state, action, pending] = useKeptForm<ActionResult | null>(forceResolveGrantAction, null);
  return (
    <form onSubmit={action} className="space-y-2">
      <input type="hidden" name="grantId" value={grantId} />
      <textarea name="note" required minLength={10} rows={2} placeholder="What you checked by hand to know the privilege is gone" aria-label="Note" className={`${input} w-full`} />
      <button disabled={pending} className="rounded-md border border-red-300 px-3 py-1 text-sm text-red-800 hover:bg-red-50 disabled:opacity-50">
        Force-resolve (audited)
      </button>
      <Result state={state} />
    </form>
  );
}
