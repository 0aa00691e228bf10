"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTransition } from "react";

export type FilterDef =
  | {
      key: string;
      label: string;
      options: readonly { value: string; label: string }[];
      /** The choice an empty URL means; when set, the list offers no separate "Any" (include it among the options if it exists). */
      fallback?: string;
    }
  | { key: string; label: string; type: "date" };

/** Filters held in the URL; changing one returns to the first page. */
export function FilterBar({ filters, search }: { filters: FilterDef[]; search?: { key: string; placeholder: string } }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete("page");
    startTransition(() => router.push(`${pathname}?${next.toString()}`, { scroll: false }));
  };

  return (
    <div className={`mb-3 flex flex-wrap items-center gap-2 text-sm ${pending ? "opacity-60" : ""}`} role="search">
      {search ? (
        <input
          type="search"
          aria-label={search.placeholder}
          placeholder={search.placeholder}
          defaultValue={params.get(search.key) ?? ""}
          onKeyDown={(e) => {
            if (e.key === "Enter") set(search.key, (e.target as HTMLInputElement).value.trim());
          }}
          className="w-56 max-w-full rounded-md border border-zinc-300 px-2 py-1"
        />
      ) : null}
      {filters.map((f) =>
        "type" in f ? (
          <label key={f.key} className="flex max-w-full items-center gap-1">
            <span className="text-zinc-500">{f.label}</span>
            <input
              type="date"
              name={f.key}
              value={params.get(f.key) ?? ""}
              onChange={(e) => set(f.key, e.target.value)}
              className="min-w-0 rounded-md border border-zinc-300 bg-white px-2 py-1"
            />
          </label>
        ) : (
          <label key={f.key} className="flex max-w-full items-center gap-1">
            <span className="text-zinc-500">{f.label}</span>
            <select
              name={f.key}
              value={params.get(f.key) ?? f.fallback ?? ""}
              onChange={(e) => set(f.key, e.target.value === f.fallback ? "" : e.target.value)}
              className="min-w-0 rounded-md border border-zinc-300 bg-white px-2 py-1"
            >
              {f.fallback === undefined ? <option value="">Any</option> : null}
              {f.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        ),
      )}
    </div>
  );
}
