import SwaggerParser from "@apidevtools/swagger-parser";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GET } from "../../app/api/v1/openapi.json/route";
import { OPERATIONS, TAGS } from "./operations";

// The document as served at GET /api/v1/openapi.json, checked by a real OpenAPI validator and
// for what generated clients need: a unique operationId and a tag on every operation (the
// validator checks the document against the OpenAPI 3.1 schema, not that ids are unique).

type Operation = { operationId?: string; tags?: string[] };
type Doc = { openapi: string; tags: { name: string }[]; paths: Record<string, Record<string, Operation>> };

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
const served = async () => (await GET().json()) as Doc;
const operationsOf = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${p}`, operation })),
  );

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 (swagger-parser)", async () => {
    const doc = await served();
    expect(doc.openapi).toBe("3.1.0");
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it("gives every operation a camelCase operationId, unique, and at least one declared tag", async () => {
    const doc = await served();
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThan(30);
    const declared = new Set(doc.tags.map((t) => t.name));
    const missing = ops.filter(({ operation }) => !operation.operationId || !operation.tags?.length).map(({ key }) => key);
    expect(missing, "add these to OPERATIONS in lib/api/operations.ts").toEqual([]);
    for (const { key, operation } of ops) {
      expect(operation.operationId, key).toMatch(/^[a-z][a-zA-Z0-9]*$/);
      for (const tag of operation.tags!) expect(declared, `${key}: tag ${tag}`).toContain(tag);
    }
    const ids = ops.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...declared].sort()).toEqual(Object.keys(TAGS).sort());
  });

  it("has no operationId for an operation it does not document", async () => {
    const documented = new Set(operationsOf(await served()).map(({ key }) => key));
    expect(Object.keys(OPERATIONS).filter((key) => !documented.has(key))).toEqual([]);
  });

  it("documents every route handler under app/api/v1", async () => {
    const documented = new Set(operationsOf(await served()).map(({ key }) => key));
    const api = path.resolve(import.meta.dirname, "../../app/api/v1");
    const handlers = (readdirSync(api, { recursive: true }) as string[])
      .filter((f) => path.basename(f) === "route.ts" && !f.startsWith("openapi.json"))
      .flatMap((f) => {
        const route = `/api/v1/${path.dirname(f)}`.replace(/\[(\w+)\]/g, "{$1}");
        const source = readFileSync(path.join(api, f), "utf8");
        return [...source.matchAll(/export (?:async function|function|const) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => `${m[1]} ${route}`);
      });
    expect(handlers.length).toBeGreaterThan(30);
    expect(handlers.filter((h) => !documented.has(h))).toEqual([]);
  });
});
