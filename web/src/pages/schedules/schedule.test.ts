import { describe, expect, it } from "vitest";
import { changed, fieldPlaces, gridTimes, instantToWall, messageKey, nextRange, rowErrors, toDoc, toForm, wallToInstant, weeklyPath, type Namer, type Published } from "./schedule";

const ZONE = "America/New_York";
const published = (over: Partial<Published> = {}): Published => ({
  providerId: "01HPROVIDER000000000000000",
  timeZone: ZONE,
  weekly: [
    { day: "monday", start: "13:00", end: "17:00" },
    { day: "monday", start: "09:00", end: "12:00" },
    { day: "wednesday", start: "08:00", end: "16:00" },
  ],
  closedDates: ["2026-12-25", "2026-12-24"],
  dateHours: [{ date: "2026-12-31", hours: [{ start: "09:00", end: "12:00" }] }],
  blocks: [{ start: "2026-07-01T14:00:00Z", end: "2026-07-01T15:00:00Z" }],
  version: 3,
  publishedAt: "2026-06-01T12:00:00Z",
  ...over,
});
const namer: Namer = {
  day: (d) => d[0]!.toUpperCase() + d.slice(1),
  range: (n) => `hours ${n}`,
  start: "From",
  end: "To",
  hours: "hours",
  closedDate: (n) => `Closed date ${n}`,
  dateHours: (n) => `Date ${n}`,
  date: "Date",
  block: (n) => `Block ${n}`,
};

describe("the schedule form", () => {
  it("offers the 20-minute grid, 24:00 only as an end", () => {
    const starts = gridTimes("start");
    const ends = gridTimes("end");
    expect(starts[0]).toBe("00:00");
    expect(starts.at(-1)).toBe("23:40");
    expect(starts).toHaveLength(72);
    expect(ends[0]).toBe("00:20");
    expect(ends.at(-1)).toBe("24:00");
    expect(starts).toContain("09:20");
    expect(starts).not.toContain("09:15");
  });

  it("reads a published schedule in order and sends it back unchanged", () => {
    const form = toForm(published(), ZONE);
    expect(form.weekly.monday.map((r) => r.start)).toEqual(["09:00", "13:00"]);
    expect(form.weekly.tuesday).toEqual([]);
    expect(form.closedDates.map((c) => c.date)).toEqual(["2026-12-24", "2026-12-25"]);
    // 14:00 UTC is 10:00 in New York in July (daylight saving time).
    expect(form.blocks[0]).toMatchObject({ start: "2026-07-01T10:00", end: "2026-07-01T11:00" });
    const { doc, problems } = toDoc(form, ZONE);
    expect(problems).toEqual({});
    expect(doc.weekly).toEqual([
      { day: "monday", start: "09:00", end: "12:00" },
      { day: "monday", start: "13:00", end: "17:00" },
      { day: "wednesday", start: "08:00", end: "16:00" },
    ]);
    expect(doc.blocks).toEqual([{ start: "2026-07-01T14:00:00Z", end: "2026-07-01T15:00:00Z" }]);
    expect(changed(form, published(), ZONE)).toBe(false);
    form.closedDates.push({ key: "x", date: "2027-01-01" });
    expect(changed(form, published(), ZONE)).toBe(true);
  });

  it("converts wall times across daylight saving", () => {
    expect(wallToInstant("2026-01-15T09:00", ZONE)).toBe("2026-01-15T14:00:00Z");
    expect(wallToInstant("2026-07-15T09:00", ZONE)).toBe("2026-07-15T13:00:00Z");
    expect(instantToWall("2026-01-15T14:00:00Z", ZONE)).toBe("2026-01-15T09:00");
  });

  it("does not send a block without both times", () => {
    const form = toForm(published({ blocks: [] }), ZONE);
    form.blocks.push({ key: "b", start: "2026-07-01T10:00", end: "" });
    expect(toDoc(form, ZONE).problems).toEqual({ "blocks[0].end": "schedules.error.dateTime" });
  });

  it("finds the input an API field path names", () => {
    const form = toForm(published(), ZONE);
    const places = fieldPlaces(form, "s", namer);
    const wednesday = form.weekly.wednesday[0]!;
    // Sent Monday first: Wednesday's range is weekly[2].
    expect(weeklyPath(form, "wednesday", 0)).toBe("weekly[2]");
    expect(places["weekly[2].end"]).toEqual({ id: `s-${wednesday.key}-end`, label: "Wednesday, hours 1: To" });
    expect(places["weekly[1]"]).toEqual({ id: `s-${form.weekly.monday[1]!.key}-start`, label: "Monday, hours 2" });
    expect(places["closedDates[1]"]!.label).toBe("Closed date 2");
    expect(places["dateHours[0].hours[0].start"]!.id).toBe(`s-${form.dateHours[0]!.hours[0]!.key}-start`);
    expect(places["dateHours[0].date"]!.id).toBe(`s-${form.dateHours[0]!.key}-date`);
    expect(places["blocks[0].end"]!.label).toBe("Block 1: To");
  });

  it("hands each row its own errors", () => {
    const errors = { "weekly[2].end": "must be after start", "weekly[1]": "overlaps other hours on the same day", "closedDates[0]": "must be a date YYYY-MM-DD" };
    expect(rowErrors(errors, "weekly[2]")).toMatchObject({ end: "must be after start", start: undefined, row: undefined });
    expect(rowErrors(errors, "weekly[1]").row).toBe("overlaps other hours on the same day");
    expect(rowErrors(errors, "closedDates[0]")).toMatchObject({ date: "must be a date YYYY-MM-DD", row: undefined });
    expect(messageKey("must be after start")).toBe("schedules.error.afterStart");
    expect(messageKey("something new")).toBeUndefined();
  });

  it("adds a range after the day's last one", () => {
    expect(nextRange([])).toMatchObject({ start: "09:00", end: "17:00" });
    expect(nextRange([{ key: "a", start: "09:00", end: "12:00" }])).toMatchObject({ start: "12:00", end: "14:00" });
    expect(nextRange([{ key: "a", start: "21:00", end: "24:00" }])).toMatchObject({ start: "23:40", end: "24:00" });
  });
});
