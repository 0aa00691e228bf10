"use client";

import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { rollBackPoliciesAction } from "../actions";

/** Puts a version's text back in force, after a second click that says what will happen. */
export function RollBackButton({ version }: { version: number }) {
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const router = useRouter();
  const rollBack = () =>
    start(async () => {
      const r = await rollBackPoliciesAction({ version });
      setConfirming(false);
      if (!r.ok) return setMessage({ ok: false, text: r.error.message });
      setMessage({ ok: true, text: `Rolled back: version ${r.data.version} has the text of version ${version}.` });
      router.refresh();
    });
  return (
    <span className="flex flex-wrap items-center gap-2">
      {confirming ? (
        <>
          <button disabled={pending} onClick={rollBack} className="rounded-md bg-zinc-900 px-2 py-1 text-xs font-medium text-white hover:bg-zinc-700 disabled:opacity-50">
            Save version {version}&apos;s text as a new version
          </button>
          <button disabled={pending} onClick={() => setConfirming(false)} className="rounded-md border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-50">
            Keep the current version
          </button>
        </>
      ) : (
        <button onClick={() => (setMessage(null), setConfirming(true))} className="rounded-md border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-50">
          Roll back to this version
        </button>
      )}
      {message ? (
        <span role="status" className={`text-xs ${message.ok ? "text-emerald-700" : "text-red-700"}`}>
          {message.text}
        </span>
      ) : null}
    </span>
  );
}
