"use client";

import Link from "next/link";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable, dataTableFeatures } from "@/components/data-table/data-table";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { humanDuration } from "@/lib/validation";
import type { RequestRow } from "@/lib/requests/find-requests";
import type { Page } from "@/lib/listing";
import { Time } from "@/components/ui/time";

const col = createColumnHelper<typeof dataTableFeatures, RequestRow>();
const columns = col.columns([
  col.accessor("createdAt", { header: "Requested", cell: (c) => <span className="whitespace-nowrap"><Time iso={c.getValue()} /></span> }),
  col.accessor("identity", {
    header: "Identity",
    enableSorting: false,
    cell: (c) => (
      <div>
        <Link href={`/requests/${c.row.original.id}`} className="font-medium hover:underline">
          {c.getValue()}
        </Link>
        <div className="text-xs text-zinc-500">{c.row.original.identityKind.replaceAll("_", " ")}</div>
      </div>
    ),
  }),
  col.accessor("entitlement", { header: "Entitlement", enableSorting: false }),
  col.accessor("environment", { header: "Env", cell: (c) => <StatusBadge value={c.getValue()} /> }),
  col.accessor("riskTier", { header: "Risk", cell: (c) => <StatusBadge value={c.getValue()} /> }),
  col.accessor("durationSec", { header: "For", cell: (c) => humanDuration(c.getValue()) }),
  col.accessor("requester", { header: "By", enableSorting: false }),
  col.accessor("justification", {
    header: "Justification",
    enableSorting: false,
    cell: (c) => <span className="line-clamp-2 max-w-xs text-zinc-600">{c.getValue()}</span>,
  }),
  col.accessor("status", {
    header: "Status",
    cell: (c) => (
      <div className="flex flex-wrap gap-1">
        <StatusBadge value={c.getValue()} />
        {c.row.original.breakGlass ? <Badge tone="red">break-glass</Badge> : null}
        {c.getValue() === "pending" ? (
          <Badge>
            {c.row.original.approvals}/{c.row.original.approvalsRequired} approvals
          </Badge>
        ) : null}
      </div>
    ),
  }),
]);

export function RequestsTable(props: Page<RequestRow> & { sort: string; dir: "asc" | "desc"; empty: string }) {
  return <DataTable {...props} data={props.rows} columns={columns} getRowId={(r) => r.id} caption="Access requests" />;
}
