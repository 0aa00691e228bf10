import { describe, expect, it } from "vitest";
import { resetRateLimits, takeToken } from "./rate-limit";

describe("per-token rate limit", () => {
  it("allows a burst, then asks to wait, and refills over time", () => {
    resetRateLimits();
    const t0 = 1_000_000;
    for (let i = 0; i < 10; i++) expect(takeToken("a", t0, 5, 10)).toBe(0);
    expect(takeToken("a", t0, 5, 10)).toBe(200);
    expect(takeToken("b", t0, 5, 10)).toBe(0);
    expect(takeToken("a", t0 + 200, 5, 10)).toBe(0);
    expect(takeToken("a", t0 + 200, 5, 10)).toBeGreaterThan(0);
  });
});
