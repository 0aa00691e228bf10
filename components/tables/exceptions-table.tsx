"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, dataTableFeatures } from "@/components/data-table/data-table";
import { StatusBadge } from "@/components/ui/badge";
import { formatDate } from "@/components/ui/format";
import type { ExceptionRow } from "@/lib/exceptions/find-exceptions";
import type { Page } from "@/lib/listing";

const col = createColumnHelper<typeof dataTableFeatures, ExceptionRow>();
const columns = col.columns([
  col.accessor("identity", { header: "Identity", enableSorting: false, cell: (c) => <span className="font-medium">{c.getValue()}</span> }),
  col.accessor("entitlement", { header: "Entitlement", enableSorting: false }),
  col.accessor("riskRating", { header: "Risk", cell: (c) => <StatusBadge value={c.getValue()} /> }),
  col.accessor("status", { header: "Status", cell: (c) => <StatusBadge value={c.getValue()} /> }),
  col.accessor("justification", { header: "Why", enableSorting: false, cell: (c) => <span className="line-clamp-2 max-w-sm text-zinc-600">{c.getValue()}</span> }),
  col.accessor("proposedBy", { header: "Proposed by", enableSorting: false }),
  col.accessor("acceptedBy", { header: "Accepted by", enableSorting: false, cell: (c) => c.getValue() ?? "—" }),
  col.accessor("expiresAt", { header: "Ends", cell: (c) => formatDate(c.getValue() ?? c.row.original.requestedEndAt) }),
]);

export function ExceptionsTable(props: Page<ExceptionRow> & { sort: string; dir: "asc" | "desc" }) {
  return <DataTable {...props} data={props.rows} columns={columns} getRowId={(r) => r.id} empty="No exception matches these filters." caption="Exceptions" />;
}
