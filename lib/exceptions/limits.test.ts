import { describe, expect, it } from "vitest";
import { maxExceptionDays, maxExceptionEnd, nextReviewAt, ratingAtLeast } from "./limits";

const t0 = new Date("2026-01-01T00:00:00Z");
const days = (n: number) => new Date(t0.getTime() + n * 86_400_000);

describe("exception limits", () => {
  it("bounds the end by the risk rating", () => {
    expect(maxExceptionDays).toEqual({ low: 180, medium: 90, high: 30, critical: 14 });
    expect(maxExceptionEnd("critical", t0)).toEqual(days(14));
    expect(maxExceptionEnd("low", t0)).toEqual(days(180));
  });

  it("orders ratings so a rating cannot go below the entitlement's tier", () => {
    expect(ratingAtLeast("high", "medium")).toBe(true);
    expect(ratingAtLeast("medium", "medium")).toBe(true);
    expect(ratingAtLeast("low", "critical")).toBe(false);
    expect(ratingAtLeast("critical", "low")).toBe(true);
  });

  it("schedules the next periodic review inside the exception's window only", () => {
    expect(nextReviewAt(t0, 7, days(30), days(0))).toEqual(days(7));
    expect(nextReviewAt(t0, 7, days(30), days(7))).toEqual(days(14));
    expect(nextReviewAt(t0, 7, days(30), days(10))).toEqual(days(14));
    expect(nextReviewAt(t0, 7, days(30), days(28))).toBeNull();
    expect(nextReviewAt(t0, 0, days(30), days(1))).toBeNull();
  });
});
