"use client";

import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import { createCampaignAction } from "../../actions";

const input = "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm focus:border-zinc-900 focus:outline-none";
const environments = ["dev", "staging", "prod"];
const kinds = ["service_account", "api_key", "workload", "ci_job", "ai_agent", "bot"];

export function CampaignForm({ defaultDue, minDue, graceHours }: { defaultDue: string; minDue: string; graceHours: number }) {
  const [state, action, pending] = useKeptForm<ActionResult<{ id: string }> | null>(createCampaignAction, null);
  const fieldError = (k: string) => (state && !state.ok ? state.error.fields?.[k] : undefined);
  return (
    <form onSubmit={action} className="max-w-2xl space-y-5">
      <label className="block">
        <span className="text-sm font-medium">Name</span>
        <input name="name" required minLength={3} maxLength={120} className={input} placeholder="Q1 production attestation" />
        {fieldError("name") ? <span className="text-xs text-red-700">{fieldError("name")}</span> : null}
      </label>
      <div className="grid grid-cols-2 gap-3">
        <label className="block">
          <span className="text-sm font-medium">Environment</span>
          <select name="environment" defaultValue="" className={input}>
            <option value="">All environments</option>
            {environments.map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>
        </label>
        <label className="block">
          <span className="text-sm font-medium">Kind</span>
          <select name="kind" defaultValue="" className={input}>
            <option value="">All kinds</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k.replaceAll("_", " ")}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="block">
        <span className="text-sm font-medium">Due date</span>
        <input name="dueDate" type="date" required min={minDue} defaultValue={defaultDue} className={input} />
        <span className="mt-1 block text-xs text-zinc-500">Owners have until the end of this day (UTC).</span>
        {fieldError("dueAt") ? <span className="text-xs text-red-700">{fieldError("dueAt")}</span> : null}
      </label>
      <label className="flex items-start gap-2 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm">
        <input type="checkbox" name="autoQuarantine" className="mt-0.5" />
        <span>
          <span className="font-medium">Quarantine what is left unattested.</span> {graceHours} h after the campaign is escalated to security, identities
          still not attested are quarantined and their live grants revoked.
        </span>
      </label>
      {state && !state.ok ? (
        <p role="status" data-testid="form-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {state.error.message}
        </p>
      ) : null}
      <button disabled={pending} className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50">
        {pending ? "Opening…" : "Open campaign"}
      </button>
    </form>
  );
}
