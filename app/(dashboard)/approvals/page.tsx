import type { Metadata } from "next";
import { findRequests, requestSortable } from "@/lib/requests/find-requests";
import { parseEnumParam, parseListParams } from "@/lib/listing";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { FilterBar, options } from "@/components/data-table/filter-bar";
import { RequestsTable } from "@/components/tables/requests-table";

export const metadata: Metadata = { title: "Approvals" };

const envs = ["dev", "staging", "prod"] as const;
const tiers = ["low", "medium", "high", "critical"] as const;
const kinds = ["service_account", "api_key", "workload", "ci_job", "ai_agent", "bot"] as const;

export default async function ApprovalsPage({ searchParams }: PageProps<"/approvals">) {
  const actor = await requireArea("approvals");
  const sp = await searchParams;
  const params = parseListParams(sp, { sortable: requestSortable, defaultSort: "createdAt", defaultDir: "asc" });
  const page = await findRequests({
    actor,
    params,
    filters: {
      scope: "all",
      status: "pending",
      environment: parseEnumParam(sp, "environment", envs),
      riskTier: parseEnumParam(sp, "riskTier", tiers),
      identityKind: parseEnumParam(sp, "identityKind", kinds),
    },
  });
  return (
    <>
      <PageHeader title="Approvals" description="Pending requests waiting for a decision, oldest first." />
      <FilterBar
        filters={[
          { key: "environment", label: "Environment", options: options(envs) },
          { key: "riskTier", label: "Risk", options: options(tiers) },
          { key: "identityKind", label: "Kind", options: options(kinds) },
        ]}
      />
      <RequestsTable {...page} sort={params.sort} dir={params.dir} empty="Nothing waits for a decision. The queue is clear." />
    </>
  );
}
