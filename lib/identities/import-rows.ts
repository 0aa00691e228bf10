import { z } from "zod";
import { parseCsv } from "./parse-csv";

// Reading an import file (CSV or JSON) into raw rows, and the rules every row must meet. Pure: no
// database here, so the unit tests cover it whole. Resolving owners and existing names, and
// writing, is import-identities.ts.

export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 5000;
/** At most this many problems are listed; the count says how many there were in all. */
export const MAX_LISTED_ISSUES = 500;

export const importColumns = [
  "name",
  "kind",
  "environment",
  "system",
  "criticality",
  "owner",
  "description",
  "workloadIssuer",
  "workloadSubject",
  "spiffeId",
] as const;
export type ImportColumn = (typeof importColumns)[number];
export const requiredColumns: readonly ImportColumn[] = ["name", "kind", "environment", "system"];

export const identityKinds = ["service_account", "api_key", "workload", "ci_job", "ai_agent", "bot"] as const;
export const environments = ["dev", "staging", "prod"] as const;
export const criticalities = ["low", "medium", "high", "critical"] as const;

/** Where a problem is: a CSV line (the header is line 1) or a JSON item (0-based index). */
export type ImportIssue = { line?: number; index?: number; field?: string; message: string; text: string };

export function issue(at: { line?: number; index?: number }, field: string | undefined, message: string): ImportIssue {
  const where = at.line !== undefined ? `Line ${at.line}` : at.index !== undefined ? `Item [${at.index}]` : "File";
  return { ...at, ...(field ? { field } : {}), message, text: `${where}${field ? `, ${field}` : ""}: ${message}` };
}

/**
 * One row as read from the file. A value is undefined when its column is absent (left alone on
 * update) and null when the cell is empty (cleared on update).
 */
export type RawRow = { line?: number; index?: number; values: Partial<Record<ImportColumn, string | null>> };

const columnKey = (s: string) => s.trim().toLowerCase().replace(/[\s_-]/g, "");
const columnsByKey = new Map(importColumns.map((c) => [columnKey(c), c]));

/** Reads a CSV file: a header row naming the columns, then one identity per row. */
export function readCsvRows(content: string): { rows: RawRow[]; issues: ImportIssue[] } {
  const { records, errors } = parseCsv(content);
  const issues = errors.map((e) => issue({ line: e.line }, undefined, e.message));
  const [header, ...data] = records;
  if (!header) {
    if (!issues.length) issues.push(issue({}, undefined, `The file is empty; the first line must name the columns (${requiredColumns.join(", ")}, ...)`));
    return { rows: [], issues };
  }
  const columns: (ImportColumn | null)[] = [];
  const seen = new Set<ImportColumn>();
  for (const raw of header.fields) {
    const column = columnsByKey.get(columnKey(raw)) ?? null;
    if (!column) {
      const shown = raw.trim() || "(empty)";
      issues.push(issue({ line: header.line }, shown, `unknown column "${shown}"; the columns are ${importColumns.join(", ")}`));
    } else if (seen.has(column)) {
      issues.push(issue({ line: header.line }, column, "this column appears twice"));
    } else {
      seen.add(column);
    }
    columns.push(column);
  }
  const missing = requiredColumns.filter((c) => !seen.has(c));
  if (missing.length) {
    issues.push(
      issue(
        { line: header.line },
        undefined,
        seen.size === 0
          ? `the first line must be a header naming the columns (${requiredColumns.join(", ")}, ...)`
          : `missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`,
      ),
    );
  }
  // With a broken header, the rows cannot be read reliably.
  if (issues.some((i) => i.line === header.line)) return { rows: [], issues };

  const rows: RawRow[] = [];
  for (const record of data) {
    if (record.fields.length !== columns.length) {
      issues.push(issue({ line: record.line }, undefined, `has ${record.fields.length} values but the header has ${columns.length} columns`));
      continue;
    }
    const values: RawRow["values"] = {};
    record.fields.forEach((v, i) => {
      const column = columns[i]!;
      values[column] = v.trim() === "" ? null : v;
    });
    rows.push({ line: record.line, values });
  }
  return { rows, issues };
}

/** Reads a JSON file: an array of objects, or {"identities": [...]}. */
export function readJsonRows(content: string): { rows: RawRow[]; issues: ImportIssue[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(content.charCodeAt(0) === 0xfeff ? content.slice(1) : content);
  } catch (e) {
    return { rows: [], issues: [issue({}, undefined, `not valid JSON (${(e as Error).message})`)] };
  }
  const items = Array.isArray(doc) ? doc : doc && typeof doc === "object" && Array.isArray((doc as { identities?: unknown }).identities) ? (doc as { identities: unknown[] }).identities : null;
  if (!items) return { rows: [], issues: [issue({}, undefined, 'expected an array of identities, or an object {"identities": [...]}')] };
  const rows: RawRow[] = [];
  const issues: ImportIssue[] = [];
  items.forEach((item, index) => {
    if (!item || typeof item !== "object" || Array.isArray(item)) {
      issues.push(issue({ index }, undefined, "each item must be an object"));
      return;
    }
    const values: RawRow["values"] = {};
    let ok = true;
    for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
      if (!(importColumns as readonly string[]).includes(key)) {
        issues.push(issue({ index }, key, `unknown field "${key}"; the fields are ${importColumns.join(", ")}`));
        ok = false;
        continue;
      }
      if (value !== null && typeof value !== "string") {
        issues.push(issue({ index }, key, `must be a string${key === "owner" ? " (a user's email or a team's name)" : ""}`));
        ok = false;
        continue;
      }
      values[key as ImportColumn] = value === null || value.trim() === "" ? null : value;
    }
    if (ok) rows.push({ index, values });
  });
  return { rows, issues };
}

// ---------------------------------------------------------------------------------------------
// Row rules

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/;
const SPIFFE = /^spiffe:\/\/[a-z0-9.-]+(\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?$/;

const normalisedEnum = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z
    .string()
    .transform((v) => v.trim().toLowerCase().replace(/[\s-]+/g, "_"))
    .pipe(z.enum(values, { error: (iss) => `unknown ${what} "${String(iss.input)}"; use one of ${values.join(", ")}` }));

const required = <T extends z.ZodType<unknown, string>>(schema: T) => z.string({ error: "is required" }).pipe(schema);
const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === "https:" || u.protocol === "http:") && !!u.hostname;
  } catch {
    return false;
  }
}

/** A row's values once validated. Optional fields: undefined = column absent, null = empty. */
export const importRowSchema = z
  .object({
    name: required(text(120).min(1, "is required").regex(NAME, "may contain letters, digits and . _ - : @ /, and must start with a letter or digit")),
    kind: required(normalisedEnum(identityKinds, "kind")),
    environment: required(normalisedEnum(environments, "environment")),
    system: required(text(120).min(1, "is required")),
    criticality: normalisedEnum(criticalities, "criticality").nullish(),
    owner: text(320).nullish(),
    description: text(2000).nullish(),
    workloadIssuer: text(500).refine(isHttpUrl, "must be an https:// URL (the OIDC issuer)").nullish(),
    workloadSubject: text(500).nullish(),
    spiffeId: text(2048).regex(SPIFFE, "must be a SPIFFE ID such as spiffe://example.org/ns/prod/sa/billing").nullish(),
  })
  .superRefine((row, ctx) => {
    if (row.workloadIssuer && !row.workloadSubject) ctx.addIssue({ code: "custom", path: ["workloadSubject"], message: "is required with workloadIssuer" });
    if (row.workloadSubject && !row.workloadIssuer) ctx.addIssue({ code: "custom", path: ["workloadIssuer"], message: "is required with workloadSubject" });
  });
export type ImportRow = z.output<typeof importRowSchema>;

/** Validates one raw row: every problem of the row, each with its field. */
export function validateRow(row: RawRow): { value?: ImportRow; issues: ImportIssue[] } {
  const parsed = importRowSchema.safeParse(row.values);
  const at = row.line !== undefined ? { line: row.line } : { index: row.index };
  if (parsed.success) return { value: parsed.data, issues: [] };
  const seen = new Set<string>();
  const issues: ImportIssue[] = [];
  for (const i of parsed.error.issues) {
    const field = i.path.map(String).join(".") || undefined;
    const key = field ?? "";
    if (seen.has(key)) continue; // one message per field is enough
    seen.add(key);
    issues.push(issue(at, field, i.message));
  }
  return { issues };
}
