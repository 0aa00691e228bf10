"use client";

import { useTransition } from "react";
import { useKeptForm } from "@/components/forms/use-kept-form";
import type { ActionResult } from "@/lib/web/action";
import { createApiTokenAction, revokeApiTokenAction } from "../actions";
import { Time } from "@/components/ui/time";

type Token = { id: string; name: string; prefix: string; boundTo: string; scopes: string[]; expiresAt: string | null; revokedAt: string | null; lastUsedAt: string | null };
const input = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm";
const commonScopes = ["request:create", "request:approve", "request:read_all", "grant:read_all", "identity:read", "exception:propose", "audit:read", "metrics:read"];

/** Every token (an admin), or with `self` the signed-in user's own: bound to them, with scopes they hold. */
export function ApiTokens({ tokens, self }: { tokens: Token[]; self?: { email: string; scopes: string[] } }) {
  const [state, action, pending] = useKeptForm<ActionResult<{ token: string }> | null>(createApiTokenAction, null);
  const [revoking, start] = useTransition();
  return (
    <div>
      <table className="w-full text-left text-sm">
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
          <tr>
            <th className="px-3 py-2">Token</th>
            <th className="px-3 py-2">Bound to</th>
            <th className="px-3 py-2">Scopes</th>
            <th className="px-3 py-2">Expires</th>
            <th className="px-3 py-2">Last used</th>
            <th className="px-3 py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {tokens.length === 0 ? (
            <tr>
              <td colSpan={6} className="px-3 py-6 text-center text-zinc-500">
                No API token yet.
              </td>
            </tr>
          ) : (
            tokens.map((t) => (
              <tr key={t.id} data-token={t.name}>
                <td className="px-3 py-2">
                  <div className="font-medium">{t.name}</div>
                  <div className="font-mono text-xs text-zinc-500">{t.prefix}…</div>
                </td>
                <td className="px-3 py-2">{t.boundTo}</td>
                <td className="px-3 py-2 text-xs">{t.scopes.join(", ")}</td>
                <td className="px-3 py-2 text-xs"><Time iso={t.expiresAt} /></td>
                <td className="px-3 py-2 text-xs"><Time iso={t.lastUsedAt} /></td>
                <td className="px-3 py-2 text-right">
                  {t.revokedAt ? (
                    <span className="text-xs text-zinc-500">revoked <Time iso={t.revokedAt} /></span>
                  ) : (
                    <button disabled={revoking} onClick={() => start(async () => void (await revokeApiTokenAction({ tokenId: t.id })))} className="rounded border border-red-300 px-2 py-0.5 text-xs text-red-800 hover:bg-red-50">
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      <form onSubmit={action} className="space-y-2 border-t border-zinc-200 p-4 text-sm" aria-label="Create an API token">
        <div className="flex flex-wrap gap-2">
          <input name="name" placeholder="name, e.g. nightly-export" aria-label="Token name" className={`${input} w-56`} />
          {self ? (
            <input type="hidden" name="boundTo" value={self.email} />
          ) : (
            <input name="boundTo" required placeholder="identity name (your own email for a token of yours)" aria-label="Bound to" className={`${input} w-72`} />
          )}
          <input name="expiresIn" placeholder="expires in, e.g. P30D" aria-label="Expires in" className={`${input} w-40`} />
        </div>
        <div className="flex flex-wrap gap-3">
          {(self?.scopes ?? commonScopes).map((s, i) => (
            <label key={s} className="flex items-center gap-1 text-xs">
              <input type="checkbox" name="scopes" value={s} defaultChecked={self ? i === 0 : s === "request:create"} /> {s}
            </label>
          ))}
        </div>
        <button disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50">
          Create token
        </button>
        {state ? (
          state.ok ? (
            <div className="rounded-md border border-amber-300 bg-amber-50 p-3" data-testid="new-token">
              <p className="mb-1 font-medium text-amber-900">Copy it now: it is stored only as a hash and will not be shown again.</p>
              <code className="break-all font-mono text-xs">{state.data.token}</code>
            </div>
          ) : (
            <p role="status" className="text-sm text-red-700" data-testid="token-error">
              {state.error.message}
            </p>
          )
        ) : null}
      </form>
    </div>
  );
}
