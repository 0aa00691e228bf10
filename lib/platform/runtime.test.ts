import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// `npm ci` installs Node.js 24 from the registry (the `node` package) as node_modules/.bin/node,
// which npm puts first on PATH for every script. These fail when a script runs on another Node,
// e.g. the system's Node 20 because a tool was started outside npm.

const root = path.resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};

describe("the Node.js the scripts run on", () => {
  it("is Node 24, the one npm ci installs", () => {
    expect(process.version).toMatch(/^v24\./);
    expect(process.version).toBe(`v${pkg.dependencies.node}`);
  });

  it("is also what a `#!/usr/bin/env node` tool finds on PATH (tsx, next, playwright, the CLI)", () => {
    const child = spawnSync("node", ["-p", "process.version"], { encoding: "utf8", env: process.env });
    expect(child.stdout.trim()).toBe(process.version);
    const viaTsx = spawnSync(path.join(root, "node_modules", ".bin", "tsx"), ["-e", "console.log(process.version)"], { encoding: "utf8", env: process.env });
    expect(viaTsx.stdout.trim()).toBe(process.version);
  });

  it("is one that package.json's engines admits (Node 22 and 24 are supported)", () => {
    const majors = pkg.engines.node.split("||").map((range) => Number(/^\s*\^(\d+)/.exec(range)?.[1]));
    expect(majors).toEqual([22, 24]);
    expect(majors).toContain(Number(process.versions.node.split(".")[0]));
  });
});
