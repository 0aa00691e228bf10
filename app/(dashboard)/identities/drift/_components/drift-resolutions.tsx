"use client";

import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import { adoptDriftAction, attachDriftAction, revokeDriftAction } from "../../actions";

const input = "rounded-md border border-zinc-300 px-2 py-1 text-sm";
const summary = "cursor-pointer select-none text-sm font-medium text-zinc-700 hover:text-zinc-950";

function Result({ state }: { state: ActionResult<unknown> | null }) {
  if (!state) return null;
  return (
    <p role="status" className={`text-xs ${state.ok ? "text-emerald-700" : "text-red-700"}`}>
      {state.ok ? state.message : state.error.message}
    </p>
  );
}

type Props = {
  issuerId: string;
  issuerType: string;
  principal: string;
  privilege: string;
  attachedTo: string | null;
  adoptable: boolean;
  issuerAdmin: boolean;
};

export function DriftResolutions(p: Props) {
  const [attached, attach, attaching] = useKeptForm<ActionResult<{ identityId: string }> | null>(attachDriftAction, null);
  const [adopted, adopt, adopting] = useKeptForm<ActionResult<{ exceptionId: string }> | null>(adoptDriftAction, null);
  const [revoked, revoke, revoking] = useKeptForm<ActionResult<{ sessionsEnded: number }> | null>(revokeDriftAction, null);
  const hidden = (
    <>
      <input type="hidden" name="issuerId" value={p.issuerId} />
      <input type="hidden" name="principal" value={p.principal} />
      <input type="hidden" name="privilege" value={p.privilege} />
    </>
  );
  return (
    <div className="min-w-72 space-y-1">
      <details>
        <summary className={summary}>Attach to an identity</summary>
        <form onSubmit={attach} className="mt-2 space-y-1">
          {hidden}
          <input name="identity" required defaultValue={p.attachedTo ?? ""} placeholder="Identity name" aria-label="Identity" className={`${input} w-full`} />
          <input name="note" placeholder="Note (optional)" aria-label="Note" className={`${input} w-full`} />
          <button disabled={attaching} className="rounded-md border border-zinc-300 px-3 py-1 text-sm hover:bg-zinc-50 disabled:opacity-50">
            Attach
          </button>
          <Result state={attached} />
        </form>
      </details>
      {p.adoptable ? (
        <details>
          <summary className={summary}>Adopt as an exception</summary>
          <form onSubmit={adopt} className="mt-2 space-y-1">
            {hidden}
            <input name="identity" required defaultValue={p.attachedTo ?? ""} placeholder="Identity name" aria-label="Identity" className={`${input} w-full`} />
            <textarea name="justification" required minLength={20} rows={2} placeholder="Why this standing access should stay" aria-label="Justification" className={`${input} w-full`} />
            <input name="compensatingControls" required minLength={10} placeholder="Compensating controls" aria-label="Compensating controls" className={`${input} w-full`} />
            <label className="flex items-center gap-2 text-sm">
              For
              <input name="days" type="number" min={1} max={180} placeholder="max" aria-label="Days" className={`${input} w-20`} />
              days (empty: the longest its risk rating allows)
            </label>
            <button disabled={adopting} className="rounded-md border border-zinc-300 px-3 py-1 text-sm hover:bg-zinc-50 disabled:opacity-50">
              Propose exception
            </button>
            <Result state={adopted} />
          </form>
        </details>
      ) : null}
      {p.issuerType === "postgres" && !p.issuerAdmin ? (
        <details>
          <summary className={`${summary} text-red-800`}>Revoke at the target</summary>
          <form onSubmit={revoke} className="mt-2 space-y-1">
            {hidden}
            <input name="reason" required minLength={5} placeholder="Why (required)" aria-label="Why revoke" className={`${input} w-full`} />
            <label className="flex items-center gap-1 text-xs text-zinc-600">
              <input type="checkbox" name="endSessions" defaultChecked />
              End its open sessions (they keep the privilege until they reconnect)
            </label>
            <button disabled={revoking} className="rounded-md bg-red-700 px-3 py-1 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-50">
              REVOKE {p.privilege} FROM {p.principal}
            </button>
            <Result state={revoked} />
          </form>
        </details>
      ) : null}
    </div>
  );
}
