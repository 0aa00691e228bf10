"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, dataTableFeatures } from "@/components/data-table/data-table";
import { StatusBadge } from "@/components/ui/badge";
import { formatDate } from "@/components/ui/format";
import type { IdentityRow } from "@/lib/identities/find-identities";
import type { Page } from "@/lib/listing";

const col = createColumnHelper<typeof dataTableFeatures, IdentityRow>();
const columns = col.columns([
  col.accessor("name", { header: "Name", cell: (c) => <span className="font-medium">{c.getValue()}</span> }),
  col.accessor("kind", { header: "Kind", cell: (c) => c.getValue().replaceAll("_", " ") }),
  col.accessor("environment", { header: "Env", cell: (c) => <StatusBadge value={c.getValue()} /> }),
  col.accessor("system", { header: "System", enableSorting: false }),
  col.accessor("owner", { header: "Owner", enableSorting: false, cell: (c) => c.getValue() ?? <span className="text-red-700">unowned</span> }),
  col.accessor("status", { header: "Status", cell: (c) => <StatusBadge value={c.getValue()} /> }),
  col.accessor("lastAttestedAt", { header: "Last attested", cell: (c) => formatDate(c.getValue()) }),
  col.accessor("activeGrants", { header: "Grants", enableSorting: false }),
  col.accessor("openExceptions", { header: "Exceptions", enableSorting: false }),
]);

export function IdentitiesTable(props: Page<IdentityRow> & { sort: string; dir: "asc" | "desc" }) {
  return <DataTable {...props} data={props.rows} columns={columns} getRowId={(r) => r.id} empty="No identity matches these filters." caption="Identities" />;
}
