import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const inputs = ["app", "components", "lib", "public", "proxy.ts", "instrumentation.ts", "next.config.ts", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];
const skip = new Set(["generated", "node_modules", ".next"]);

/** Names, sizes and modification times of everything a production build reads. */
export function buildFingerprint(root: string): string {
  const hash = createHash("sha256");
  const walk = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!skip.has(name) && !name.endsWith(".test.ts")) walk(path.join(p, name));
    } else {
      hash.update(`${path.relative(root, p)}:${st.size}:${st.mtimeMs}\n`);
    }
  };
  for (const i of inputs) walk(path.join(root, i));
  return hash.digest("hex");
}
