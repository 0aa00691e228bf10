"use client";

import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import type { ExceptionRiskRating } from "@/lib/exceptions/limits";
import { renewExceptionAction, resubmitExceptionAction, reviewExceptionAction, revokeExceptionAction } from "../../actions";
import { ProposalFields, inputClass, type ProposalDefaults } from "../../_components/proposal-fields";

function Result({ state, ok }: { state: ActionResult<unknown> | null; ok?: string }) {
  if (!state) return null;
  return (
    <p role="status" data-testid="exception-action-result" className={`text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`}>
      {state.ok ? (ok ?? state.message) : state.error.message}
    </p>
  );
}

const fieldsOf = (state: ActionResult<unknown> | null) => (state && !state.ok ? (state.error.fields ?? {}) : {});

export function ReviewForm({ exceptionId, may }: { exceptionId: string; may: { accept: boolean; requestChanges: boolean; reject: boolean } }) {
  const [state, action, pending] = useKeptForm<ActionResult<{ status: string }> | null>(reviewExceptionAction, null);
  const button = "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-50";
  return (
    <form onSubmit={action} className="space-y-2">
      <input type="hidden" name="exceptionId" value={exceptionId} />
      <textarea name="comment" rows={2} maxLength={2000} placeholder="Comment (required to reject or ask for changes)" aria-label="Review comment" className={inputClass} />
      <div className="flex flex-wrap gap-2">
        {may.accept ? (
          <button name="decision" value="accept" disabled={pending} className={`${button} bg-emerald-700 text-white hover:bg-emerald-800`}>
            Accept the risk
          </button>
        ) : null}
        {may.requestChanges ? (
          <button name="decision" value="request_changes" disabled={pending} className={`${button} border border-zinc-300 hover:bg-zinc-50`}>
            Request changes
          </button>
        ) : null}
        {may.reject ? (
          <button name="decision" value="reject" disabled={pending} className={`${button} border border-red-300 text-red-800 hover:bg-red-50`}>
            Reject
          </button>
        ) : null}
      </div>
      <Result state={state} ok={state?.ok ? `Exception ${state.data.status.replaceAll("_", " ")}.` : undefined} />
    </form>
  );
}

export function RevokeForm({ exceptionId }: { exceptionId: string }) {
  const [state, action, pending] = useKeptForm<ActionResult | null>(revokeExceptionAction, null);
  return (
    <form onSubmit={action} className="space-y-2">
      <input type="hidden" name="exceptionId" value={exceptionId} />
      <div className="flex flex-wrap gap-2">
        <input name="comment" required minLength={3} placeholder="Why (required)" aria-label="Why end it" className="min-w-56 flex-1 rounded-md border border-zinc-300 px-2 py-1 text-sm" />
        <button disabled={pending} className="rounded-md bg-red-700 px-3 py-1 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-50">
          End it now
        </button>
      </div>
      <Result state={state} />
    </form>
  );
}

export function ResubmitForm({ exceptionId, defaults, floor }: { exceptionId: string; defaults: ProposalDefaults; floor: ExceptionRiskRating }) {
  const [state, action, pending] = useKeptForm<ActionResult | null>(resubmitExceptionAction, null);
  return (
    <form onSubmit={action} className="space-y-4">
      <input type="hidden" name="exceptionId" value={exceptionId} />
      <ProposalFields defaults={defaults} floor={floor} errors={fieldsOf(state)} />
      <button disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50">
        Resubmit for review
      </button>
      <Result state={state} />
    </form>
  );
}

export function RenewForm({ exceptionId, defaults, floor }: { exceptionId: string; defaults: ProposalDefaults; floor: ExceptionRiskRating }) {
  const [state, action, pending] = useKeptForm<ActionResult<{ id: string }> | null>(renewExceptionAction, null);
  return (
    <form onSubmit={action} className="space-y-4">
      <input type="hidden" name="exceptionId" value={exceptionId} />
      <ProposalFields defaults={defaults} floor={floor} errors={fieldsOf(state)} />
      <button disabled={pending} className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 disabled:opacity-50">
        Propose renewal
      </button>
      <Result state={state} />
    </form>
  );
}
