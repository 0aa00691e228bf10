import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/authz";
import { findCampaigns } from "@/lib/attestations/find-campaigns";
import { findMyAttestations, myAttestationSortable } from "@/lib/attestations/find-my-attestations";
import { findOwnerCandidates } from "@/lib/attestations/find-owner-candidates";
import { parseListParams, parseTextParam } from "@/lib/listing";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { StatusBadge } from "@/components/ui/badge";
import { formatDate } from "@/components/ui/format";
import { MyAttestations } from "./_components/my-attestations";

export const metadata: Metadata = { title: "Attestations" };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function AttestationsPage({ searchParams }: PageProps<"/attestations">) {
  const actor = await requireArea("attestations");
  const sp = await searchParams;
  const campaigns = await findCampaigns({ actor });
  const canAttest = can(actor, "attestation:attest");
  const canManage = can(actor, "attestation:manage");
  const campaignParam = parseTextParam(sp, "campaign", 36);
  const campaignId = campaignParam && uuid.test(campaignParam) ? campaignParam : undefined;
  const params = parseListParams(sp, { sortable: myAttestationSortable, defaultSort: "dueAt", defaultDir: "asc" });
  const [mine, candidates] = canAttest ? await Promise.all([findMyAttestations({ actor, params, campaignId }), findOwnerCandidates({ actor })]) : [null, []];
  const filtered = campaignId ? campaigns.find((c) => c.id === campaignId) : undefined;

  return (
    <>
      <PageHeader
        title="Attestations"
        description="Owners confirm, on a schedule, that each identity they own is still needed, still theirs, and holds no more than it should."
        actions={
          canManage ? (
            <Link href="/attestations/new" className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700">
              New campaign
            </Link>
          ) : null
        }
      />
      {mine ? (
        <section className="mb-10" aria-labelledby="mine-heading">
          <div className="mb-3 flex flex-wrap items-baseline gap-3">
            <h2 id="mine-heading" className="text-lg font-semibold">
              My identities to attest
            </h2>
            {filtered ? (
              <span className="text-sm text-zinc-600">
                in {filtered.name} ·{" "}
                <Link href="/attestations" className="underline">
                  show all campaigns
                </Link>
              </span>
            ) : null}
          </div>
          <MyAttestations {...mine} sort={params.sort} dir={params.dir} actorId={actor.id} owners={candidates} />
        </section>
      ) : null}
      <section aria-labelledby="campaigns-heading">
        <h2 id="campaigns-heading" className="mb-3 text-lg font-semibold">
          Campaigns
        </h2>
        {campaigns.length === 0 ? (
          <EmptyState title="No attestation campaign yet">Security opens campaigns by scope and due date; owners then attest each identity they own here.</EmptyState>
        ) : (
          <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white">
            <table className="w-full text-left text-sm" data-testid="campaigns">
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
                  <tr key={c.id} data-campaign={c.name}>
                    <td className="px-3 py-2 font-medium">
                      <Link href={`/attestations/${c.id}`} className="hover:underline">
                        {c.name}
                      </Link>
                    </td>
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
                    <td className="px-3 py-2 tabular-nums">
                      {c.mine ? (
                        c.mineOpen && c.status === "open" && canAttest ? (
                          <Link href={`/attestations?campaign=${c.id}`} className="underline">
                            {c.mineOpen} open of {c.mine}
                          </Link>
                        ) : (
                          `${c.mineOpen} open of ${c.mine}`
                        )
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
