import { describe, expect, it } from "vitest";
import { parseEnumParam, parseListParams } from "./listing";

const opts = { sortable: ["createdAt", "name"] as const, defaultSort: "createdAt" as const };

describe("list parameters from the URL", () => {
  it("reads valid values", () => {
    expect(parseListParams({ page: "3", size: "50", sort: "name", dir: "asc" }, opts)).toEqual({ page: 3, size: 50, sort: "name", dir: "asc" });
  });

  it("falls back to defaults on bad values instead of failing", () => {
    expect(parseListParams({ page: "-1", size: "7", sort: "password; DROP", dir: "sideways" }, opts)).toEqual({ page: 1, size: 25, sort: "createdAt", dir: "desc" });
    expect(parseListParams({ page: "abc" }, opts).page).toBe(1);
  });

  it("accepts only known enum values", () => {
    expect(parseEnumParam({ env: "prod" }, "env", ["dev", "prod"] as const)).toBe("prod");
    expect(parseEnumParam({ env: "qa" }, "env", ["dev", "prod"] as const)).toBeUndefined();
  });
});
