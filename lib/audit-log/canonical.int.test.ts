import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { useFreshDatabase, withAdminClient } from "../testing/database";
import { canonicalJson, canonicalJsonbPrinted } from "./canonical";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(() => database.drop());

// jsonb holds no NUL character; everything else JSON can say, it stores.
const noNul = (v: unknown): boolean =>
  typeof v === "string" ? !v.includes("\u0000") : Array.isArray(v) ? v.every(noNul) : v !== null && typeof v === "object" ? Object.entries(v).every(([k, x]) => !k.includes("\u0000") && noNul(x)) : true;

describe("canonicalJsonbPrinted against PostgreSQL's own printing", () => {
  it("gives canonicalJson of the value for whatever jsonb prints", async () => {
    const values = fc.sample(
      fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        fc.jsonValue({ maxDepth: 3, stringUnit: "binary-ascii" }), // control characters, quotes, backslashes
        fc.jsonValue({ maxDepth: 3, stringUnit: "grapheme" }), // astral planes, combining marks
        fc.dictionary(fc.string({ unit: "grapheme-composite", maxLength: 4 }), fc.oneof(fc.double(), fc.integer(), fc.bigInt().map(String)), { maxKeys: 8 }),
      ).filter(noNul),
      { numRuns: 2000, seed: 20261204 },
    );
    const texts = values.map((v) => JSON.stringify(v));
    const printed = await withAdminClient(database.name, async (c) => {
      // Numbers as JSON writes them and as people write them (1.50, 1e3, -0): jsonb keeps its own spelling.
      const extra = ['{"a": 1.50, "b": 1e3, "c": -0, "d": 1E-7, "e": 123456789012345678901234567890}', '{"k": [1.0, 2.25e2]}'];
      const { rows } = await c.query<{ t: string }>(`SELECT v::text AS t FROM unnest($1::jsonb[]) WITH ORDINALITY AS u(v, n) ORDER BY n`, [[...texts, ...extra]]);
      return rows.map((r) => r.t);
    });
    expect(printed).toHaveLength(values.length + 2);
    // The scan itself, not its fallback: every text PostgreSQL prints is read the fast way.
    const wrong = printed.filter((t) => canonicalJsonbPrinted(t) !== canonicalJson(JSON.parse(t) ?? {}));
    expect(wrong).toEqual([]);
  });
});
