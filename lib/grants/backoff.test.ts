import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./backoff";

describe("retryDelayMs", () => {
  it("doubles from half a second and caps at a minute", () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 8, 20].map((a) => retryDelayMs(a, mid))).toEqual([500, 1000, 2000, 4000, 8000, 60000, 60000]);
  });

  it("jitters within ±25 %", () => {
    expect(retryDelayMs(3, () => 0)).toBe(1500);
    expect(retryDelayMs(3, () => 1)).toBe(2500);
    const seen = new Set(Array.from({ length: 50 }, () => retryDelayMs(4)));
    expect(seen.size).toBeGreaterThan(10);
    for (const d of seen) expect(d).toBeGreaterThanOrEqual(3000), expect(d).toBeLessThanOrEqual(5000);
  });
});
