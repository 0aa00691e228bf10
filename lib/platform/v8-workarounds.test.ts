import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const fixture = path.join(import.meta.dirname, "wasm-deopt.fixture.ts");
const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", fixture, ...args], { encoding: "utf8", timeout: 60_000 });

describe("V8 workaround for deoptimization inside wasm calls", () => {
  it("keeps the process alive when a caller of Cedar is deoptimized during the call", () => {
    const withWorkaround = run("--with-workaround");
    expect(withWorkaround.stderr).not.toContain("Fatal error");
    expect(withWorkaround.stdout).toContain("survived");
    expect(withWorkaround.status).toBe(0);
  }, 60_000);

  it("the same scenario without it is what aborts this Node's V8 (so the check above is meaningful)", () => {
    const without = run();
    // V8 11.3 (Node 20) and 12.4 (Node 22) abort with SIGTRAP; 13.6 (Node 24) survives it.
    const aborted = without.signal === "SIGTRAP" || /unreachable code/.test(without.stderr);
    const faultyV8 = Number(process.versions.v8.split(".")[0]) <= 12;
    expect(aborted).toBe(faultyV8);
  }, 60_000);
});
