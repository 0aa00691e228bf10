"use client";

import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import { delegateAction, withdrawDelegationAction } from "../../actions";

const input = "rounded-md border border-zinc-300 px-2 py-1 text-sm";

function Result({ state }: { state: ActionResult<unknown> | null }) {
  if (!state) return null;
  return (
    <p role="status" className={`text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`} data-testid="delegation-result">
      {state.ok ? state.message : state.error.message}
    </p>
  );
}

/** Lets an agent identity ask for some entitlements on this identity's behalf, until a date. */
export function DelegateForm({ principalId }: { principalId: string }) {
  const [state, action, pending] = useKeptForm<ActionResult<unknown> | null>(delegateAction, null);
  return (
    <form onSubmit={action} className="space-y-2" aria-label="Let an agent act for this identity">
      <input type="hidden" name="principal" value={principalId} />
      <div className="flex flex-wrap gap-2">
        <input name="agent" required placeholder="agent identity name" aria-label="Agent name" className={`${input} w-56`} />
        <input name="entitlements" required placeholder="entitlements, e.g. orders-db-read-dev" aria-label="Entitlements" className={`${input} min-w-64 flex-1`} />
        <label className="flex items-center gap-1 text-sm text-zinc-600">
          until
          <input name="endsOn" type="date" required aria-label="Ends on" className={input} />
        </label>
      </div>
      <div className="flex flex-wrap gap-2">
        <input name="reason" required minLength={5} placeholder="Why the agent acts for it" aria-label="Why" className={`${input} min-w-64 flex-1`} />
        <button disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50">
          Delegate
        </button>
      </div>
      <Result state={state} />
    </form>
  );
}

/** Withdraws an agent's delegation; what it obtained through it is revoked. */
export function WithdrawDelegationForm({ principalId, agentId, agentName }: { principalId: string; agentId: string; agentName: string }) {
  const [state, action, pending] = useKeptForm<ActionResult<unknown> | null>(withdrawDelegationAction, null);
  return (
    <form onSubmit={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="principal" value={principalId} />
      <input type="hidden" name="agent" value={agentId} />
      <input name="reason" required minLength={5} placeholder="Why withdraw" aria-label={`Why withdraw ${agentName}`} className={`${input} w-48`} />
      <button disabled={pending} className="rounded-md border border-red-300 px-2 py-1 text-xs text-red-800 hover:bg-red-50 disabled:opacity-50">
        Withdraw
      </button>
      <Result state={state} />
    </form>
  );
}
