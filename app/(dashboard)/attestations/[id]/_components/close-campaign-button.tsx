"use client";

import { useState, useTransition } from "react";
import { closeCampaignAction } from "../../actions";

export function CloseCampaignButton({ campaignId, open }: { campaignId: string; open: number }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      {error ? <span className="text-sm text-red-700">{error}</span> : null}
      <button
        type="button"
        disabled={pending}
        onClick={() => {
          if (open > 0 && !window.confirm(`${open} identit${open === 1 ? "y is" : "ies are"} still unattested. Close the campaign anyway?`)) return;
          start(async () => {
            const r = await closeCampaignAction({ campaignId });
            setError(r.ok ? null : r.error.message);
          });
        }}
        className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-50 disabled:opacity-50"
      >
        {pending ? "Closing…" : "Close campaign"}
      </button>
    </span>
  );
}
