"use client";

import { useActionState } from "react";
import { useRouter } from "next/navigation";
import type { ActionResult } from "@/lib/web/action";
import type { AuditVerification } from "@/lib/audit";
import type { CheckpointView } from "@/lib/audit-log/checkpoints";
import { createAuditCheckpointAction, verifyAuditChainAction } from "../actions";

type State = ActionResult<AuditVerification> | null;

export function VerifyButton() {
  const router = useRouter();
  const [state, action, pending] = useActionState<State, FormData>(async (_prev, form) => {
    const r = await verifyAuditChainAction({ full: form.get("scope") === "full" });
    router.refresh();
    return r;
  }, null);
  return (
    <form action={action} className="flex items-center gap-3">
      <button name="scope" value="new" disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-60">
        {pending ? "Verifying…" : "Verify the chain"}
      </button>
      <button name="scope" value="full" disabled={pending} title="Recompute every event, not only those after the last verified checkpoint" className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-50 disabled:opacity-60">
        Verify everything
      </button>
      {state ? (
        <span data-testid="audit-verify-result" className={`text-sm ${state.ok && state.data.ok ? "text-emerald-700" : "text-red-700"}`}>
          {!state.ok
            ? state.error.message
            : state.data.ok
              ? `Intact: ${state.data.events.toLocaleString("en")} events, every hash checks${state.data.checkpoint ? ", and so does the newest signed checkpoint" : ""} (${state.data.rowsRead.toLocaleString("en")} read${state.data.from.checkpointId ? ` after the checkpoint at #${state.data.from.seq}` : ""}).`
              : `Broken at event #${state.data.firstBroken?.seq} (${state.data.firstBroken?.reason.replaceAll("_", " ")}) after ${state.data.events} good events.${state.data.firstBroken?.detail ? ` ${state.data.firstBroken.detail}.` : ""}`}
        </span>
      ) : null}
    </form>
  );
}

type CheckpointState = ActionResult<CheckpointView | null> | null;

export function CheckpointButton() {
  const router = useRouter();
  const [state, action, pending] = useActionState<CheckpointState>(async () => {
    const r = await createAuditCheckpointAction({});
    router.refresh();
    return r;
  }, null);
  return (
    <form action={action} className="flex items-center gap-2">
      <button disabled={pending} className="rounded-md border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-50 disabled:opacity-60">
        {pending ? "Signing…" : "Sign a checkpoint now"}
      </button>
      {state && !state.ok ? <span className="text-xs text-red-700">{state.error.message}</span> : null}
    </form>
  );
}
