import type { Schemas } from "../../api/client";
import type { MessageKey } from "../../i18n/en";
import { zoneOffsetMinutes } from "../../time";

// The provider schedule editor's logic, apart from the components (unit-tested in
// schedule.test.ts): the form a person edits, the `Schedule` document the API takes, and the
// way back from the API's field paths (`weekly[2].end`, `dateHours[0].hours[1].start`) to the
// inputs they name.

export type Published = Schemas["PublishedSchedule"];
export type ScheduleDoc = Schemas["Schedule"];
export type Day = ScheduleDoc["weekly"][number]["day"];

export const DAYS: readonly Day[] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/** A range of local hours as edited (`HH:MM`); `key` keeps a row's inputs and ids stable. */
export interface Range {
  key: string;
  start: string;
  end: string;
}

export interface ScheduleForm {
  weekly: Record<Day, Range[]>;
  closedDates: { key: string; date: string }[];
  dateHours: { key: string; date: string; hours: Range[] }[];
  /** Local wall times in the practice's zone (`YYYY-MM-DDTHH:MM`, what a datetime-local input holds). */
  blocks: { key: string; start: string; end: string }[];
}

let counter = 0;
/** A key for a new row (unique within the page). */
export const newKey = () => `r${++counter}`;

/** The times a range may start or end at: the 20-minute grid, `24:00` only as an end. */
export function gridTimes(kind: "start" | "end"): string[] {
  const out: string[] = [];
  for (let m = kind === "start" ? 0 : 20; m <= (kind === "start" ? 23 * 60 + 40 : 24 * 60); m += 20) {
    out.push(`${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);
  }
  return out;
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};
const hhmm = (total: number) => `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;

/** A new range after the ones a day already has: 09:00–17:00 on an empty day, else two hours after the last. */
export function nextRange(existing: Range[]): Range {
  const last = existing[existing.length - 1];
  if (!last) return { key: newKey(), start: "09:00", end: "17:00" };
  const start = Math.min(minutes(last.end), 23 * 60 + 40);
  return { key: newKey(), start: hhmm(start), end: hhmm(Math.min(start + 120, 24 * 60)) };
}

/** The UTC instant (RFC 3339) of a wall time `YYYY-MM-DDTHH:MM` in `timeZone`. */
export function wallToInstant(wall: string, timeZone: string): string {
  const [day = "", time = "00:00"] = wall.split("T");
  const [y, mo, d] = day.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const utc = Date.UTC(y!, mo! - 1, d!, h ?? 0, mi ?? 0);
  // Two passes settle a time near a daylight-saving change.
  let instant = utc - zoneOffsetMinutes(utc, timeZone) * 60_000;
  instant = utc - zoneOffsetMinutes(instant, timeZone) * 60_000;
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The wall time (`YYYY-MM-DDTHH:MM`) of a UTC instant in `timeZone`. */
export function instantToWall(iso: string, timeZone: string): string {
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return "";
  return new Date(at + zoneOffsetMinutes(at, timeZone) * 60_000).toISOString().slice(0, 16);
}

/** The form for a published schedule (dates in order; each day's ranges in time order). */
export function toForm(published: ScheduleDoc, timeZone: string): ScheduleForm {
  const weekly = Object.fromEntries(DAYS.map((d) => [d, [] as Range[]])) as Record<Day, Range[]>;
  for (const w of published.weekly) weekly[w.day].push({ key: newKey(), start: w.start, end: w.end });
  for (const d of DAYS) weekly[d].sort((a, b) => a.start.localeCompare(b.start));
  return {
    weekly,
    closedDates: [...(published.closedDates ?? [])].sort().map((date) => ({ key: newKey(), date })),
    dateHours: [...(published.dateHours ?? [])]
      .sort((a, b) => a.date.localeCompare(b.date))
      .map((e) => ({ key: newKey(), date: e.date, hours: e.hours.map((r) => ({ key: newKey(), start: r.start, end: r.end })) })),
    blocks: [...(published.blocks ?? [])]
      .sort((a, b) => a.start.localeCompare(b.start))
      .map((b) => ({ key: newKey(), start: instantToWall(b.start, timeZone), end: instantToWall(b.end, timeZone) })),
  };
}

/**
 * What the API is sent, and the form's problems it cannot send (a block without both times).
 * `weekly` lists the days Monday to Sunday, each day's rows in the order shown, so index `i`
 * of `weekly[i]` is found again by `fieldIds`.
 */
export function toDoc(form: ScheduleForm, timeZone: string): { doc: ScheduleDoc; problems: Record<string, MessageKey> } {
  const problems: Record<string, MessageKey> = {};
  const blocks: NonNullable<ScheduleDoc["blocks"]> = [];
  form.blocks.forEach((b, i) => {
    if (!b.start) problems[`blocks[${i}].start`] = "schedules.error.dateTime";
    if (!b.end) problems[`blocks[${i}].end`] = "schedules.error.dateTime";
    blocks.push({ start: b.start ? wallToInstant(b.start, timeZone) : "", end: b.end ? wallToInstant(b.end, timeZone) : "" });
  });
  return {
    doc: {
      weekly: DAYS.flatMap((day) => form.weekly[day].map((r) => ({ day, start: r.start, end: r.end }))),
      closedDates: form.closedDates.map((c) => c.date),
      dateHours: form.dateHours.map((e) => ({ date: e.date, hours: e.hours.map((r) => ({ start: r.start, end: r.end })) })),
      blocks,
    },
    problems,
  };
}

/** Whether the form says something other than what is published (the order of rows aside). */
export function changed(form: ScheduleForm, published: Published, timeZone: string): boolean {
  const mine = toDoc(form, timeZone).doc;
  const theirs = toDoc(toForm(published, timeZone), timeZone).doc;
  return canonical(mine) !== canonical(theirs);
}

function canonical(doc: ScheduleDoc): string {
  const sorted = <T>(items: T[] | undefined) => (items ?? []).map((i) => JSON.stringify(i)).sort();
  return JSON.stringify([sorted(doc.weekly), sorted(doc.closedDates), sorted(doc.dateHours), sorted(doc.blocks)]);
}

/** Where an input of the form is: its element id, and the words that name it in an error summary. */
export interface FieldPlace {
  id: string;
  label: string;
}

export interface Namer {
  day: (day: Day) => string;
  range: (n: number) => string;
  start: string;
  end: string;
  hours: string;
  closedDate: (n: number) => string;
  dateHours: (n: number) => string;
  date: string;
  block: (n: number) => string;
}

/** The id of a row's input: `part` is `start`, `end` or `date`. */
export const inputId = (base: string, key: string, part: "start" | "end" | "date") => `${base}-${key}-${part}`;
/** The id of a row's own message (overlaps, or a date's list of hours). */
export const rowErrorId = (base: string, key: string) => `${base}-${key}-error`;

/**
 * Every field path the API may name for this form, with the input it means: `weekly[i].start`,
 * `weekly[i]` (an overlap: the row's first input), `closedDates[i]`, `dateHours[i].date`,
 * `dateHours[i].hours` and `dateHours[i].hours[j]...`, `blocks[i].start|end`.
 */
export function fieldPlaces(form: ScheduleForm, base: string, name: Namer): Record<string, FieldPlace> {
  const places: Record<string, FieldPlace> = {};
  let i = 0;
  for (const day of DAYS) {
    form.weekly[day].forEach((r, n) => {
      const row = `${name.day(day)}, ${name.range(n + 1)}`;
      places[`weekly[${i}].start`] = { id: inputId(base, r.key, "start"), label: `${row}: ${name.start}` };
      places[`weekly[${i}].end`] = { id: inputId(base, r.key, "end"), label: `${row}: ${name.end}` };
      places[`weekly[${i}]`] = { id: inputId(base, r.key, "start"), label: row };
      i++;
    });
  }
  form.closedDates.forEach((c, n) => {
    places[`closedDates[${n}]`] = { id: inputId(base, c.key, "date"), label: name.closedDate(n + 1) };
  });
  form.dateHours.forEach((e, n) => {
    const entry = name.dateHours(n + 1);
    places[`dateHours[${n}].date`] = { id: inputId(base, e.key, "date"), label: `${entry}: ${name.date}` };
    places[`dateHours[${n}].hours`] = { id: inputId(base, e.key, "date"), label: `${entry}: ${name.hours}` };
    e.hours.forEach((r, j) => {
      const row = `${entry}, ${name.range(j + 1)}`;
      places[`dateHours[${n}].hours[${j}].start`] = { id: inputId(base, r.key, "start"), label: `${row}: ${name.start}` };
      places[`dateHours[${n}].hours[${j}].end`] = { id: inputId(base, r.key, "end"), label: `${row}: ${name.end}` };
      places[`dateHours[${n}].hours[${j}]`] = { id: inputId(base, r.key, "start"), label: row };
    });
  });
  form.blocks.forEach((b, n) => {
    places[`blocks[${n}].start`] = { id: inputId(base, b.key, "start"), label: `${name.block(n + 1)}: ${name.start}` };
    places[`blocks[${n}].end`] = { id: inputId(base, b.key, "end"), label: `${name.block(n + 1)}: ${name.end}` };
  });
  return places;
}

/**
 * The errors of one row, by the row's part: `start`, `end`, `date`, and `row` (an overlap, or a
 * date without hours). `path` is the row's API path (`weekly[3]`, `dateHours[1].hours[0]`).
 */
export function rowErrors(errors: Record<string, string>, path: string) {
  return {
    start: errors[`${path}.start`],
    end: errors[`${path}.end`],
    date: errors[`${path}.date`] ?? (/^closedDates\[\d+\]$/.test(path) ? errors[path] : undefined),
    row: /^closedDates\[\d+\]$/.test(path) ? undefined : (errors[path] ?? errors[`${path}.hours`]),
  };
}

/** The API's path of the n-th row of `day` in `weekly` (days Monday to Sunday, as `toDoc` sends them). */
export function weeklyPath(form: ScheduleForm, day: Day, n: number): string {
  let i = 0;
  for (const d of DAYS) {
    if (d === day) return `weekly[${i + n}]`;
    i += form.weekly[d].length;
  }
  return `weekly[${i + n}]`;
}

/** The API's English messages the catalogue says in the reader's language (others are shown as sent). */
const KNOWN: [RegExp, MessageKey][] = [
  [/^must be after start$/, "schedules.error.afterStart"],
  [/^overlaps other hours/, "schedules.error.overlaps"],
  [/^is a closed date$/, "schedules.error.isClosed"],
  [/^has hours listed already$/, "schedules.error.listedTwice"],
  [/^must be a date/, "schedules.error.date"],
  [/^must be a local time/, "schedules.error.time"],
];

export function messageKey(message: string): MessageKey | undefined {
  return KNOWN.find(([re]) => re.test(message))?.[1];
}
