import type { Metadata } from "next";
import { findRequests, requestSortable } from "@/lib/requests/find-requests";
import { findEntitlements } from "@/lib/entitlements/find-entitlements";
import { parseEnumParam, parseListParams } from "@/lib/listing";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { FilterBar } from "@/components/data-table/filter-bar";
import { options } from "@/components/data-table/filter-options";
import { ApprovalQueue } from "./_components/approval-queue";
import { LiveRefresh } from "@/components/ui/live-refresh";

export const metadata: Metadata = { title: "Approvals" };

const envs = ["dev", "staging", "prod"] as const;
const tiers = ["low", "medium", "high", "critical"] as const;
const kinds = ["service_account", "api_key", "workload", "ci_job", "ai_agent", "bot"] as const;
const ages = { "15m": 15 * 60, "1h": 3600, "4h": 4 * 3600, "1d": 86400 } as const;

export default async function ApprovalsPage({ searchParams }: PageProps<"/approvals">) {
  const actor = await requireArea("approvals");
  const sp = await searchParams;
  const params = parseListParams(sp, { sortable: requestSortable, defaultSort: "createdAt", defaultDir: "asc" });
  const entitlements = await findEntitlements({ actor });
  const entitlementId = typeof sp.entitlement === "string" && entitlements.some((e) => e.id === sp.entitlement) ? sp.entitlement : undefined;
  const age = parseEnumParam(sp, "age", Object.keys(ages) as (keyof typeof ages)[]);
  const page = await findRequests({
    actor,
    params,
    filters: {
      scope: "all",
      status: "pending",
      environment: parseEnumParam(sp, "environment", envs),
      riskTier: parseEnumParam(sp, "riskTier", tiers),
      identityKind: parseEnumParam(sp, "identityKind", kinds),
      entitlementId,
      createdBefore: age ? new Date(Date.now() - ages[age] * 1000) : undefined,
    },
  });
  return (
    <>
      <LiveRefresh topics={["access_request"]} />
      <PageHeader title="Approvals" description="Pending requests, oldest first. Press ? for the keyboard: j/k to move, x to select, a to approve, d to deny." />
      <FilterBar
        filters={[
          { key: "environment", label: "Env", options: options(envs) },
          { key: "riskTier", label: "Risk", options: options(tiers) },
          { key: "identityKind", label: "Kind", options: options(kinds) },
          { key: "entitlement", label: "Entitlement", options: entitlements.map((e) => ({ value: e.id, label: e.name })) },
          { key: "age", label: "Waiting", options: Object.keys(ages).map((a) => ({ value: a, label: `≥ ${a}` })) },
        ]}
      />
      <ApprovalQueue {...page} sort={params.sort} dir={params.dir} actorId={actor.id} />
    </>
  );
}
