"use client";

import { useKeptForm } from "@/components/forms/use-kept-form";
import { roles } from "@/lib/authz";
import type { ActionResult } from "@/lib/web/action";
import { inviteUserAction } from "../actions";

const input = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm";

export function InviteUserForm() {
  const [state, action, pending] = useKeptForm<ActionResult<{ email: string }> | null>(inviteUserAction, null);
  const fieldError = state && !state.ok ? state.error.fields : undefined;
  return (
    <form onSubmit={action} className="space-y-2 p-4 text-sm" aria-label="Invite a user">
      <div className="flex flex-wrap items-center gap-2">
        <input name="email" type="email" required placeholder="pat@example.com" aria-label="Email" aria-invalid={fieldError?.email ? true : undefined} className={`${input} w-64`} />
        <input name="name" placeholder="Name (optional)" aria-label="Name" className={`${input} w-48`} />
        <fieldset className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <legend className="sr-only">Roles</legend>
          {roles.map((r) => (
            <label key={r} className="flex items-center gap-1 text-xs">
              <input type="checkbox" name="roles" value={r} />
              {r}
            </label>
          ))}
        </fieldset>
        <button disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50">
          Invite
        </button>
      </div>
      {state ? (
        <p role="status" data-testid="invite-result" className={`text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`}>
          {state.ok ? state.message : state.error.message}
        </p>
      ) : null}
    </form>
  );
}
