import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/authz";
import { findIdentities, identitySortable, UNATTESTED_AFTER_DAYS } from "@/lib/identities/find-identities";
import { parseEnumParam, parseListParams, parseTextParam } from "@/lib/listing";
import { requireArea } from "@/lib/web/session";
import { PageHeader } from "@/components/ui/page-header";
import { FilterBar } from "@/components/data-table/filter-bar";
import { options } from "@/components/data-table/filter-options";
import { IdentitiesTable } from "./_components/identities-table";

export const metadata: Metadata = { title: "Identities" };

const kinds = ["service_account", "api_key", "workload", "ci_job", "ai_agent", "bot"] as const;
const envs = ["dev", "staging", "prod"] as const;
const statuses = ["active", "quarantined", "decommissioned"] as const;

const button = "rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm hover:bg-zinc-50";

export default async function IdentitiesPage({ searchParams }: PageProps<"/identities">) {
  const actor = await requireArea("identities");
  const sp = await searchParams;
  const params = parseListParams(sp, { sortable: identitySortable, defaultSort: "name", defaultDir: "asc" });
  const page = await findIdentities({
    actor,
    params,
    filters: {
      q: parseTextParam(sp, "q"),
      kind: parseEnumParam(sp, "kind", kinds),
      environment: parseEnumParam(sp, "environment", envs),
      status: parseEnumParam(sp, "status", statuses),
      unowned: sp.owner === "none",
      mine: sp.owner === "mine",
      unattested: sp.attestation === "overdue",
      standing: sp.standing === "yes",
    },
  });
  return (
    <>
      <PageHeader
        title="Identities"
        description="The inventory of non-human identities: service accounts, API keys, workloads, CI jobs, AI agents and bots, with their owners."
        actions={
          <>
            {can(actor, "identity:quarantine") ? (
              <Link href="/identities/drift" className={button}>
                Drift
              </Link>
            ) : null}
            {can(actor, "identity:write") ? (
              <Link href="/identities/import" className={button}>
                Import
              </Link>
            ) : null}
          </>
        }
      />
      <FilterBar
        search={{ key: "q", placeholder: "Search name or system" }}
        filters={[
          { key: "kind", label: "Kind", options: options(kinds) },
          { key: "environment", label: "Environment", options: options(envs) },
          { key: "status", label: "Status", options: options(statuses) },
          { key: "owner", label: "Owner", options: [{ value: "mine", label: "mine (me or my teams)" }, { value: "none", label: "unowned" }] },
          { key: "attestation", label: "Attestation", options: [{ value: "overdue", label: `unattested (${UNATTESTED_AFTER_DAYS}+ days)` }] },
          { key: "standing", label: "Standing access", options: [{ value: "yes", label: "has standing privilege" }] },
        ]}
      />
      <IdentitiesTable {...page} sort={params.sort} dir={params.dir} />
    </>
  );
}
