import { describe, expect, it } from "vitest";
import { startOfDayIn, todayIn, zoneOffsetMinutes } from "./time";

describe("the practice's calendar days", () => {
  it("knows the zone's offset, daylight saving included", () => {
    expect(zoneOffsetMinutes(Date.parse("2026-01-15T12:00:00Z"), "America/New_York")).toBe(-300);
    expect(zoneOffsetMinutes(Date.parse("2026-07-15T12:00:00Z"), "America/New_York")).toBe(-240);
    expect(zoneOffsetMinutes(Date.parse("2026-07-15T12:00:00Z"), "Asia/Tokyo")).toBe(540);
  });

  it("starts a day at the practice's midnight, as a UTC instant", () => {
    expect(startOfDayIn("2026-01-15", "America/New_York")).toBe("2026-01-15T05:00:00Z");
    expect(startOfDayIn("2026-07-15", "America/New_York")).toBe("2026-07-15T04:00:00Z");
    expect(startOfDayIn("2026-03-08", "America/New_York")).toBe("2026-03-08T05:00:00Z"); // the day clocks go forward
    expect(startOfDayIn("2026-11-01", "America/New_York")).toBe("2026-11-01T04:00:00Z"); // and back
    expect(startOfDayIn("2026-07-15", "Asia/Tokyo")).toBe("2026-07-14T15:00:00Z");
    expect(startOfDayIn("2026-07-15", "UTC")).toBe("2026-07-15T00:00:00Z");
  });

  it("says what day it is there", () => {
    expect(todayIn("America/New_York", Date.parse("2026-03-02T03:00:00Z"))).toBe("2026-03-01");
    expect(todayIn("Asia/Tokyo", Date.parse("2026-03-02T20:00:00Z"))).toBe("2026-03-03");
  });
});
