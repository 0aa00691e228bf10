"use client";

import Link from "next/link";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, dataTableFeatures } from "@/components/data-table/data-table";
import { Badge, StatusBadge } from "@/components/ui/badge";
import type { ExceptionRow } from "@/lib/exceptions/find-exceptions";
import type { Page } from "@/lib/listing";
import { Time } from "@/components/ui/time";

const col = createColumnHelper<typeof dataTableFeatures, ExceptionRow>();
const columns = col.columns([
  col.accessor("identity", {
    header: "Identity",
    enableSorting: false,
    cell: (c) => (
      <Link href={`/exceptions/${c.row.original.id}`} className="font-medium hover:underline">
        {c.getValue()}
      </Link>
    ),
  }),
  col.accessor("entitlement", { header: "Entitlement", enableSorting: false }),
  col.accessor("riskRating", { header: "Risk", cell: (c) => <StatusBadge value={c.getValue()} /> }),
  col.accessor("status", {
    header: "Status",
    cell: (c) => (
      <div className="flex flex-wrap gap-1">
        <StatusBadge value={c.getValue()} />
        {c.row.original.renewal ? <Badge tone="violet">renewal</Badge> : null}
      </div>
    ),
  }),
  col.accessor("grantStatus", {
    header: "Standing grant",
    enableSorting: false,
    cell: (c) =>
      c.getValue() ? (
        <div className="space-y-0.5">
          <StatusBadge value={c.getValue()!} />
          {c.row.original.grantError ? (
            <span className="block max-w-xs text-xs text-red-700" data-testid="exception-grant-error">
              {c.row.original.grantError}
            </span>
          ) : null}
        </div>
      ) : (
        "—"
      ),
  }),
  col.accessor("justification", { header: "Why", enableSorting: false, cell: (c) => <span className="line-clamp-2 max-w-sm text-zinc-600">{c.getValue()}</span> }),
  col.accessor("proposedBy", { header: "Proposed by", enableSorting: false }),
  col.accessor("acceptedBy", { header: "Accepted by", enableSorting: false, cell: (c) => c.getValue() ?? "—" }),
  col.accessor("expiresAt", {
    header: "Ends",
    cell: (c) => <span className="whitespace-nowrap"><Time iso={c.getValue() ?? c.row.original.requestedEndAt} /></span>,
  }),
]);

export function ExceptionsTable(props: Page<ExceptionRow> & { sort: string; dir: "asc" | "desc"; empty?: string }) {
  return (
    <DataTable
      {...props}
      data={props.rows}
      columns={columns}
      getRowId={(r) => r.id}
      empty={props.empty ?? "No exception matches these filters."}
      caption="Exceptions"
    />
  );
}
