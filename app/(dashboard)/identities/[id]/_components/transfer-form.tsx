"use client";

import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import type { TransferTargets } from "@/lib/identities/find-transfer-targets";
import { transferOwnershipAction } from "../../actions";

const input = "rounded-md border border-zinc-300 px-2 py-1 text-sm";

/** Hands the identity to another person or team; the reason goes into the owner history and the audit trail. */
export function TransferForm({ identityId, targets, current }: { identityId: string; targets: TransferTargets; current: string | null }) {
  const [state, action, pending] = useKeptForm<ActionResult<unknown> | null>(transferOwnershipAction, null);
  return (
    <form onSubmit={action} className="space-y-2" data-testid="transfer-ownership" aria-label="Transfer ownership">
      <input type="hidden" name="identityId" value={identityId} />
      <div className="flex flex-wrap gap-2">
        <select name="to" required defaultValue="" aria-label="New owner" className={`${input} min-w-56`}>
          <option value="" disabled>
            New owner…
          </option>
          <optgroup label="Teams">
            {targets.teams.map((t) => (
              <option key={t.id} value={`team:${t.id}`} disabled={current === `team:${t.id}`}>
                team {t.name}
              </option>
            ))}
          </optgroup>
          <optgroup label="People">
            {targets.users.map((u) => (
              <option key={u.id} value={`user:${u.id}`} disabled={current === `user:${u.id}`}>
                {u.name} ({u.email})
              </option>
            ))}
          </optgroup>
        </select>
        <input name="reason" required minLength={5} placeholder="Why (required)" aria-label="Why transfer" className={`${input} min-w-56 flex-1`} />
        <button disabled={pending} className="rounded-md border border-zinc-300 px-3 py-1 text-sm font-medium hover:bg-zinc-50 disabled:opacity-50">
          Transfer
        </button>
      </div>
      {state ? (
        <p role="status" data-testid="transfer-result" className={`text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`}>
          {state.ok ? state.message : state.error.message}
        </p>
      ) : null}
    </form>
  );
}
