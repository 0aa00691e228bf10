import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// React resets a form submitted through `<form action={…}>` once its action settles, refusal or
// not; every dashboard form is sent through useKeptForm instead, so what the user typed survives.

const root = path.resolve(import.meta.dirname, "../..");
const allowed = new Set([
  // The password form keeps its email in the action's state; the verify button has no fields.
  "app/(auth)/sign-in/_components/password-form.tsx",
  "app/(dashboard)/audit/_components/verify-button.tsx",
]);

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (p.endsWith(".tsx")) out.push(p);
  }
  return out;
}

describe("dashboard forms", () => {
  it("are submitted through useKeptForm, never a form action that React resets", () => {
    const offenders = files(path.join(root, "app"))
      .map((f) => path.relative(root, f))
      .filter((f) => !allowed.has(f) && /useActionState\s*</.test(readFileSync(path.join(root, f), "utf8")));
    expect(offenders).toEqual([]);
  });
});
