import type { Metadata } from "next";
import { findGrants, grantSortable } from "@/lib/grants/find-grants";
import { parseEnumParam, parseListParams } from "@/lib/listing";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { FilterBar } from "@/components/data-table/filter-bar";
import { options } from "@/components/data-table/filter-options";
import { GrantsTable } from "@/components/tables/grants-table";

export const metadata: Metadata = { title: "Grants" };

const statuses = ["issuing", "active", "revoking", "revoked", "revoke_failed", "irrevocable", "issue_failed"] as const;

export default async function GrantsPage({ searchParams }: PageProps<"/grants">) {
  const actor = await requireArea("grants");
  const sp = await searchParams;
  const params = parseListParams(sp, { sortable: grantSortable, defaultSort: "expiresAt", defaultDir: "asc" });
  const status = parseEnumParam(sp, "status", statuses);
  const page = await findGrants({ actor, params, filters: status ? { status } : { statuses: ["issuing", "active", "revoking", "revoke_failed", "irrevocable"] } });
  return (
    <>
      <PageHeader title="Grants" description="Privilege that was issued through an issuer, and when and how it ended. A grant is done only once the issuer confirmed the revoke." />
      <FilterBar filters={[{ key: "status", label: "Status", options: options(statuses) }]} />
      <GrantsTable {...page} sort={params.sort} dir={params.dir} empty={status ? "No grant in this state." : "No grant is live right now."} />
    </>
  );
}
