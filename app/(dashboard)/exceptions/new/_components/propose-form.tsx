"use client";

import { useMemo, useState } from "react";
import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import type { ExceptionRiskRating } from "@/lib/exceptions/limits";
import { proposeExceptionAction } from "../../actions";
import { ProposalFields, inputClass } from "../../_components/proposal-fields";

type IdentityOption = { id: string; name: string; kind: string; environment: string };
type EntitlementOption = { id: string; name: string; description: string; environment: string; riskTier: ExceptionRiskRating };

export function ProposeForm({ identities, entitlements, initialIdentityId }: { identities: IdentityOption[]; entitlements: EntitlementOption[]; /** Preselected when it is one of the options. */ initialIdentityId?: string }) {
  const [state, action, pending] = useKeptForm<ActionResult<{ id: string }> | null>(proposeExceptionAction, null);
  const [identityId, setIdentityId] = useState(identities.some((i) => i.id === initialIdentityId) ? initialIdentityId! : (identities[0]?.id ?? ""));
  const identity = identities.find((i) => i.id === identityId);
  const choices = useMemo(() => entitlements.filter((e) => !identity || e.environment === identity.environment), [entitlements, identity]);
  const [entitlementId, setEntitlementId] = useState("");
  const entitlement = choices.find((e) => e.id === entitlementId) ?? choices[0];
  const errors = state && !state.ok ? (state.error.fields ?? {}) : {};

  if (identities.length === 0) {
    return <p className="text-sm text-zinc-600">You own or operate no active identity, so there is nothing to propose standing access for.</p>;
  }

  return (
    <form onSubmit={action} className="max-w-2xl space-y-5">
      <label className="block">
        <span className="text-sm font-medium">Identity</span>
        <select name="identityId" value={identityId} onChange={(e) => setIdentityId(e.target.value)} className={inputClass}>
          {identities.map((i) => (
            <option key={i.id} value={i.id}>
              {i.name} · {i.kind.replaceAll("_", " ")} · {i.environment}
            </option>
          ))}
        </select>
        {errors.identityId ? <span className="mt-1 block text-xs text-red-700">{errors.identityId}</span> : null}
      </label>
      <div>
        <label className="block">
          <span className="text-sm font-medium">Entitlement</span>
          <select name="entitlementId" value={entitlement?.id ?? ""} onChange={(e) => setEntitlementId(e.target.value)} className={inputClass}>
            {choices.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name} · {e.riskTier} risk
              </option>
            ))}
          </select>
        </label>
        {entitlement?.description ? <span className="mt-1 block text-xs text-zinc-500">{entitlement.description}</span> : null}
        {!entitlement ? <span className="mt-1 block text-xs text-red-700">No entitlement exists for this identity&apos;s environment.</span> : null}
        {errors.entitlementId ? <span className="mt-1 block text-xs text-red-700">{errors.entitlementId}</span> : null}
      </div>
      <ProposalFields floor={entitlement?.riskTier ?? "low"} errors={errors} />
      {state && !state.ok ? (
        <p role="status" data-testid="form-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {state.error.message}
        </p>
      ) : null}
      <button disabled={pending || !entitlement} className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50">
        {pending ? "Proposing…" : "Propose exception"}
      </button>
    </form>
  );
}
