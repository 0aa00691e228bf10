import { z } from "zod";
import { AppError } from "../errors";

// The range and breakdown every metric follows, parsed from the page's URL or the API's query.

export const BREAKDOWNS = ["none", "environment", "identityKind", "riskTier", "issuer", "team"] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];
export const PRESETS = { "24h": 86400_000, "7d": 7 * 86400_000, "30d": 30 * 86400_000, "90d": 90 * 86400_000 } as const;
export type Preset = keyof typeof PRESETS;

export type MetricsRange = { from: Date; to: Date; by: Breakdown; bucket: "hour" | "day" };

const MAX_RANGE_MS = 400 * 86400_000;

const querySchema = z
  .object({
    range: z.enum(Object.keys(PRESETS) as [Preset, ...Preset[]]).optional(),
    from: z.iso.datetime({ offset: true, local: true }).optional(),
    to: z.iso.datetime({ offset: true, local: true }).optional(),
    by: z.enum(BREAKDOWNS).optional(),
  })
  .strict();

/** A time without an offset (the page's custom range) is read as UTC. */
const utc = (v: string) => new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(v) ? v : `${v}Z`);

/** Parses `range` (a preset) or `from`/`to` (ISO 8601) and `by`; defaults to the last 30 days, no breakdown. */
export function parseMetricsRange(input: Record<string, string | undefined>, now = new Date()): MetricsRange {
  const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = querySchema.safeParse(clean);
  if (!parsed.success) throw new AppError("bad_request", `Bad metrics query: ${parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; ")}`);
  const q = parsed.data;
  const to = q.to ? utc(q.to) : now;
  const from = q.from ? utc(q.from) : new Date(to.getTime() - PRESETS[q.range ?? "30d"]);
  if (!(from < to)) throw new AppError("bad_request", "`from` must be before `to`");
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new AppError("bad_request", "A range may span at most 400 days");
  const bucket = to.getTime() - from.getTime() <= 2 * 86400_000 ? "hour" : "day";
  return { from, to, by: q.by ?? "none", bucket };
}
