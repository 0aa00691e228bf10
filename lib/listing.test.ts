import { describe, expect, it } from "vitest";
import { parseEnumParam, parseListParams, parseSeqCursor, parseTextParam } from "./listing";

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

describe("text and cursor parameters", () => {
  it("drops NUL characters from a text filter", () => {
    expect(parseTextParam({ q: "svc\u0000orders" }, "q")).toBe("svcorders");
    expect(parseTextParam({ q: "\u0000" }, "q")).toBeUndefined();
  });

  it("reads a cursor only within PostgreSQL's bigint", () => {
    expect(parseSeqCursor("9223372036854775807")).toBe(BigInt("9223372036854775807"));
    expect(parseSeqCursor("9223372036854775808")).toBeUndefined();
    expect(parseSeqCursor("99999999999999999999")).toBeUndefined();
    expect(parseSeqCursor("-1")).toBeUndefined();
    expect(parseSeqCursor("12a")).toBeUndefined();
    expect(parseSeqCursor(undefined)).toBeUndefined();
  });
});
