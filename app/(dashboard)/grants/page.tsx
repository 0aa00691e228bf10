import type { Metadata } from "next";
import { findGrants, grantSortable, LIVE_GRANT_STATUSES, type GrantFilters } from "@/lib/grants/find-grants";
import { findGrantFilterOptions } from "@/lib/grants/find-grant-filter-options";
import { parseEnumParam, parseListParams, parseTextParam } from "@/lib/listing";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { FilterBar } from "@/components/data-table/filter-bar";
import { options } from "@/components/data-table/filter-options";
import { GrantsTable } from "@/components/tables/grants-table";
import { LiveRefresh } from "@/components/ui/live-refresh";

export const metadata: Metadata = { title: "Grants" };

const statuses = ["issuing", "active", "revoking", "revoked", "revoke_failed", "irrevocable", "issue_failed"] as const;
const environments = ["dev", "staging", "prod"] as const;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function GrantsPage({ searchParams }: PageProps<"/grants">) {
  const actor = await requireArea("grants");
  const sp = await searchParams;
  const params = parseListParams(sp, { sortable: grantSortable, defaultSort: "expiresAt", defaultDir: "asc" });
  // No status in the URL: the live grants. "any" means every state.
  const status = parseEnumParam(sp, "status", [...statuses, "any", "failing"] as const);
  const id = (key: string) => {
    const v = parseTextParam(sp, key, 40);
    return v && uuid.test(v) ? v : undefined;
  };
  const endsBefore = parseTextParam(sp, "endsBefore", 10);
  const filters: GrantFilters = {
    ...(status === "any" ? {} : status === "failing" ? { statuses: ["revoke_failed", "irrevocable"] } : status ? { status } : { statuses: LIVE_GRANT_STATUSES }),
    identity: parseTextParam(sp, "identity", 200),
    entitlementId: id("entitlement"),
    issuerId: id("issuer"),
    environment: parseEnumParam(sp, "environment", environments),
    // The end of the chosen day, in UTC.
    endsBefore: endsBefore && /^\d{4}-\d{2}-\d{2}$/.test(endsBefore) && !Number.isNaN(Date.parse(endsBefore)) ? new Date(Date.parse(endsBefore) + 86400_000) : undefined,
  };
  const [page, choices] = await Promise.all([findGrants({ actor, params, filters }), findGrantFilterOptions({ actor })]);
  const filtered = status !== undefined || Object.entries(filters).some(([k, v]) => k !== "statuses" && v !== undefined);
  return (
    <>
      <LiveRefresh topics={["grant"]} />
      <PageHeader title="Grants" description="Privilege that was issued through an issuer, and when and how it ended. A grant is done only once the issuer confirmed the revoke." />
      <FilterBar
        search={{ key: "identity", placeholder: "Identity name" }}
        filters={[
          { key: "status", label: "Status", fallback: "live", options: [{ value: "live", label: "live" }, { value: "any", label: "any" }, { value: "failing", label: "revoke failing (any)" }, ...options(statuses)] },
          { key: "environment", label: "Environment", options: options(environments) },
          { key: "entitlement", label: "Entitlement", options: choices.entitlements.map((e) => ({ value: e.id, label: e.name })) },
          { key: "issuer", label: "Issuer", options: choices.issuers.map((i) => ({ value: i.id, label: i.name })) },
          { key: "endsBefore", label: "Ends by (UTC)", type: "date" },
        ]}
      />
      <GrantsTable {...page} sort={params.sort} dir={params.dir} empty={filtered ? "No grant matches these filters." : "No grant is live right now."} />
    </>
  );
}
