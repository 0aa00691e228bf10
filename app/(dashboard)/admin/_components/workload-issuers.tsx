"use client";

import { useState, useTransition } from "react";
import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import { Badge } from "@/components/ui/badge";
import { createTrustedIssuerAction, setTrustedIssuerEnabledAction } from "../actions";

type TrustedIssuer = {
  id: string;
  name: string;
  issuer: string;
  audience: string;
  jwksUrl: string | null;
  inline: boolean;
  inlineKeys: number;
  enabled: boolean;
  boundIdentities: number;
};

const input = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm";
const th = "px-3 py-2 font-medium";
const td = "px-3 py-2 align-top";

export function WorkloadIssuers({ issuers }: { issuers: TrustedIssuer[] }) {
  const [toggling, start] = useTransition();
  const [toggleResult, setToggleResult] = useState<ActionResult | null>(null);

  const toggle = (i: TrustedIssuer) => {
    if (
      i.enabled &&
      !window.confirm(
        `Stop trusting tokens from ${i.issuer}? Its workloads can no longer sign in, and grants approved without a person because of their attestation are revoked.`,
      )
    )
      return;
    start(async () => setToggleResult(await setTrustedIssuerEnabledAction({ id: i.id, enabled: !i.enabled })));
  };

  return (
    <div>
      <table className="w-full text-left text-sm" data-testid="workload-issuers">
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
          <tr>
            <th className={th}>Name</th>
            <th className={th}>Issuer (iss) and audience</th>
            <th className={th}>Signing keys</th>
            <th className={th}>Bound identities</th>
            <th className={th}>Trust</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {issuers.length === 0 ? (
            <tr>
              <td colSpan={5} className="px-3 py-6 text-center text-zinc-500">
                No workload issuer is trusted yet: workloads sign in with API tokens only.
              </td>
            </tr>
          ) : (
            issuers.map((i) => (
              <tr key={i.id} data-issuer={i.name}>
                <td className={`${td} font-medium`}>{i.name}</td>
                <td className={td}>
                  <div className="break-all font-mono text-xs">{i.issuer}</div>
                  <div className="text-xs text-zinc-500">aud {i.audience}</div>
                </td>
                <td className={`${td} text-xs`}>
                  {i.jwksUrl ? <span className="break-all font-mono">{i.jwksUrl}</span> : `${i.inlineKeys} inline key${i.inlineKeys === 1 ? "" : "s"}`}
                </td>
                <td className={`${td} tabular-nums`}>{i.boundIdentities}</td>
                <td className={`${td} whitespace-nowrap`}>
                  {i.enabled ? <Badge tone="green">trusted</Badge> : <Badge tone="red">withdrawn</Badge>}{" "}
                  <button
                    disabled={toggling}
                    onClick={() => toggle(i)}
                    className={`ml-2 rounded border px-2 py-0.5 text-xs disabled:opacity-50 ${i.enabled ? "border-red-300 text-red-800 hover:bg-red-50" : "border-zinc-300 hover:bg-zinc-50"}`}
                  >
                    {i.enabled ? "Withdraw trust" : "Trust again"}
                  </button>
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {toggleResult ? (
        <p role="status" data-testid="workload-issuer-toggle-result" className={`border-t border-zinc-200 px-4 py-2 text-sm ${toggleResult.ok ? "text-emerald-700" : "text-red-700"}`}>
          {toggleResult.ok ? toggleResult.message : toggleResult.error.message}
        </p>
      ) : null}
      <TrustIssuerForm />
    </div>
  );
}

function TrustIssuerForm() {
  const [state, action, pending] = useKeptForm<ActionResult | null>(createTrustedIssuerAction, null);
  const [keys, setKeys] = useState<"url" | "inline">("url");
  return (
    <form onSubmit={action} className="space-y-2 border-t border-zinc-200 p-4 text-sm" aria-label="Trust a workload issuer">
      <div className="flex flex-wrap gap-2">
        <input name="name" required placeholder="name, e.g. github-actions" aria-label="Workload issuer name" className={`${input} w-48`} />
        <input name="issuer" required type="url" placeholder="iss, e.g. https://token.actions.githubusercontent.com" aria-label="Issuer URL (iss)" className={`${input} w-96`} />
        <input name="audience" required placeholder="audience, e.g. https://hourglass.example" aria-label="Audience" className={`${input} w-72`} />
      </div>
      <fieldset className="flex flex-wrap items-center gap-3">
        <legend className="sr-only">Where the signing keys come from</legend>
        <label className="flex items-center gap-1">
          <input type="radio" name="keys" value="url" checked={keys === "url"} onChange={() => setKeys("url")} /> JWKS URL
        </label>
        <label className="flex items-center gap-1">
          <input type="radio" name="keys" value="inline" checked={keys === "inline"} onChange={() => setKeys("inline")} /> Inline keys (air-gapped)
        </label>
      </fieldset>
      {keys === "url" ? (
        <input name="jwksUrl" required type="url" placeholder="https://token.actions.githubusercontent.com/.well-known/jwks" aria-label="JWKS URL" className={`${input} w-full font-mono text-xs`} />
      ) : (
        <textarea name="jwks" required rows={3} aria-label="Inline JWKS" placeholder='{"keys": [{"kty": "EC", "crv": "P-256", "kid": "…", "x": "…", "y": "…"}]}' className={`${input} w-full font-mono text-xs`} />
      )}
      <button disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50">
        Trust issuer
      </button>
      {state ? (
        <p role="status" data-testid="workload-issuer-result" className={`text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`}>
          {state.ok ? state.message : state.error.message}
        </p>
      ) : null}
    </form>
  );
}
