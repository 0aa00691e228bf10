import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/authz";
import { findRequests, requestSortable } from "@/lib/requests/find-requests";
import { parseEnumParam, parseListParams } from "@/lib/listing";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { FilterBar } from "@/components/data-table/filter-bar";
import { options } from "@/components/data-table/filter-options";
import { RequestsTable } from "@/components/tables/requests-table";
import { LiveRefresh } from "@/components/ui/live-refresh";

export const metadata: Metadata = { title: "Requests" };

const statuses = ["pending", "approved", "denied", "cancelled", "expired"] as const;

export default async function RequestsPage({ searchParams }: PageProps<"/requests">) {
  const actor = await requireArea("requests");
  const sp = await searchParams;
  const mayCreate = can(actor, "request:create");
  const scope = sp.scope === "all" && can(actor, "request:read_all") ? "all" : mayCreate ? "mine" : "all";
  const params = parseListParams(sp, { sortable: requestSortable, defaultSort: "createdAt" });
  const page = await findRequests({ actor, params, filters: { scope, status: parseEnumParam(sp, "status", statuses) } });
  return (
    <>
      <LiveRefresh topics={["access_request"]} />
      <PageHeader
        title="Requests"
        description={scope === "mine" ? "Access you asked for on behalf of the identities you own or operate." : "Every access request, by people and by workloads."}
        actions={
          mayCreate ? (
            <Link href="/requests/new" className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700">
              Request access
            </Link>
          ) : null
        }
      />
      {mayCreate && can(actor, "request:read_all") ? (
        <div className="mb-3 flex gap-3 text-sm">
          <Link href="/requests" className={scope === "mine" ? "font-semibold underline" : "text-zinc-600"}>
            Mine
          </Link>
          <Link href="/requests?scope=all" className={scope === "all" ? "font-semibold underline" : "text-zinc-600"}>
            All
          </Link>
        </div>
      ) : null}
      <FilterBar filters={[{ key: "status", label: "Status", options: options(statuses) }]} />
      <RequestsTable
        {...page}
        sort={params.sort}
        dir={params.dir}
        empty={scope === "mine" ? "You have made no request with these filters." : "No request matches these filters."}
      />
    </>
  );
}
