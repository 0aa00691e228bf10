import type { Metadata } from "next";
import { findCampaigns } from "@/lib/attestations/find-campaigns";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { StatusBadge } from "@/components/ui/badge";
import { formatDate } from "@/components/ui/format";

export const metadata: Metadata = { title: "Attestations" };

export default async function AttestationsPage() {
  const actor = await requireArea("attestations");
  const campaigns = await findCampaigns({ actor });
  return (
    <>
      <PageHeader title="Attestations" description="Owners confirm, on a schedule, that each identity they own is still needed, still theirs, and holds no more than it should." />
      {campaigns.length === 0 ? (
        <EmptyState title="No attestation campaign yet">Security opens campaigns by scope and due date; owners then attest each identity they own here.</EmptyState>
      ) : (
        <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
              <tr>
                <th className="px-3 py-2">Campaign</th>
                <th className="px-3 py-2">Status</th>
                <th className="px-3 py-2">Due</th>
                <th className="px-3 py-2">Progress</th>
                <th className="px-3 py-2">Yours to attest</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {campaigns.map((c) => (
                <tr key={c.id}>
                  <td className="px-3 py-2 font-medium">{c.name}</td>
                  <td className="px-3 py-2">
                    <StatusBadge value={c.status} />
                  </td>
                  <td className="px-3 py-2">{formatDate(c.dueAt)}</td>
                  <td className="px-3 py-2">
                    <div className="flex items-center gap-2">
                      <div className="h-1.5 w-32 rounded bg-zinc-200">
                        <div className="h-1.5 rounded bg-emerald-600" style={{ width: `${c.total ? (100 * c.attested) / c.total : 0}%` }} />
                      </div>
                      <span className="tabular-nums text-zinc-600">
                        {c.attested}/{c.total}
                      </span>
                    </div>
                  </td>
                  <td className="px-3 py-2 tabular-nums">{c.mine ? `${c.mineOpen} open of ${c.mine}` : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
