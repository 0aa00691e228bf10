"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import type { RequestPreview } from "@/lib/requests/preview-request";
import { createRequestAction, previewRequestAction } from "../../actions";
import { humanDuration } from "@/lib/validation";

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

/** What the form starts with: empty, or a refused request's fields when asking again. */
export type RequestDraft = {
  identityId?: string;
  entitlementId?: string;
  durationMin?: number;
  justification?: string;
  ticketRef?: string;
  incidentRef?: string;
  changeRef?: string;
};

/** One click for the windows people ask for most; the field takes any number of minutes. */
const DURATION_PRESETS = [15, 30, 60, 120, 240, 480];

const input = "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm focus:border-zinc-900 focus:outline-none";

export function RequestForm({
  identities,
  entitlements,
  canBreakGlass,
  draft = {},
}: {
  identities: Option[];
  entitlements: Entitlement[];
  canBreakGlass: boolean;
  draft?: RequestDraft;
}) {
  const [state, action, pending] = useKeptForm<ActionResult<{ id: string }> | null>(createRequestAction, null);
  const [identityId, setIdentityId] = useState(identities.some((i) => i.id === draft.identityId) ? draft.identityId! : (identities[0]?.id ?? ""));
  const identity = identities.find((i) => i.id === identityId);
  const [search, setSearch] = useState("");
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return q ? identities.filter((i) => i.id === identityId || `${i.name} ${i.kind} ${i.environment}`.toLowerCase().includes(q)) : identities;
  }, [identities, search, identityId]);
  const choices = useMemo(() => entitlements.filter((e) => !identity || e.environment === identity.environment), [entitlements, identity]);
  const [entitlementId, setEntitlementId] = useState(draft.entitlementId ?? "");
  const entitlement = choices.find((e) => e.id === entitlementId) ?? choices[0];
  const maxMin = entitlement ? Math.floor(entitlement.maxDurationSec / 60) : 60;
  const [breakGlass, setBreakGlass] = useState(false);
  const fieldError = (k: string) => (state && !state.ok ? state.error.fields?.[k] : undefined);
  const preview = usePolicyPreview(identityId, entitlement?.id, breakGlass);

  if (identities.length === 0) {
    return <p className="text-sm text-zinc-600">You own or operate no active identity, so there is nothing to request for. An identity's owner or its team can request access for it.</p>;
  }

  return (
    <form ref={preview.formRef} onSubmit={action} onChange={preview.ask} className="max-w-2xl space-y-5">
      {identities.length > 10 ? (
        <label className="block">
          <span className="text-sm font-medium">Search by name</span>
          <input
            type="search"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              const q = e.target.value.trim().toLowerCase();
              const first = identities.find((i) => `${i.name} ${i.kind} ${i.environment}`.toLowerCase().includes(q));
              if (q && first && !`${identity?.name} ${identity?.kind} ${identity?.environment}`.toLowerCase().includes(q)) setIdentityId(first.id);
            }}
            className={input}
            placeholder={`Search ${identities.length} identities by name, kind or environment`}
            data-ignore-preview
          />
          {search.trim() ? (
            <span className="mt-1 block text-xs text-zinc-500" data-testid="identity-matches">
              {shown.length === 1 ? "1 match" : `${shown.length} matches`}
            </span>
          ) : null}
        </label>
      ) : null}
      <label className="block">
        <span className="text-sm font-medium">Identity</span>
        <select name="identityId" value={identityId} onChange={(e) => setIdentityId(e.target.value)} className={input}>
          {shown.map((i) => (
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
          defaultValue={
            draft.durationMin && entitlement?.id === draft.entitlementId
              ? Math.min(draft.durationMin, maxMin)
              : entitlement
                ? Math.min(Math.floor(entitlement.defaultDurationSec / 60), maxMin)
                : 15
          }
          required
          className={input}
        />
        {fieldError("durationSec") ? <span className="text-xs text-red-700">{fieldError("durationSec")}</span> : null}
      </label>
      <div className="-mt-3 flex flex-wrap gap-1" role="group" aria-label="Common durations">
        {DURATION_PRESETS.filter((m) => m <= (breakGlass ? Math.min(60, maxMin) : maxMin)).map((m) => (
          <button
            key={m}
            type="button"
            onClick={() => {
              const field = preview.formRef.current?.elements.namedItem("durationMin");
              if (field instanceof HTMLInputElement) field.value = String(m);
              preview.ask();
            }}
            className="rounded-full border border-zinc-300 px-2.5 py-0.5 text-xs hover:bg-zinc-100"
          >
            {humanDuration(m * 60)}
          </button>
        ))}
      </div>
      <label className="block">
        <span className="text-sm font-medium">Justification</span>
        <textarea
          name="justification"
          required
          minLength={10}
          rows={3}
          className={input}
          defaultValue={draft.justification}
          placeholder="What the identity needs to do, and why now"
        />
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
            <input name={name} className={input} placeholder="optional" defaultValue={draft[name as keyof RequestDraft] as string | undefined} />
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
      {preview.result ? (
        <p
          aria-live="polite"
          data-testid="policy-preview"
          data-outcome={"outcome" in preview.result ? preview.result.outcome : "error"}
          className={`rounded-md px-3 py-2 text-sm ${
            "error" in preview.result
              ? "bg-amber-50 text-amber-900"
              : preview.result.outcome === "deny"
                ? "bg-red-50 text-red-800"
                : preview.result.outcome === "auto_approve"
                  ? "bg-emerald-50 text-emerald-900"
                  : "bg-zinc-100 text-zinc-800"
          }`}
        >
          <span className="font-medium">Policy, if you submit now: </span>
          {"error" in preview.result ? preview.result.error : preview.result.summary}
        </p>
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

/**
 * Asks the server what policy would decide for the form as it stands (the same decision function
 * a submit runs, writing nothing), a moment after the user stops typing; an older answer never
 * replaces a newer one.
 */
function usePolicyPreview(identityId: string, entitlementId: string | undefined, breakGlass: boolean) {
  const formRef = useRef<HTMLFormElement>(null);
  const [result, setResult] = useState<RequestPreview | { error: string } | null>(null);
  const asked = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const ask = useCallback((e?: { target: EventTarget | null }) => {
    if (e?.target instanceof HTMLElement && e.target.hasAttribute("data-ignore-preview")) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      const form = formRef.current;
      if (!form) return;
      const f = new FormData(form);
      const text = (k: string) => String(f.get(k) ?? "");
      const entitlement = text("entitlementId");
      if (!text("identityId") || !entitlement) return setResult(null);
      const n = ++asked.current;
      const r = await previewRequestAction({
        identityId: text("identityId"),
        entitlementId: entitlement,
        durationMin: Math.max(0, Number(text("durationMin")) || 0),
        ticketRef: text("ticketRef"),
        incidentRef: text("incidentRef"),
        changeRef: text("changeRef"),
        breakGlass: f.get("breakGlass") === "on",
      }).catch(() => ({ ok: false as const, error: { code: "internal" as const, message: "Policy could not be asked just now; submitting still decides." } }));
      if (n !== asked.current) return;
      setResult(r.ok ? r.data : { error: r.error.message });
    }, 250);
  }, []);
  useEffect(() => {
    ask();
  }, [ask, identityId, entitlementId, breakGlass]);
  useEffect(() => () => clearTimeout(timer.current), []);
  return { formRef, ask, result };
}
