"use client";

import {
  functionalUpdate,
  rowPaginationFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnDef,
  type RowData,
} from "@tanstack/react-table";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTransition } from "react";
import { pageSizes } from "@/lib/listing";

/** The column's name before each value of a card row (a pseudo-element: not part of the cell's text). */
const cardLabel = "max-sm:before:w-24 max-sm:before:shrink-0 max-sm:before:pt-0.5 max-sm:before:text-xs max-sm:before:uppercase max-sm:before:tracking-wide max-sm:before:text-zinc-500 max-sm:before:content-[attr(data-label)]";

export const dataTableFeatures = tableFeatures({ rowSortingFeature, rowPaginationFeature });
export type DataTableFeatures = typeof dataTableFeatures;

type Props<Row extends RowData> = {
  columns: ColumnDef<DataTableFeatures, Row, any>[];
  data: Row[];
  total: number;
  page: number;
  size: number;
  sort: string;
  dir: "asc" | "desc";
  getRowId: (row: Row) => string;
  empty: string;
  caption?: string;
  /** Row selection for bulk actions (ids of the current page). */
  selection?: { selected: ReadonlySet<string>; onChange: (next: Set<string>) => void };
  /** The keyboard cursor: this row is highlighted and scrolled into view. */
  activeId?: string | null;
  onRowClick?: (row: Row) => void;
};

/**
 * The one table of the dashboard. The server pages, sorts and filters; this component renders one
 * page and writes sorting and paging to the URL, so a view can be shared and reloaded.
 */
export function DataTable<Row extends RowData>({ columns, data, total, page, size, sort, dir, getRowId, empty, caption, selection, activeId, onRowClick }: Props<Row>) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const [pending, startTransition] = useTransition();

  const navigate = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(search.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    startTransition(() => router.push(`${pathname}?${next.toString()}`, { scroll: false }));
  };

  const sorting = [{ id: sort, desc: dir === "desc" }];
  const pagination = { pageIndex: page - 1, pageSize: size };
  const pageCount = Math.max(1, Math.ceil(total / size));

  const table = useTable({
    features: dataTableFeatures,
    columns,
    data,
    getRowId: (row) => getRowId(row),
    manualSorting: true,
    manualPagination: true,
    rowCount: total,
    enableSortingRemoval: false,
    state: { sorting, pagination },
    onSortingChange: (updater) => {
      const s = functionalUpdate(updater, sorting)[0];
      if (s) navigate({ sort: s.id, dir: s.desc ? "desc" : "asc", page: null });
    },
    onPaginationChange: (updater) => {
      const p = functionalUpdate(updater, pagination);
      navigate({ page: String(p.pageIndex + 1), size: String(p.pageSize) });
    },
  });

  return (
    <div className={`rounded-lg border border-zinc-200 bg-white transition-opacity ${pending ? "opacity-60" : ""}`}>
      {/* Below the sm breakpoint each row is a card (label: value lines) and the header keeps only
          the sort buttons, so a phone never scrolls sideways; relative keeps the sr-only caption
          inside the scroll box instead of widening the page. */}
      <div className="relative overflow-x-auto">
        <table className="w-full text-left text-sm max-sm:block">
          {caption ? <caption className="sr-only">{caption}</caption> : null}
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500 max-sm:block">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id} className="max-sm:flex max-sm:flex-wrap max-sm:items-center">
                {selection ? (
                  <th scope="col" className="w-8 px-3 py-2 max-sm:order-last max-sm:ml-auto max-sm:w-auto">
                    <input
                      type="checkbox"
                      aria-label="Select all on this page"
                      checked={data.length > 0 && data.every((r) => selection.selected.has(getRowId(r)))}
                      onChange={(e) => selection.onChange(e.target.checked ? new Set(data.map(getRowId)) : new Set())}
                    />
                  </th>
                ) : null}
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const canSort = header.column.getCanSort();
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      className={`px-3 py-2 font-medium ${canSort ? "max-sm:px-2" : "max-sm:hidden"}`}
                      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                    >
                      {header.isPlaceholder ? null : canSort ? (
                        <button
                          type="button"
                          onClick={header.column.getToggleSortingHandler()}
                          className="inline-flex items-center gap-1 uppercase hover:text-zinc-900"
                        >
                          <table.FlexRender header={header} />
                          <span aria-hidden className="text-[10px]">
                            {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                          </span>
                        </button>
                      ) : (
                        <table.FlexRender header={header} />
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody className="divide-y divide-zinc-100 max-sm:block">
            {table.getRowModel().rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length + (selection ? 1 : 0)} className="px-3 py-10 text-center text-zinc-500 max-sm:block">
                  {empty}
                </td>
              </tr>
            ) : (
              table.getRowModel().rows.map((row) => (
                <tr
                  key={row.id}
                  data-row-id={row.id}
                  aria-selected={activeId === row.id ? true : undefined}
                  onClick={onRowClick ? () => onRowClick(row.original) : undefined}
                  ref={activeId === row.id ? (el) => el?.scrollIntoView({ block: "nearest" }) : undefined}
                  className={`${activeId === row.id ? "bg-sky-50 outline outline-2 -outline-offset-2 outline-sky-400" : "hover:bg-zinc-50"} ${onRowClick ? "cursor-pointer" : ""} max-sm:relative max-sm:block max-sm:py-2 ${selection ? "max-sm:pr-10" : ""}`}
                >
                  {selection ? (
                    <td className="px-3 py-2 align-top max-sm:absolute max-sm:right-0 max-sm:top-0 max-sm:p-3" onClick={(e) => e.stopPropagation()}>
                      <input
                        type="checkbox"
                        aria-label="Select row"
                        className="max-sm:h-5 max-sm:w-5"
                        checked={selection.selected.has(row.id)}
                        onChange={(e) => {
                          const next = new Set(selection.selected);
                          if (e.target.checked) next.add(row.id);
                          else next.delete(row.id);
                          selection.onChange(next);
                        }}
                      />
                    </td>
                  ) : null}
                  {row.getAllCells().map((cell) => {
                    const label = cell.column.columnDef.header;
                    return (
                      <td
                        key={cell.id}
                        data-label={typeof label === "string" ? label : undefined}
                        className={`px-3 py-2 align-top max-sm:flex max-sm:min-w-0 max-sm:gap-3 max-sm:py-1 ${typeof label === "string" && label ? cardLabel : ""}`}
                      >
                        <table.FlexRender cell={cell} />
                      </td>
                    );
                  })}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 border-t border-zinc-200 px-3 py-2 text-sm text-zinc-600">
        <span>
          {total === 0 ? "No rows" : `${(page - 1) * size + 1}–${Math.min(page * size, total)} of ${total.toLocaleString("en")}`}
        </span>
        <div className="flex items-center gap-2">
          <label className="flex items-center gap-1">
            <span className="sr-only">Rows per page</span>
            <select
              value={size}
              onChange={(e) => navigate({ size: e.target.value, page: null })}
              className="rounded border border-zinc-300 px-1 py-0.5"
            >
              {pageSizes.map((n) => (
                <option key={n} value={n}>
                  {n} / page
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="rounded border border-zinc-300 px-2 py-0.5 disabled:opacity-40 max-sm:px-3 max-sm:py-1.5"
            disabled={page <= 1}
            onClick={() => table.previousPage()}
          >
            Previous
          </button>
          <span>
            Page {page} of {pageCount}
          </span>
          <button
            type="button"
            className="rounded border border-zinc-300 px-2 py-0.5 disabled:opacity-40 max-sm:px-3 max-sm:py-1.5"
            disabled={page >= pageCount}
            onClick={() => table.nextPage()}
          >
            Next
          </button>
        </div>
      </div>
    </div>
  );
}
