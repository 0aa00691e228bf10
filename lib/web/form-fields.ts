import { z } from "zod";

/**
 * A form's fields as a plain object: one value → a string, a repeated name → an array. Not a
 * FormData at all (a crafted call) → the value itself, which the strict schema then refuses.
 * React's own bookkeeping fields (`$ACTION_…`) are not the user's input.
 */
export function formFields(form: unknown): unknown {
  if (!(form instanceof FormData)) return form;
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of form.entries()) {
    if (key.startsWith("$ACTION")) continue;
    const v = typeof value === "string" ? value : "";
    const prev = out[key];
    out[key] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return { ...out };
}

// Field types for form schemas: every form value arrives as text.
export const field = {
  /** A text field (absent = ""). */
  text: (max = 2000) => z.preprocess((v) => (v === undefined ? "" : v), z.string().max(max)),
  /** A text field that is left out when empty. */
  optionalText: (max = 2000) => z.preprocess((v) => (v === undefined || v === "" ? undefined : v), z.string().max(max).optional()),
  /** A checkbox: present ("on") or absent. */
  checkbox: () => z.preprocess((v) => v === "on" || v === "true", z.boolean()),
  /** A repeated field (checkboxes with one name): none, one or many values. */
  many: (max = 200) => z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().max(max)).max(100)),
  /** An object id sent by the page (a hidden field). */
  id: () => z.string().uuid("Unknown object"),
};
