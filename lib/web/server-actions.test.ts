import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formFields } from "./form-fields";

// Server actions are public endpoints. Each is built by objectAction or formAction, which parse
// the browser's input with a strict schema and pass the actor apart from it; these checks keep it so.

const root = path.resolve(import.meta.dirname, "../..");

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}

const appFiles = walk(path.join(root, "app"));
const serverFiles = appFiles.filter((f) => /^\s*["']use server["']/.test(readFileSync(f, "utf8")));
// Signing in and out has no signed-in actor; those take only what Auth.js needs.
const signInFiles = new Set([path.join(root, "app/(auth)/sign-in/actions.ts"), path.join(root, "app/(dashboard)/actions.ts")]);

describe("server actions", () => {
  it("are all built by objectAction or formAction", () => {
    expect(serverFiles.length).toBeGreaterThan(8);
    const offenders: string[] = [];
    for (const file of serverFiles.filter((f) => !signInFiles.has(f))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/^export\s+(async\s+function|function|const|let)\s+(\w+)(.*)$/gm)) {
        const built = m[1] === "const" && /^\s*=\s*(objectAction|formAction)\(/.test(m[3]);
        if (!built) offenders.push(`${path.relative(root, file)}: ${m[2]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("never spread input over the actor in a call (app/ and lib/)", () => {
    // `fn({ actor, ...input })` lets a key `actor` in input replace it. A declaration that
    // destructures its parameter (`({ actor, ...raw }: {…})`) is not a call and is fine.
    const call = /\{\s*actor(\s*:\s*[\w.]+)?\s*,\s*\.\.\.[\w.()]+\s*\}(?!\s*:)/;
    const files = [...appFiles, ...walk(path.join(root, "lib")).filter((f) => !/\.test\.ts$/.test(f) && !f.includes("/generated/"))];
    const offenders = files.filter((f) => call.test(readFileSync(f, "utf8")));
    expect(offenders.map((f) => path.relative(root, f))).toEqual([]);
  });
});

describe("formFields", () => {
  it("turns a form into a plain object, repeated names into arrays, and drops React's own fields", () => {
    const f = new FormData();
    f.append("name", "a");
    f.append("roles", "admin");
    f.append("roles", "owner");
    f.append("$ACTION_ID_abc", "");
    expect(formFields(f)).toEqual({ name: "a", roles: ["admin", "owner"] });
  });

  it("keeps a prototype key as an own key, so a strict schema refuses it", () => {
    const f = new FormData();
    f.append("__proto__", "{}");
    const fields = formFields(f) as Record<string, unknown>;
    expect(Object.keys(fields)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(z.strictObject({}).safeParse(fields).success).toBe(false);
  });

  it("passes anything that is not a form through, for the schema to refuse", () => {
    expect(formFields({ actor: "x" })).toEqual({ actor: "x" });
    expect(formFields("x")).toBe("x");
  });
});
