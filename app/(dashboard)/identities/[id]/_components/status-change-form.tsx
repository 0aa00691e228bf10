"use client";

import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import type { IdentityStatusChange } from "@/lib/identities/change-identity-status";
import { changeIdentityStatusAction } from "../../actions";

const input = "rounded-md border border-zinc-300 px-2 py-1 text-sm";
const tones = {
  red: "bg-red-700 text-white hover:bg-red-800",
  plain: "border border-zinc-300 hover:bg-zinc-50",
};

export function StatusChangeForm({ identityId, change, label, tone }: { identityId: string; change: "quarantine" | "decommission" | "reactivate"; label: string; tone: keyof typeof tones }) {
  const [state, action, pending] = useKeptForm<ActionResult<IdentityStatusChange> | null>(changeIdentityStatusAction, null);
  const done = state?.ok ? state.data : null;
  return (
    <form onSubmit={action} className="space-y-2" data-testid={`identity-${change}`}>
      <input type="hidden" name="identityId" value={identityId} />
      <input type="hidden" name="change" value={change} />
      <div className="flex flex-wrap gap-2">
        <input name="reason" required minLength={5} placeholder="Why (required)" aria-label={`Why ${change}`} className={`${input} min-w-56 flex-1`} />
        <button disabled={pending} className={`rounded-md px-3 py-1 text-sm font-medium disabled:opacity-50 ${tones[tone]}`}>
          {label}
        </button>
      </div>
      {state ? (
        <p role="status" className={`text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`}>
          {done
            ? `Now ${done.status}.` +
              (done.grantsRevoking ? ` ${done.grantsRevoking} grant${done.grantsRevoking > 1 ? "s" : ""} being revoked.` : "") +
              (done.requestsCancelled ? ` ${done.requestsCancelled} pending request${done.requestsCancelled > 1 ? "s" : ""} cancelled.` : "") +
              (done.tokensRevoked ? ` ${done.tokensRevoked} API token${done.tokensRevoked > 1 ? "s" : ""} ended.` : "")
            : state.ok
              ? null
              : state.error.message}
        </p>
      ) : null}
    </form>
  );
}
