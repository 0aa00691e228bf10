"use client";

import { useRouter } from "next/navigation";
import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import type { DrillOutcome } from "@/lib/drills/perform-drill";
import { runDrillAction, setDrillScheduleAction } from "../actions";

export function RunDrillButton({ issuerId }: { issuerId: string }) {
  const router = useRouter();
  const [state, submit, pending] = useKeptForm<ActionResult<DrillOutcome> | null>(async () => {
    const r = await runDrillAction({ issuerId });
    router.refresh();
    return r;
  }, null);
  return (
    <form onSubmit={submit} className="flex flex-wrap items-center gap-3">
      <button disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-60">
        {pending ? "Drilling…" : "Run drill now"}
      </button>
      {state ? (
        <span data-testid="drill-result" role="status" className={`text-sm ${state.ok && state.data.ok ? "text-emerald-700" : "text-red-700"}`}>
          {!state.ok
            ? state.error.message
            : state.data.ok
              ? `Passed: access ended ${state.data.timeToRevokeMs} ms after the revoke began, verified.`
              : `Failed: ${state.data.error ?? "a step failed"}`}
        </span>
      ) : null}
    </form>
  );
}

export function DrillScheduleForm({ issuerId, intervalMinutes }: { issuerId: string; intervalMinutes: number }) {
  const router = useRouter();
  const [state, submit, pending] = useKeptForm<ActionResult<{ intervalSec: number; nextAt: string | null }> | null>(async (_prev, form) => {
    const r = await setDrillScheduleAction({ issuerId, intervalMinutes: String(form.get("intervalMinutes") ?? "") });
    if (r.ok) router.refresh();
    return r;
  }, null);
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
      <label className="text-sm">
        <span className="mb-1 block text-zinc-600">Drill every (minutes, 0 = off)</span>
        <input name="intervalMinutes" type="number" min={0} step={1} defaultValue={intervalMinutes} className="w-32 rounded-md border border-zinc-300 px-2 py-1.5" />
      </label>
      <button disabled={pending} className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-50 disabled:opacity-60">
        {pending ? "Saving…" : "Save schedule"}
      </button>
      {state && !state.ok ? <span className="text-sm text-red-700">{state.error.message}</span> : null}
      {state?.ok ? <span className="text-sm text-emerald-700">Saved.</span> : null}
    </form>
  );
}
