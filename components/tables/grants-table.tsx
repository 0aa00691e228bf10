"use client";

import Link from "next/link";
import { createColumnHelper } from "@tanstack/react-table";
import { Countdown } from "@/components/ui/countdown";
import { DataTable, dataTableFeatures } from "@/components/data-table/data-table";
import { Badge, StatusBadge } from "@/components/ui/badge";
import type { GrantRow } from "@/lib/grants/find-grants";
import type { Page } from "@/lib/listing";
import { RevokeRow } from "./revoke-row";
import { Time } from "@/components/ui/time";

const col = createColumnHelper<typeof dataTableFeatures, GrantRow>();
const columns = col.columns([
  col.accessor("identity", {
    header: "Identity",
    enableSorting: false,
    cell: (c) => (
      <Link href={`/grants/${c.row.original.id}`} className="font-medium hover:underline">
        {c.getValue()}
      </Link>
    ),
  }),
  col.accessor("entitlement", { header: "Entitlement", enableSorting: false }),
  col.accessor("issuer", { header: "Issuer", enableSorting: false }),
  col.accessor("environment", { header: "Env", enableSorting: false }),
  col.accessor("status", {
    header: "Status",
    cell: (c) => (
      <div className="flex flex-wrap gap-1">
        <StatusBadge value={c.getValue()} />
        {c.row.original.breakGlass ? <Badge tone="red">break-glass</Badge> : null}
        {c.row.original.standing ? <Badge tone="violet">standing</Badge> : null}
      </div>
    ),
  }),
  col.accessor("issuedAt", { header: "Issued", cell: (c) => <span className="whitespace-nowrap"><Time iso={c.getValue()} /></span> }),
  col.accessor("expiresAt", {
    header: "Ends",
    cell: (c) => (
      <span className="whitespace-nowrap">
        <Time iso={c.getValue()} />
        {c.row.original.status === "active" ? (
          <span className="block text-xs">
            in <Countdown until={c.getValue()} />
          </span>
        ) : null}
      </span>
    ),
  }),
  col.accessor("revokedAt", {
    header: "Revoked",
    enableSorting: false,
    cell: (c) =>
      c.getValue() ? (
        <span className="whitespace-nowrap">
          <Time iso={c.getValue()} /> <span className="text-xs text-zinc-500">({c.row.original.revokeReason?.replaceAll("_", " ")})</span>
        </span>
      ) : (
        "—"
      ),
  }),
  col.accessor("attempts", {
    header: "Attempts",
    cell: (c) =>
      c.row.original.lastError ? (
        <span className="text-red-700" title={c.row.original.lastError}>
          {c.getValue()} · {c.row.original.lastError.slice(0, 60)}
        </span>
      ) : (
        c.getValue()
      ),
  }),
  col.display({
    id: "actions",
    header: "Actions",
    cell: (c) =>
      c.row.original.mayRevoke ? <RevokeRow grantId={c.row.original.id} label={`${c.row.original.entitlement} for ${c.row.original.identity}`} /> : null,
  }),
]);

export function GrantsTable(props: Page<GrantRow> & { sort: string; dir: "asc" | "desc"; empty: string }) {
  return <DataTable {...props} data={props.rows} columns={columns} getRowId={(r) => r.id} caption="Grants" />;
}
