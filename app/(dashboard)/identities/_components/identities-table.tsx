"use client";

import Link from "next/link";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, dataTableFeatures } from "@/components/data-table/data-table";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { formatDate } from "@/components/ui/format";
import type { IdentityRow } from "@/lib/identities/find-identities";
import type { Page } from "@/lib/listing";

const col = createColumnHelper<typeof dataTableFeatures, IdentityRow>();
const columns = col.columns([
  col.accessor("name", {
    header: "Name",
    cell: (c) => (
      <Link href={`/identities/${c.row.original.id}`} className="font-medium hover:underline">
        {c.getValue()}
      </Link>
    ),
  }),
  col.accessor("kind", { header: "Kind", cell: (c) => c.getValue().replaceAll("_", " ") }),
  col.accessor("environment", { header: "Env", cell: (c) => <StatusBadge value={c.getValue()} /> }),
  col.accessor("system", { header: "System", enableSorting: false }),
  col.accessor("owner", { header: "Owner", enableSorting: false, cell: (c) => c.getValue() ?? <span className="text-red-700">unowned</span> }),
  col.accessor("status", { header: "Status", cell: (c) => <StatusBadge value={c.getValue()} /> }),
  col.accessor("lastAttestedAt", {
    header: "Last attested",
    cell: (c) => <span className={c.row.original.attestationOverdue ? "text-amber-800" : undefined}>{c.getValue() ? formatDate(c.getValue()) : "never"}</span>,
  }),
  col.accessor("activeGrants", { header: "Grants", enableSorting: false }),
  col.accessor("openExceptions", {
    header: "Exceptions",
    enableSorting: false,
    cell: (c) => (
      <span className="inline-flex items-center gap-1">
        {c.getValue()}
        {c.row.original.standing ? <Badge tone="violet">standing</Badge> : null}
      </span>
    ),
  }),
]);

export function IdentitiesTable(props: Page<IdentityRow> & { sort: string; dir: "asc" | "desc" }) {
  return <DataTable {...props} data={props.rows} columns={columns} getRowId={(r) => r.id} empty="No identity matches these filters." caption="Identities" />;
}
