"use client";

import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { revokeGrantRowAction } from "@/app/(dashboard)/grants/actions";

/** A grant's row action: Revoke, asking the reason in place; the list refreshes when it started. */
export function RevokeRow({ grantId, label }: { grantId: string; label: string }) {
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState(false);
  const [pending, start] = useTransition();
  const router = useRouter();
  // Until the list re-renders with the grant's new status, say what happened instead of offering Revoke again.
  if (started) {
    return (
      <span role="status" className="text-xs text-zinc-600">
        Revocation started
      </span>
    );
  }
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="rounded-md border border-zinc-300 px-2 py-0.5 text-xs font-medium hover:bg-zinc-50">
        Revoke
      </button>
    );
  }
  const submit = () =>
    start(async () => {
      const r = await revokeGrantRowAction({ grantId, comment });
      if (!r.ok) return setError(r.error.fields?.comment ?? r.error.message);
      setOpen(false);
      setStarted(true);
      router.refresh();
    });
  return (
    <form
      className="flex min-w-56 flex-col gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      onKeyDown={(e) => {
        if (e.key === "Escape") setOpen(false);
      }}
    >
      <input
        autoFocus
        aria-label={`Why revoke ${label}`}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        placeholder="Why, in a few words"
        className="rounded-md border border-zinc-300 px-2 py-1 text-xs"
      />
      <span className="flex gap-1">
        <button disabled={pending} className="rounded-md bg-red-700 px-2 py-0.5 text-xs font-medium text-white hover:bg-red-600 disabled:opacity-50">
          {pending ? "Revoking…" : "Revoke now"}
        </button>
        <button type="button" onClick={() => setOpen(false)} className="rounded-md px-2 py-0.5 text-xs text-zinc-600 hover:bg-zinc-100">
          Cancel
        </button>
      </span>
      {error ? (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </form>
  );
}
