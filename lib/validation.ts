import { z } from "zod";
import { AppError } from "./errors";

/** Validates input at a boundary; a failure becomes a 400 with one message per field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path.join(".") || "_";
      fields[key] ??= issue.message;
    }
    const summary = Object.entries(fields)
      .map(([k, m]) => (k === "_" ? m : `${k}: ${m}`))
      .join("; ");
    throw new AppError("validation_failed", summary || "Invalid input", { fields });
  }
  return parsed.data;
}

/**
 * Whether a value (parsed JSON, form fields) has a NUL character in any string or key. PostgreSQL
 * text cannot hold one, so such input is refused before it reaches a query. Walked without
 * recursion: a deeply nested body cannot exhaust the stack.
 */
export function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (v.includes("\u0000")) return true;
    } else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes("\u0000")) return true;
        stack.push(x);
      }
    }
  }
  return false;
}

const isoDuration = /^P(?!$)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Parses an ISO 8601 duration with days, hours, minutes, seconds (`PT15M`, `P1DT2H`) into seconds. */
export function parseDuration(value: string): number | null {
  const m = isoDuration.exec(value.trim().toUpperCase());
  if (!m) return null;
  const [, d, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  const total = d * 86400 + h * 3600 + min * 60 + s;
  return total > 0 ? total : null;
}

export function formatDuration(seconds: number): string {
  if (seconds <= 0) return "PT0S";
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const time = `${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s ? `${s}S` : ""}`;
  return `P${d ? `${d}D` : ""}${time ? `T${time}` : ""}`;
}

/** A duration as a person says it: "42 s", "25 min", "2 h 5 min", "11 days 23 h". */
export function humanDuration(seconds: number): string {
  const abs = Math.abs(Math.round(seconds));
  if (abs < 60) return `${abs} s`;
  const d = Math.floor(abs / 86400);
  const h = Math.floor((abs % 86400) / 3600);
  const m = Math.floor((abs % 3600) / 60);
  if (d) return `${d} ${d === 1 ? "day" : "days"}${h ? ` ${h} h` : ""}`;
  if (h) return m ? `${h} h ${m} min` : `${h} h`;
  return `${m} min`;
}

export const zDuration = z.string().transform((v, ctx) => {
  const s = parseDuration(v);
  if (s === null) {
    ctx.addIssue({ code: "custom", message: `"${v}" is not an ISO 8601 duration such as PT15M` });
    return z.NEVER;
  }
  return s;
});

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a reference is a UUID (an id) rather than a name. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
