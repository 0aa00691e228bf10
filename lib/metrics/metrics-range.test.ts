import { describe, expect, it } from "vitest";
import { parseMetricsRange } from "./metrics-range";

const now = new Date("2026-06-10T12:00:00Z");

describe("metrics range", () => {
  it("defaults to the last 30 days by day, and takes presets", () => {
    expect(parseMetricsRange({}, now)).toEqual({ from: new Date("2026-05-11T12:00:00Z"), to: now, by: "none", bucket: "day" });
    expect(parseMetricsRange({ range: "24h", by: "team" }, now)).toMatchObject({ from: new Date("2026-06-09T12:00:00Z"), bucket: "hour", by: "team" });
  });
  it("reads a custom range without an offset as UTC", () => {
    expect(parseMetricsRange({ from: "2026-06-01T00:00", to: "2026-06-02T06:30" }, now)).toMatchObject({ from: new Date("2026-06-01T00:00:00Z"), to: new Date("2026-06-02T06:30:00Z"), bucket: "hour" });
  });
  it("refuses what it cannot read", () => {
    for (const q of [{ range: "1y" }, { by: "colour" }, { from: "yesterday" }, { from: "2026-06-02T00:00Z", to: "2026-06-01T00:00Z" }, { from: "2020-01-01T00:00Z" }, { cursor: "x" }]) {
      expect(() => parseMetricsRange(q, now)).toThrow(expect.objectContaining({ code: "bad_request" }));
    }
  });
});
