import { z } from "zod";

// Server-side paging, sorting and filtering parameters, read from a URL's search params.

export type SearchParams = Record<string, string | string[] | undefined>;

export type ListParams<S extends string> = {
  page: number;
  size: number;
  sort: S;
  dir: "asc" | "desc";
};

export const pageSizes = [25, 50, 100] as const;

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Bad values fall back to defaults: a mistyped URL shows the first page, never an error page. */
export function parseListParams<S extends string>(
  params: SearchParams,
  opts: { sortable: readonly S[]; defaultSort: S; defaultDir?: "asc" | "desc" },
): ListParams<S> {
  const page = z.coerce.number().int().min(1).max(1_000_000).catch(1).parse(first(params.page) ?? 1);
  const size = z.coerce
    .number()
    .int()
    .refine((n) => (pageSizes as readonly number[]).includes(n))
    .catch(pageSizes[0])
    .parse(first(params.size) ?? pageSizes[0]);
  const sortRaw = first(params.sort);
  const sort = (opts.sortable as readonly string[]).includes(sortRaw ?? "") ? (sortRaw as S) : opts.defaultSort;
  const dirRaw = first(params.dir);
  const dir = dirRaw === "asc" || dirRaw === "desc" ? dirRaw : (opts.defaultDir ?? "desc");
  return { page, size, sort, dir };
}

/** One filter value from the URL, accepted only if it is one of `allowed`. */
export function parseEnumParam<T extends string>(params: SearchParams, key: string, allowed: readonly T[]): T | undefined {
  const v = first(params[key]);
  return v && (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
}

export function parseTextParam(params: SearchParams, key: string, max = 200): string | undefined {
  // NUL cannot be stored or searched for in PostgreSQL text; a filter with one is a filter without it.
  const v = first(params[key])?.replaceAll("\u0000", "").trim();
  return v ? v.slice(0, max) : undefined;
}

const MAX_SEQ = BigInt("9223372036854775807");

/** A keyset cursor over a bigint sequence (audit events): digits within PostgreSQL's bigint, else none. */
export function parseSeqCursor(raw: string | undefined): bigint | undefined {
  if (!raw || !/^\d{1,19}$/.test(raw)) return undefined;
  const n = BigInt(raw);
  return n <= MAX_SEQ ? n : undefined;
}

export type Page<T> = { rows: T[]; total: number; page: number; size: number };

/** Prisma's orderBy for one column; nullable columns put empty values last whatever the direction. */
export function sortBy(field: string, dir: "asc" | "desc", nullable: readonly string[] = []) {
  return { [field]: nullable.includes(field) ? { sort: dir, nulls: "last" as const } : dir };
}
