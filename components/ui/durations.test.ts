import { describe, expect, it } from "vitest";
import { formatLeft } from "./countdown";
import { relativeTime } from "./relative-time";

describe("times for people", () => {
  it("counts down in the largest units that matter", () => {
    expect(formatLeft((287 * 3600 + 28 * 60 + 16) * 1000)).toBe("11 days 23 h");
    expect(formatLeft(86400_000)).toBe("1 day");
    expect(formatLeft((5 * 3600 + 3 * 60 + 9) * 1000)).toBe("5 h 03 min");
    expect(formatLeft((12 * 60 + 5) * 1000)).toBe("12 min 05 s");
    expect(formatLeft(-5000)).toBe("0 min 00 s");
  });

  it("says how far a moment is, relative within two weeks", () => {
    const now = Date.parse("2026-12-03T12:00:00Z");
    expect(relativeTime(now + 10_000, now)).toBe("in a moment");
    expect(relativeTime(now - 10_000, now)).toBe("just now");
    expect(relativeTime(now + 5 * 60_000, now)).toBe("in 5 minutes");
    expect(relativeTime(now - 3 * 3600_000, now)).toBe("3 hours ago");
    expect(relativeTime(now - 86400_000, now)).toBe("yesterday");
    expect(relativeTime(now + 6 * 86400_000, now)).toBe("in 6 days");
    expect(relativeTime(now - 15 * 86400_000, now)).toBeNull();
  });
});

describe("a moment in the viewer's zone", () => {
  it("formats with and without the zone's name (Intl refuses some option mixes: this would throw)", async () => {
    const { formatLocal } = await import("./time");
    const at = new Date("2026-12-03T14:05:00Z");
    expect(formatLocal(at, false)).toMatch(/3 Dec 2026.*\d\d:\d\d/);
    expect(formatLocal(at, true)).toMatch(/3 Dec 2026.*\d\d:\d\d.*(UTC|GMT)/);
  });
});
