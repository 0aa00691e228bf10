"use client";

import { useMemo, useState } from "react";
import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import { createRequestAction } from "../../actions";

type Option = { id: string; name: string; kind: string; environment: string };
type Entitlement = {
  id: string;
  name: string;
  description: string;
  environment: string;
  riskTier: string;
  maxDurationSec: number;
  defaultDurationSec: number;
  approvalsRequired: number;
  securityApprovalRequired: boolean;
  breakGlassAllowed: boolean;
};

const input = "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm focus:border-zinc-900 focus:outline-none";

export function RequestForm({ identities, entitlements, canBreakGlass }: { identities: Option[]; entitlements: Entitlement[]; canBreakGlass: boolean }) {
  const [state, action, pending] = useKeptForm<ActionResult<{ id: string }> | null>(createRequestAction, null);
  const [identityId, setIdentityId] = useState(identities[0]?.id ?? "");
  const identity = identities.find((i) => i.id === identityId);
  const choices = useMemo(() => entitlements.filter((e) => !identity || e.environment === identity.environment), [entitlements, identity]);
  const [entitlementId, setEntitlementId] = useState("");
  const entitlement = choices.find((e) => e.id === entitlementId) ?? choices[0];
  const maxMin = entitlement ? Math.floor(entitlement.maxDurationSec / 60) : 60;
  const [breakGlass, setBreakGlass] = useState(false);
  const fieldError = (k: string) => (state && !state.ok ? state.error.fields?.[k] : undefined);

  if (identities.length === 0) {
    return <p className="text-sm text-zinc-600">You own or operate no active identity, so there is nothing to request for. An identity's owner or its team can request access for it.</p>;
  }

  return (
    <form onSubmit={action} className="max-w-2xl space-y-5">
      <label className="block">
        <span className="text-sm font-medium">Identity</span>
        <select name="identityId" value={identityId} onChange={(e) => setIdentityId(e.target.value)} className={input}>
          {identities.map((i) => (
            <option key={i.id} value={i.id}>
              {i.name} · {i.kind.replaceAll("_", " ")} · {i.environment}
            </option>
          ))}
        </select>
      </label>
      <label className="block">
        <span className="text-sm font-medium">Entitlement</span>
        <select name="entitlementId" value={entitlement?.id ?? ""} onChange={(e) => setEntitlementId(e.target.value)} className={input}>
          {choices.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name} · {e.riskTier} risk
            </option>
          ))}
        </select>
        {entitlement ? (
          <span className="mt-1 block text-xs text-zinc-500" data-testid="entitlement-hint">
            {entitlement.description ? `${entitlement.description}. ` : ""}
            {entitlement.approvalsRequired === 0
              ? "Approved at once."
              : `Needs ${entitlement.approvalsRequired} approval${entitlement.approvalsRequired > 1 ? "s" : ""}${entitlement.securityApprovalRequired ? ", one from security" : ""}.`}{" "}
            At most {maxMin} minutes.
          </span>
        ) : (
          <span className="mt-1 block text-xs text-red-700">No entitlement exists for this identity's environment.</span>
        )}
        {fieldError("entitlementId") ? <span className="text-xs text-red-700">{fieldError("entitlementId")}</span> : null}
      </label>
      <label className="block">
        <span className="text-sm font-medium">For how long (minutes)</span>
        <input
          key={entitlement?.id}
          name="durationMin"
          type="number"
          min={1}
          max={breakGlass ? Math.min(60, maxMin) : maxMin}
          defaultValue={entitlement ? Math.min(Math.floor(entitlement.defaultDurationSec / 60), maxMin) : 15}
          required
          className={input}
        />
        {fieldError("durationSec") ? <span className="text-xs text-red-700">{fieldError("durationSec")}</span> : null}
      </label>
      <label className="block">
        <span className="text-sm font-medium">Justification</span>
        <textarea name="justification" required minLength={10} rows={3} className={input} placeholder="What the identity needs to do, and why now" />
        {fieldError("justification") ? <span className="text-xs text-red-700">{fieldError("justification")}</span> : null}
      </label>
      <div className="grid grid-cols-3 gap-3">
        {[
          ["ticketRef", "Ticket"],
          ["incidentRef", "Incident"],
          ["changeRef", "Change"],
        ].map(([name, label]) => (
          <label key={name} className="block">
            <span className="text-sm font-medium">{label}</span>
            <input name={name} className={input} placeholder="optional" />
          </label>
        ))}
      </div>
      {canBreakGlass && entitlement?.breakGlassAllowed ? (
        <label className="flex items-start gap-2 rounded-md border border-red-200 bg-red-50 p-3 text-sm">
          <input type="checkbox" name="breakGlass" checked={breakGlass} onChange={(e) => setBreakGlass(e.target.checked)} className="mt-0.5" />
          <span>
            <span className="font-medium text-red-800">Break-glass.</span> An emergency: approve it myself for at most an hour. Security is notified at once and
            an after-action review stays open until they complete it.
          </span>
        </label>
      ) : null}
      {state && !state.ok ? (
        <p role="status" data-testid="form-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {state.error.message}
        </p>
      ) : null}
      <button disabled={pending || !entitlement} className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50">
        {pending ? "Requesting…" : breakGlass ? "Break glass" : "Request access"}
      </button>
    </form>
  );
}
