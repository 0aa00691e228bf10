"use client";

import { useState, useTransition } from "react";
import type { Credential } from "@/lib/issuers/types";
import { takeCredentialAction } from "@/app/(dashboard)/grants/actions";

/** Shows a freshly issued credential to the one person it is for, once. */
export function CredentialReveal({ grantId }: { grantId: string }) {
  const [pending, start] = useTransition();
  const [credential, setCredential] = useState<Credential | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  if (credential) {
    return (
      <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="credential">
        <p className="mb-2 font-medium text-amber-900">Copy it now: Hourglass does not keep it and will not show it again.</p>
        {credential.type === "postgres" ? (
          <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 wrap-anywhere gap-y-1 font-mono text-xs">
            <dt>user</dt>
            <dd data-testid="credential-username">{credential.username}</dd>
            <dt>password</dt>
            <dd data-testid="credential-password">{credential.password}</dd>
            <dt>url</dt>
            <dd className="break-all" data-testid="credential-url">
              {credential.connectionString}
            </dd>
          </dl>
        ) : credential.type === "jwt" ? (
          <pre className="whitespace-pre-wrap break-all font-mono text-xs" data-testid="credential-token">
            {credential.token}
          </pre>
        ) : (
          <pre className="whitespace-pre-wrap break-all font-mono text-xs">{JSON.stringify(credential, null, 2)}</pre>
        )}
      </div>
    );
  }
  return (
    <span className="inline-flex items-center gap-2">
      <button
        disabled={pending}
        onClick={() =>
          start(async () => {
            const r = await takeCredentialAction({ grantId });
            if (!r.ok) setError(r.error.message);
            else if (!r.data) setError("The credential was already shown once and is no longer kept.");
            else setCredential(r.data);
          })
        }
        className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50"
      >
        Show credential (once)
      </button>
      {error ? <span className="text-sm text-red-700">{error}</span> : null}
    </span>
  );
}
