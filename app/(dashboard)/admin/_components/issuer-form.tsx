"use client";

import { useState } from "react";
import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import { createIssuerAction, updateIssuerAction } from "../actions";
import { issuerFields, shownConfig, type IssuerTypeName } from "./issuer-fields";

const input = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm";

function FieldError({ message }: { message?: string }) {
  return message ? <span className="mt-1 block text-xs text-red-700">{message}</span> : null;
}

function Result({ state }: { state: ActionResult<unknown> | null }) {
  if (!state) return null;
  return (
    <p role="status" data-testid="admin-create-result" className={`text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`}>
      {state.ok ? state.message : state.error.message}
    </p>
  );
}

/**
 * Adds an issuer (no `issuer`) or edits one: a field per config key of its type, or the raw JSON.
 * Secrets are write-only password fields; on an edit, an empty one keeps the sealed secret.
 */
export function IssuerForm({ issuer }: { issuer?: { id: string; name: string; type: IssuerTypeName; config: unknown; hasSecret: boolean } }) {
  const editing = Boolean(issuer);
  const [state, action, pending] = useKeptForm<ActionResult<unknown> | null>(editing ? updateIssuerAction : createIssuerAction, null);
  const [type, setType] = useState<IssuerTypeName>(issuer?.type ?? "postgres");
  const [mode, setMode] = useState<"form" | "json">("form");
  const errors = state && !state.ok ? (state.error.fields ?? {}) : {};
  const shown = issuer ? shownConfig(issuer.type, issuer.config) : {};
  return (
    <form onSubmit={action} className="space-y-3 p-4 text-sm" aria-label={editing ? "Edit the issuer" : "Add an issuer"}>
      {issuer ? <input type="hidden" name="issuerId" value={issuer.id} /> : null}
      {issuer ? <input type="hidden" name="type" value={issuer.type} /> : null}
      <input type="hidden" name="mode" value={mode} />
      <div className="flex flex-wrap items-start gap-3">
        {!issuer ? (
          <>
            <label className="flex flex-col gap-1">
              <span className="text-xs text-zinc-600">Name</span>
              <input name="name" required placeholder="e.g. orders-postgres" aria-label="Issuer name" className={`${input} w-56`} />
              <FieldError message={errors.name} />
            </label>
            <label className="flex flex-col gap-1">
              <span className="text-xs text-zinc-600">Type</span>
              <select name="type" aria-label="Issuer type" className={input} value={type} onChange={(e) => setType(e.target.value as IssuerTypeName)}>
                <option value="postgres">postgres</option>
                <option value="token">token</option>
                <option value="webhook">webhook</option>
              </select>
            </label>
          </>
        ) : null}
        <fieldset className="flex items-center gap-3 self-end pb-1 text-xs">
          <legend className="sr-only">How to write the configuration</legend>
          <label className="flex items-center gap-1">
            <input type="radio" checked={mode === "form"} onChange={() => setMode("form")} /> Form
          </label>
          <label className="flex items-center gap-1">
            <input type="radio" checked={mode === "json"} onChange={() => setMode("json")} /> Raw JSON
          </label>
        </fieldset>
      </div>
      {mode === "form" ? (
        <div className="grid gap-3 sm:grid-cols-2" data-testid="issuer-typed-fields">
          {issuerFields[type].map((f) => (
            <label key={`${type}-${f.key}`} className="flex flex-col gap-1">
              <span className="text-xs text-zinc-600">
                {f.label}
                {f.required && !(f.kind === "secret" && issuer?.hasSecret) ? " (required)" : ""}
              </span>
              <input
                name={`cfg_${f.key}`}
                aria-label={f.label}
                type={f.kind === "secret" ? "password" : f.kind === "number" ? "number" : "text"}
                autoComplete={f.kind === "secret" ? "new-password" : "off"}
                defaultValue={f.kind === "secret" ? "" : (shown[f.key] ?? "")}
                placeholder={f.kind === "secret" && issuer?.hasSecret ? "sealed: leave empty to keep it" : f.placeholder}
                className={`${input} ${f.kind === "number" ? "w-32" : "w-full"} font-mono text-xs`}
              />
              {f.hint ? <span className="text-xs text-zinc-500">{f.hint}</span> : null}
              <FieldError message={errors[f.key]} />
            </label>
          ))}
        </div>
      ) : (
        <label className="flex flex-col gap-1">
          <span className="text-xs text-zinc-600">Configuration (JSON){issuer?.hasSecret ? ": leave the secret out to keep it" : ""}</span>
          <textarea
            name="config"
            rows={3}
            aria-label="Issuer configuration"
            defaultValue={issuer ? JSON.stringify(issuer.config, null, 2) : ""}
            placeholder='postgres: {"url": "postgresql://admin:…@db:5432/orders"} · token: {"audience": "https://api.example"} · webhook: {"url": "https://…", "hmacSecret": "…"}'
            className={`${input} w-full font-mono text-xs`}
          />
          <FieldError message={errors.config} />
        </label>
      )}
      <button disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50">
        {editing ? "Save issuer" : "Add issuer"}
      </button>
      <Result state={state} />
    </form>
  );
}
