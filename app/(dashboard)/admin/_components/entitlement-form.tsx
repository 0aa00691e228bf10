"use client";

import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import { updateEntitlementAction } from "../actions";

const input = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm";

function FieldError({ message }: { message?: string }) {
  return message ? <span className="mt-1 block text-xs text-red-700">{message}</span> : null;
}

export type EditableEntitlement = {
  id: string;
  name: string;
  issuerType: string;
  description: string;
  target: unknown;
  environment: string;
  riskTier: string;
  maxDuration: string;
  defaultDuration: string;
  approvalsRequired: number;
  securityApprovalRequired: boolean;
  breakGlassAllowed: boolean;
  responseTarget: string;
  requestTtl: string;
};

function Labelled({ label, error, children }: { label: string; error?: string; children: React.ReactNode }) {
  return (
    <label className="flex flex-col gap-1">
      <span className="text-xs text-zinc-600">{label}</span>
      {children}
      <FieldError message={error} />
    </label>
  );
}

/** Edits an entitlement; its target is a form for PostgreSQL (role) and token (scope) issuers, JSON otherwise. */
export function EntitlementEditForm({ entitlement: e }: { entitlement: EditableEntitlement }) {
  const [state, action, pending] = useKeptForm<ActionResult<unknown> | null>(updateEntitlementAction, null);
  const errors = state && !state.ok ? (state.error.fields ?? {}) : {};
  const target = (e.target && typeof e.target === "object" ? e.target : {}) as Record<string, unknown>;
  const kind = e.issuerType === "postgres" || e.issuerType === "token" ? e.issuerType : "json";
  return (
    <form onSubmit={action} className="space-y-3 p-4 text-sm" aria-label="Edit the entitlement">
      <input type="hidden" name="entitlementId" value={e.id} />
      <input type="hidden" name="targetKind" value={kind} />
      <Labelled label="Description" error={errors.description}>
        <input name="description" defaultValue={e.description} aria-label="Description" className={`${input} w-full`} />
      </Labelled>
      <div className="grid gap-3 sm:grid-cols-2">
        {kind === "postgres" ? (
          <Labelled label="Group role a grant joins" error={errors.role}>
            <input name="target_role" defaultValue={String(target.role ?? "")} aria-label="Group role" className={`${input} font-mono text-xs`} />
          </Labelled>
        ) : kind === "token" ? (
          <>
            <Labelled label="Scope" error={errors.scope}>
              <input name="target_scope" defaultValue={String(target.scope ?? "")} aria-label="Scope" className={`${input} font-mono text-xs`} />
            </Labelled>
            <Labelled label="Audience (empty: the issuer's)" error={errors.audience}>
              <input name="target_audience" defaultValue={String(target.audience ?? "")} aria-label="Token audience" className={`${input} font-mono text-xs`} />
            </Labelled>
          </>
        ) : (
          <Labelled label="Target (JSON)" error={errors.target}>
            <textarea name="target" rows={2} defaultValue={JSON.stringify(e.target)} aria-label="Target" className={`${input} font-mono text-xs`} />
          </Labelled>
        )}
      </div>
      <div className="flex flex-wrap gap-3">
        <Labelled label="Environment" error={errors.environment}>
          <select name="environment" defaultValue={e.environment} aria-label="Environment" className={input}>
            <option>dev</option>
            <option>staging</option>
            <option>prod</option>
          </select>
        </Labelled>
        <Labelled label="Risk tier" error={errors.riskTier}>
          <select name="riskTier" defaultValue={e.riskTier} aria-label="Risk tier" className={input}>
            <option>low</option>
            <option>medium</option>
            <option>high</option>
            <option>critical</option>
          </select>
        </Labelled>
        <Labelled label="Longest grant (ISO 8601)" error={errors.maxDuration}>
          <input name="maxDuration" required defaultValue={e.maxDuration} aria-label="Maximum duration" className={`${input} w-28`} />
        </Labelled>
        <Labelled label="Default grant" error={errors.defaultDuration}>
          <input name="defaultDuration" defaultValue={e.defaultDuration} aria-label="Default duration" className={`${input} w-28`} />
        </Labelled>
        <Labelled label="Approvals required" error={errors.approvalsRequired}>
          <input name="approvalsRequired" type="number" min={0} max={9} required defaultValue={e.approvalsRequired} aria-label="Approvals required" className={`${input} w-20`} />
        </Labelled>
        <Labelled label="Remind approvers after" error={errors.responseTarget}>
          <input name="responseTarget" defaultValue={e.responseTarget} aria-label="Response target" className={`${input} w-28`} />
        </Labelled>
        <Labelled label="Unanswered requests expire after" error={errors.requestTtl}>
          <input name="requestTtl" defaultValue={e.requestTtl} aria-label="Request lifetime" className={`${input} w-28`} />
        </Labelled>
      </div>
      <div className="flex flex-wrap gap-4">
        <label className="flex items-center gap-1">
          <input type="checkbox" name="securityApprovalRequired" defaultChecked={e.securityApprovalRequired} /> one approval from security
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" name="breakGlassAllowed" defaultChecked={e.breakGlassAllowed} /> break-glass allowed
        </label>
      </div>
      <button disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50">
        Save entitlement
      </button>
      {state ? (
        <p role="status" data-testid="entitlement-edit-result" className={`text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`}>
          {state.ok ? state.message : state.error.message}
        </p>
      ) : null}
    </form>
  );
}
