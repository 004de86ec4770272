// The weekly digest's screens' logic, apart from the components so it is unit-tested on its own:
// the change between two weeks, its words, the order of the open statuses, who may open what.

import type { Schemas } from "../../../api/client";

export type Digest = Schemas["Digest"];
export type DigestSummary = Schemas["DigestSummaryItem"];
export type DigestList = Schemas["DigestList"];
export type AdoptionCounts = Schemas["DigestAdoptionCounts"];
export type FeatureUse = Schemas["DigestFeatureUse"];
export type Rating = Schemas["DigestRating"];

export type Direction = "up" | "down" | "same";

/** This week against the week before: by how much, and which way. */
export interface Change {
  delta: number;
  direction: Direction;
}

export function change(week: number, previous: number): Change {
  const delta = week - previous;
  return { delta, direction: delta > 0 ? "up" : delta < 0 ? "down" : "same" };
}

/** The arrow beside a change: decoration only (the signed number says the same in words). */
export const ARROWS: Record<Direction, string> = { up: "▲", down: "▼", same: "–" };

/**
 * A change as read: `+3`, `−2` (a true minus sign, which screen readers say as "minus") or `0`,
 * with the number in the reader's locale.
 */
export function signedChange(delta: number, number: (n: number) => string = String): string {
  if (delta > 0) return `+${number(delta)}`;
  if (delta < 0) return `\u2212${number(-delta)}`;
  return number(0);
}

/** The adoption figures, in the order the digest shows them. */
export const ADOPTION_FIGURES = ["invited", "delivered", "activated", "signedIn7d"] as const satisfies readonly (keyof AdoptionCounts)[];

/** The workflow's order of report statuses; any other status the API names comes after, by name. */
const STATUS_ORDER = ["new", "triaged", "in-progress", "waiting-on-reporter", "resolved"];

/** The open reports by status, as rows in the workflow's order (statuses with none are left out). */
export function statusRows(openByStatus: Record<string, number | undefined>): { status: string; count: number }[] {
  const rank = (s: string) => {
    const i = STATUS_ORDER.indexOf(s);
    return i < 0 ? STATUS_ORDER.length : i;
  };
  return Object.entries(openByStatus)
    .filter((entry): entry is [string, number] => typeof entry[1] === "number" && entry[1] > 0)
    .map(([status, count]) => ({ status, count }))
    .sort((a, b) => rank(a.status) - rank(b.status) || a.status.localeCompare(b.status));
}

/** The most used first (this week), then by the week before, then by name: a stable table. */
export function byUse(rows: readonly FeatureUse[]): FeatureUse[] {
  return [...rows].sort((a, b) => b.week - a.week || b.previous - a.previous || a.feature.localeCompare(b.feature));
}

/** The most rated first (this week), then by the week before, then by name. */
export function byRatings(rows: readonly Rating[]): Rating[] {
  return [...rows].sort(
    (a, b) => b.week.count - a.week.count || b.previous.count - a.previous.count || a.feature.localeCompare(b.feature),
  );
}

/** An average rating (1–5) to two decimals at most, or a dash when nobody rated. */
export function averageText(average: number | null | undefined, number: (n: number) => string = String): string {
  return average === null || average === undefined ? "—" : number(Math.round(average * 100) / 100);
}

/** True for a `YYYY-MM-DD` that is a real date and a Monday: the only ids a digest can have. */
export function isDigestId(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value && d.getUTCDay() === 1;
}

export const digestPath = (digestId: string) => `/staff/digests/${encodeURIComponent(digestId)}`;

/** The team's report and incident pages are the response team's and portal leads' (not admins'). */
export const opensTeamPages = (groups: readonly string[]) => groups.includes("response-team") || groups.includes("portal-leads");

/** Suggestions are decided by portal leads, on the ideas page. */
export const decidesSuggestions = (groups: readonly string[]) => groups.includes("portal-leads");

/** Who reads digests: portal leads and administrators (the API decides; the app only offers). */
export const readsDigests = (groups: readonly string[]) => groups.includes("portal-leads") || groups.includes("admins");
