import type { Metadata } from "next";
import { exceptionSortable, findExceptions } from "@/lib/exceptions/find-exceptions";
import { parseEnumParam, parseListParams } from "@/lib/listing";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { FilterBar } from "@/components/data-table/filter-bar";
import { options } from "@/components/data-table/filter-options";
import { ExceptionsTable } from "@/components/tables/exceptions-table";

export const metadata: Metadata = { title: "Exceptions" };

const statuses = ["proposed", "changes_requested", "accepted", "rejected", "expired", "revoked"] as const;

export default async function ExceptionsPage({ searchParams }: PageProps<"/exceptions">) {
  const actor = await requireArea("exceptions");
  const sp = await searchParams;
  const params = parseListParams(sp, { sortable: exceptionSortable, defaultSort: "expiresAt", defaultDir: "asc" });
  const page = await findExceptions({ actor, params, filters: { status: parseEnumParam(sp, "status", statuses) } });
  return (
    <>
      <PageHeader
        title="Exceptions"
        description="Standing access is debt: each exception names an identity, an entitlement, a reason, the person who accepted the risk, and an end date."
      />
      <FilterBar filters={[{ key: "status", label: "Status", options: options(statuses) }]} />
      <ExceptionsTable {...page} sort={params.sort} dir={params.dir} />
    </>
  );
}
