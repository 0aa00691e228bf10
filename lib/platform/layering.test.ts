import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Where each kind of code may reach: pages, actions and routes in app/ call domain functions and
// never the database; domain code in lib/ runs in plain Node (worker, CLI, tests), so it never
// imports Next; only the issuer drivers open connections to a target system.

const root = path.resolve(import.meta.dirname, "../..");

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (name === "generated" || name === "node_modules") continue;
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx)$/.test(name) && !/\.test\.ts$/.test(name)) out.push(p);
  }
  return out;
}

const rel = (f: string) => path.relative(root, f);
const importing = (files: string[], pattern: RegExp) => files.filter((f) => pattern.test(readFileSync(f, "utf8"))).map(rel);

describe("layering", () => {
  const app = walk(path.join(root, "app"));
  const lib = walk(path.join(root, "lib"));

  it("finds the code it checks", () => {
    expect(app.length).toBeGreaterThan(40);
    expect(lib.length).toBeGreaterThan(100);
  });

  it("app/ never touches the database: no Prisma client, no getDb", () => {
    expect(importing(app, /from\s+["'](@\/lib\/db|@\/lib\/generated\/prisma[^"']*|@prisma\/[^"']+)["']/)).toEqual([]);
  });

  it("lib/ never imports Next", () => {
    // lib/web holds the glue between Next and the domain (session, server-action wrappers).
    expect(importing(lib.filter((f) => !rel(f).startsWith("lib/web/")), /from\s+["']next(\/[^"']*)?["']/)).toEqual([]);
  });

  it("only lib/issuers opens connections to a target system", () => {
    // lib/platform starts the embedded PostgreSQL, lib/worker listens for the database's NOTIFY,
    // lib/testing starts the targets the integration tests run against. lib/drills logs in with the
    // canary's credential the way a workload would, from outside the issuer, which is what a drill proves.
    const allowed = ["lib/issuers/", "lib/platform/", "lib/worker/", "lib/testing/", "lib/drills/perform-drill.ts"];
    expect(importing(lib.filter((f) => !allowed.some((a) => rel(f).startsWith(a))), /from\s+["']pg["']/)).toEqual([]);
  });
});
