"use client";

import { useState } from "react";
import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import { createEntitlementAction } from "../actions";

const input = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm";

function Result({ state }: { state: ActionResult | null }) {
  if (!state) return null;
  return (
    <p role="status" data-testid="admin-create-result" className={`text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`}>
      {state.ok ? state.message : state.error.message}
    </p>
  );
}

export function CreateEntitlementForm({ issuers }: { issuers: { name: string; type: string }[] }) {
  const [state, action, pending] = useKeptForm<ActionResult | null>(createEntitlementAction, null);
  const [issuer, setIssuer] = useState(issuers[0]?.name ?? "");
  const type = issuers.find((i) => i.name === issuer)?.type;
  // PostgreSQL and token targets are typed fields; any other issuer's target is JSON.
  const kind = type === "postgres" || type === "token" ? type : "json";
  return (
    <form onSubmit={action} className="space-y-2 p-4 text-sm" aria-label="Add an entitlement">
      <div className="flex flex-wrap gap-2">
        <input name="name" required placeholder="name, e.g. orders-db-read-prod" aria-label="Entitlement name" className={`${input} w-64`} />
        <select name="issuer" aria-label="Issuer" className={input} value={issuer} onChange={(e) => setIssuer(e.target.value)}>
          {issuers.map((i) => (
            <option key={i.name} value={i.name}>
              {i.name} ({i.type})
            </option>
          ))}
        </select>
        <select name="environment" aria-label="Environment" className={input}>
          <option>dev</option>
          <option>staging</option>
          <option>prod</option>
        </select>
        <select name="riskTier" aria-label="Risk tier" className={input}>
          <option>low</option>
          <option>medium</option>
          <option>high</option>
          <option>critical</option>
        </select>
        <input name="maxDuration" required defaultValue="PT1H" aria-label="Maximum duration" className={`${input} w-24`} />
        <input name="approvalsRequired" type="number" min={0} max={9} defaultValue={1} aria-label="Approvals required" className={`${input} w-16`} />
        <label className="flex items-center gap-1">
          <input type="checkbox" name="securityApprovalRequired" /> one from security
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" name="breakGlassAllowed" /> break-glass
        </label>
      </div>
      <input name="description" placeholder="What it lets an identity do" aria-label="Description" className={`${input} w-full`} />
      <input type="hidden" name="targetKind" value={kind} />
      {kind === "postgres" ? (
        <input key="role" name="target_role" required placeholder="group role a grant joins, e.g. orders_read" aria-label="Group role" className={`${input} w-full font-mono text-xs`} />
      ) : kind === "token" ? (
        <div className="flex flex-wrap gap-2">
          <input key="scope" name="target_scope" required placeholder="scope, e.g. orders:read" aria-label="Scope" className={`${input} w-64 font-mono text-xs`} />
          <input key="audience" name="target_audience" placeholder="audience (empty: the issuer's)" aria-label="Token audience" className={`${input} w-72 font-mono text-xs`} />
        </div>
      ) : (
        <input key="json" name="target" placeholder='target as JSON, e.g. {"action": "grant-operator"}' aria-label="Target" className={`${input} w-full font-mono text-xs`} />
      )}
      <button disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50">
        Add entitlement
      </button>
      <Result state={state} />
    </form>
  );
}
