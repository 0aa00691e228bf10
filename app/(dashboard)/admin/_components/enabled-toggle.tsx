"use client";

import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/web/action";
import { setEntitlementEnabledAction, setIssuerEnabledAction } from "../actions";

const actions = { issuer: setIssuerEnabledAction, entitlement: setEntitlementEnabledAction };

/** Disables (after a confirmation that says what it does) or enables again an issuer or an entitlement. */
export function EnabledToggle({ kind, id, name, enabled }: { kind: "issuer" | "entitlement"; id: string; name: string; enabled: boolean }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ActionResult | null>(null);
  const toggle = () => {
    if (enabled && !window.confirm(`Disable ${name}? Nothing new is ${kind === "issuer" ? "issued through it" : "granted from it"}; live grants run to their end and are revoked as usual.`)) return;
    start(async () => setResult(await actions[kind]({ id, enabled: !enabled })));
  };
  return (
    <div className="flex flex-wrap items-center gap-3">
      <button
        type="button"
        onClick={toggle}
        disabled={pending}
        className={`rounded-md border px-3 py-1 text-sm disabled:opacity-50 ${enabled ? "border-red-300 text-red-700 hover:bg-red-50" : "border-zinc-300 hover:bg-zinc-50"}`}
      >
        {enabled ? `Disable ${kind}` : `Enable ${kind}`}
      </button>
      {result ? (
        <span role="status" data-testid={`${kind}-toggle-result`} className={`text-sm ${result.ok ? "text-emerald-700" : "text-red-700"}`}>
          {result.ok ? result.message : result.error.message}
        </span>
      ) : null}
    </div>
  );
}
