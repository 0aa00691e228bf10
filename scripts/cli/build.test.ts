import { statSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_TYPES, BUNDLE, bundleCli, generateApiTypes } from "./build";

// The CLI's two generated files are checked in (the bin runs without a build step, and its API
// types are reviewed with the API change that moves them); these fail when either is stale.
const stale = (file: string) => `${file} is out of date: run npm run cli:build and commit the result`;

describe("the CLI's generated files", () => {
  it("api-types.ts is what openapi-typescript makes of the served OpenAPI document", async () => {
    expect(readFileSync(API_TYPES, "utf8") === (await generateApiTypes()), stale("scripts/cli/api-types.ts")).toBe(true);
  }, 30_000);

  it("hourglass.mjs is the bundle of scripts/cli/*.ts, executable, with Node.js built-ins only", async () => {
    const bundle = readFileSync(BUNDLE, "utf8");
    expect(bundle === (await bundleCli()), stale("scripts/cli/hourglass.mjs")).toBe(true);
    expect(bundle.startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(statSync(BUNDLE).mode & 0o111).toBe(0o111);
    const imports = [...bundle.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((i) => !i.startsWith("node:"))).toEqual([]);
  }, 30_000);
});
