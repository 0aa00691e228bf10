"use client";

import { useActionState } from "react";
import type { ActionResult } from "@/lib/web/action";
import type { AuditVerification } from "@/lib/audit";
import { verifyAuditChainAction } from "../actions";

type State = ActionResult<AuditVerification> | null;

export function VerifyButton() {
  const [state, action, pending] = useActionState<State>(() => verifyAuditChainAction({}), null);
  return (
    <form action={action} className="flex items-center gap-3">
      <button disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-60">
        {pending ? "Verifying…" : "Verify the chain"}
      </button>
      {state ? (
        <span data-testid="audit-verify-result" className={`text-sm ${state.ok && state.data.ok ? "text-emerald-700" : "text-red-700"}`}>
          {!state.ok
            ? state.error.message
            : state.data.ok
              ? `Intact: ${state.data.events.toLocaleString("en")} events, every hash checks.`
              : `Broken at event #${state.data.firstBroken?.seq} (${state.data.firstBroken?.reason.replace("_", " ")}) after ${state.data.events} good events.`}
        </span>
      ) : null}
    </form>
  );
}
