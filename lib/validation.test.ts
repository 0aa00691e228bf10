import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatDuration, holdsNul, humanDuration, parseDuration, parseInput, zDuration } from "./validation";
import { AppError } from "./errors";

describe("ISO 8601 durations", () => {
  it.each([
    ["PT15M", 900],
    ["PT1H", 3600],
    ["PT1H30M", 5400],
    ["P1D", 86400],
    ["P1DT2H", 93600],
    ["PT45S", 45],
    ["pt10m", 600],
  ])("parses %s", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(["", "P", "PT", "15M", "PT-5M", "PT0S", "P1W", "PT1.5H", "1h", "PT15MX"])("refuses %j", (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it("formats back", () => {
    for (const s of [45, 900, 5400, 86400, 93600, 90061]) expect(parseDuration(formatDuration(s))).toBe(s);
  });

  it("reads durations for people", () => {
    expect(humanDuration(42)).toBe("42 s");
    expect(humanDuration(1500)).toBe("25 min");
    expect(humanDuration(5400)).toBe("1 h 30 min");
    expect(humanDuration(7200)).toBe("2 h");
    expect(humanDuration(86400 + 60)).toBe("1 day");
    expect(humanDuration(86400 * 2 + 3600)).toBe("2 days 1 h");
    // What a long exception's countdown used to read as "287h 28m 16s".
    expect(humanDuration(287 * 3600 + 28 * 60 + 16)).toBe("11 days 23 h");
  });

  it("gives a clear message in a schema", () => {
    const r = z.object({ duration: zDuration }).safeParse({ duration: "ten minutes" });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].message).toMatch(/not an ISO 8601 duration/);
  });
});

describe("parseInput", () => {
  it("throws a 400 AppError naming the field", () => {
    try {
      parseInput(z.object({ name: z.string().min(3) }), { name: "x" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).status).toBe(400);
      expect((e as AppError).message).toMatch(/^name: /);
    }
  });
});

describe("holdsNul", () => {
  it("finds a NUL in any string or key, however deep", () => {
    expect(holdsNul("a\u0000b")).toBe(true);
    expect(holdsNul({ a: [{ b: ["ok", "x\u0000"] }] })).toBe(true);
    expect(holdsNul({ ["k\u0000"]: 1 })).toBe(true);
    expect(holdsNul({ a: ["ok", 1, null, true, { b: "fine" }] })).toBe(false);
  });

  it("walks a deeply nested value without exhausting the stack", () => {
    let v: unknown = "\u0000";
    for (let i = 0; i < 200_000; i++) v = [v];
    expect(holdsNul(v)).toBe(true);
  });
});
