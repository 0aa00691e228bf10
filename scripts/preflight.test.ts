import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// scripts/preflight.sh runs first in `npm test`: these point it at a PATH and a browser path of
// their own, with stand-ins for the programs it looks for.

const script = path.join(import.meta.dirname, "preflight.sh");
const dir = mkdtempSync(path.join(tmpdir(), "hourglass-preflight-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function stub(name: string, body = "exit 0", into = dir): string {
  const file = path.join(into, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}
stub("node", 'echo "${FAKE_NODE_VERSION:-v24.21.0}"');
stub("useradd");
stub("promtool");
const chromium = stub("chromium");
// Node and useradd, but neither promtool nor a browser.
const bare = mkdtempSync(path.join(dir, "bare-"));
stub("node", 'echo "${FAKE_NODE_VERSION:-v24.21.0}"', bare);
stub("useradd", "exit 0", bare);

function preflight(env: Record<string, string>) {
  const started = Date.now();
  const r = spawnSync("/bin/bash", [script], { encoding: "utf8", env: { HOME: dir, NODE_ENV: "test", ...env } });
  return { ...r, seconds: (Date.now() - started) / 1000 };
}

describe("npm test's preflight", () => {
  it("is silent and passes when the browser, promtool, Node 24 and the PostgreSQL binaries are there", () => {
    const r = preflight({ PATH: dir, E2E_CHROMIUM: chromium });
    expect(r.stderr + r.stdout).toBe("");
    expect(r.status).toBe(0);
    expect(r.seconds).toBeLessThan(5);
  });

  it("names everything missing and what to install on one line, and fails, in a second", () => {
    const r = preflight({ PATH: bare, E2E_CHROMIUM: path.join(dir, "no-such-chromium") });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `The tests need what is missing here: promtool, Chromium at ${path.join(dir, "no-such-chromium")}. Install: apt-get install -y prometheus chromium`,
    );
    expect(r.seconds).toBeLessThan(5);
  });

  it("checks the browser at /usr/bin/chromium unless told otherwise", () => {
    const r = preflight({ PATH: dir });
    const present = spawnSync("/bin/bash", ["-c", "[[ -x /usr/bin/chromium ]]"]).status === 0;
    expect(r.status).toBe(present ? 0 : 1);
    if (!present) expect(r.stderr).toContain("Chromium at /usr/bin/chromium");
  });

  it("refuses a Node.js other than 22 or 24 and says how to get 24", () => {
    const r = preflight({ PATH: dir, E2E_CHROMIUM: chromium, FAKE_NODE_VERSION: "v20.20.2" });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      "The tests need what is missing here: Node.js 22 or 24 (this is v20.20.2). Install: run through npm test, which uses the Node.js 24 that npm ci installs",
    );
    expect(preflight({ PATH: dir, E2E_CHROMIUM: chromium, FAKE_NODE_VERSION: "v22.23.3" }).status).toBe(0);
  });
});
