"use client";

import { useKeptForm } from "@/components/forms/use-kept-form";
import { roles, type RoleName } from "@/lib/authz";
import type { ActionResult } from "@/lib/web/action";
import { setUserRolesAction } from "../actions";

export function UserRolesForm({ userId, current, label }: { userId: string; current: RoleName[]; label: string }) {
  const [state, action, pending] = useKeptForm<ActionResult | null>(setUserRolesAction, null);
  return (
    <form onSubmit={action} className="flex flex-wrap items-center gap-x-3 gap-y-1" aria-label={`Roles of ${label}`}>
      <input type="hidden" name="userId" value={userId} />
      {roles.map((r) => (
        <label key={r} className="flex items-center gap-1 text-xs">
          <input type="checkbox" name="roles" value={r} defaultChecked={current.includes(r)} />
          {r}
        </label>
      ))}
      <button disabled={pending} className="rounded border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-50 disabled:opacity-50">
        Save
      </button>
      {state ? (
        <span role="status" className={`text-xs ${state.ok ? "text-emerald-700" : "text-red-700"}`} data-testid="roles-result">
          {state.ok ? state.message : state.error.message}
        </span>
      ) : null}
    </form>
  );
}
