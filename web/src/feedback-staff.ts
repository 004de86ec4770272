// The practice's feedback screens' logic (ideas, polls, ratings, surveys), apart from the
// components so it is unit-tested on its own: the bodies the forms send (or the field errors that
// keep them from being sent), the practice's wall clock as RFC 3339, and the figures as tables.

import { en, type MessageKey } from "./i18n/en";
import { FEATURES } from "./features";
import { zoneOffsetMinutes } from "./time";

export type IdeaStatus = "proposed" | "planned" | "in-beta" | "live" | "declined";
export const IDEA_STATUSES: readonly IdeaStatus[] = ["proposed", "planned", "in-beta", "live", "declined"];

export type StaffRole = "clinicians" | "front-desk" | "response-team" | "portal-leads" | "admins";
export const POLL_STAFF_ROLES: readonly StaffRole[] = ["clinicians", "front-desk", "response-team", "portal-leads", "admins"];

/** Every feature an idea may come under (the switchable ones, and feedback itself), each once. */
export const IDEA_FEATURES: readonly string[] = [...new Set<string>([...FEATURES, "feedback"])];

/** A feature's name as people read it: the catalogue's, or the feature's own name when the catalogue has none. */
export function featureLabel(t: (key: MessageKey) => string, feature: string): string {
  const key = `feature.${feature}`;
  return key in en ? t(key as MessageKey) : feature;
}

type Errors = Record<string, MessageKey>;

export interface IdeaForm {
  title: string;
  description: string;
  benefit: string;
  /** "" for no feature. */
  feature: string;
}

export interface IdeaEditForm extends IdeaForm {
  status: IdeaStatus;
  declineReason: string;
}

function ideaErrors(form: IdeaForm): Errors {
  const errors: Errors = {};
  if (!form.title.trim()) errors.title = "feedbackStaff.required";
  else if (form.title.trim().length > 120) errors.title = "feedbackStaff.tooLong120";
  if (!form.description.trim()) errors.description = "feedbackStaff.required";
  if (!form.benefit.trim()) errors.benefit = "feedbackStaff.required";
  return errors;
}

/** The body of `POST /feedback/ideas`, or the field errors that keep it from being sent. */
export function newIdeaBody(form: IdeaForm):
  | { body: { title: string; description: string; benefit: string; feature?: string } }
  | { errors: Errors } {
  const errors = ideaErrors(form);
  if (Object.keys(errors).length) return { errors };
  return {
    body: {
      title: form.title.trim(),
      description: form.description.trim(),
      benefit: form.benefit.trim(),
      ...(form.feature ? { feature: form.feature } : {}),
    },
  };
}

/**
 * The body of `PUT /feedback/ideas/{ideaId}` (the whole idea), or the field errors. A decline
 * needs its reason (everyone who supported the idea reads it); any other status sends none.
 */
export function ideaUpdateBody(form: IdeaEditForm):
  | { body: { title: string; description: string; benefit: string; feature?: string; status: IdeaStatus; declineReason?: string } }
  | { errors: Errors } {
  const errors = ideaErrors(form);
  const reason = form.declineReason.trim();
  if (form.status === "declined" && !reason) errors.declineReason = "feedbackStaff.ideas.declineReasonRequired";
  if (Object.keys(errors).length) return { errors };
  return {
    body: {
      title: form.title.trim(),
      description: form.description.trim(),
      benefit: form.benefit.trim(),
      ...(form.feature ? { feature: form.feature } : {}),
      status: form.status,
      ...(form.status === "declined" ? { declineReason: reason } : {}),
    },
  };
}

/** The edit form of an idea as it is. */
export function ideaEditForm(idea: {
  title: string;
  description: string;
  benefit: string;
  feature?: string | undefined;
  status: IdeaStatus;
  declineReason?: string | undefined;
}): IdeaEditForm {
  return {
    title: idea.title,
    description: idea.description,
    benefit: idea.benefit,
    feature: idea.feature ?? "",
    status: idea.status,
    declineReason: idea.declineReason ?? "",
  };
}

/** A wall-clock time in `timeZone` (`YYYY-MM-DDTHH:mm`, as a datetime-local input gives it) as RFC 3339 UTC, or null. */
export function wallTimeToUtc(value: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  if (Number.isNaN(wall)) return null;
  // Two passes settle a time near a daylight-saving change.
  let instant = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  instant = wall - zoneOffsetMinutes(instant, timeZone) * 60_000;
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** An instant as the wall-clock time in `timeZone` a datetime-local input shows (`YYYY-MM-DDTHH:mm`). */
export function utcToWallTime(instant: number, timeZone: string): string {
  return new Date(instant + zoneOffsetMinutes(instant, timeZone) * 60_000).toISOString().slice(0, 16);
}

export interface PollForm {
  title: string;
  question: string;
  /** In the order the ideas list shows them. */
  ideaIds: string[];
  method: "rank" | "approval";
  topK: string;
  staffRoles: StaffRole[];
  cohorts: string[];
  practices: boolean;
  weights: { staff: string; patients: string; practices: string };
  /** Wall-clock times in the practice's zone (`YYYY-MM-DDTHH:mm`). */
  opensAt: string;
  closesAt: string;
}

export interface PollBody {
  title: string;
  question: string;
  ideaIds: string[];
  method: "rank" | "approval";
  topK?: number;
  audience: { staffRoles: StaffRole[]; cohorts: string[]; practices: boolean };
  weights: { staff: number; patients: number; practices: number };
  opensAt: string;
  closesAt: string;
}

const STRATA = ["staff", "patients", "practices"] as const;

/**
 * The body of `POST /feedback/polls`, or the field errors that keep it from being sent. A group
 * that is not asked weighs 0 whatever its field says; at least one asked group weighs more.
 */
export function pollBody(form: PollForm, timeZone: string): { body: PollBody } | { errors: Errors } {
  const errors: Errors = {};
  const title = form.title.trim();
  const question = form.question.trim();
  if (!title) errors.title = "feedbackStaff.required";
  else if (title.length > 120) errors.title = "feedbackStaff.tooLong120";
  if (!question) errors.question = "feedbackStaff.required";
  else if (question.length > 500) errors.question = "feedbackStaff.tooLong500";
  const n = form.ideaIds.length;
  if (n < 2 || n > 20) errors.ideaIds = "feedbackStaff.polls.ideasCount";
  let topK: number | undefined;
  if (form.method === "rank") {
    topK = Number(form.topK.trim());
    if (!Number.isInteger(topK) || topK < 1 || (n >= 2 && topK > n)) errors.topK = "feedbackStaff.polls.topKRange";
  }
  const asked = { staff: form.staffRoles.length > 0, patients: form.cohorts.length > 0, practices: form.practices };
  if (!asked.staff && !asked.patients && !asked.practices) errors.audience = "feedbackStaff.polls.audienceRequired";
  const weights = { staff: 0, patients: 0, practices: 0 };
  for (const s of STRATA) {
    if (!asked[s]) continue;
    const text = form.weights[s].trim();
    const w = Number(text);
    if (text === "" || !Number.isFinite(w) || w < 0 || w > 100) errors[`weights.${s}`] = "feedbackStaff.polls.weightRange";
    else weights[s] = w;
  }
  if (!errors.audience && !STRATA.some((s) => errors[`weights.${s}`]) && !STRATA.some((s) => weights[s] > 0)) {
    errors.weights = "feedbackStaff.polls.weightsZero";
  }
  const opensAt = wallTimeToUtc(form.opensAt, timeZone);
  const closesAt = wallTimeToUtc(form.closesAt, timeZone);
  if (!opensAt) errors.opensAt = "feedbackStaff.polls.dateTimeRequired";
  if (!closesAt) errors.closesAt = "feedbackStaff.polls.dateTimeRequired";
  else if (opensAt && Date.parse(closesAt) <= Date.parse(opensAt)) errors.closesAt = "feedbackStaff.polls.closesAfterOpens";
  if (Object.keys(errors).length) return { errors };
  return {
    body: {
      title,
      question,
      ideaIds: [...form.ideaIds],
      method: form.method,
      ...(form.method === "rank" ? { topK } : {}),
      audience: { staffRoles: [...form.staffRoles], cohorts: [...form.cohorts], practices: form.practices },
      weights,
      opensAt: opensAt!,
      closesAt: closesAt!,
    },
  };
}

/** Where the API's field name (`ideaIds[3]`, `audience.cohorts[0]`, `weights.staff`) shows on the poll form. */
export function pollFieldOf(field: string): string {
  if (field.startsWith("ideaIds")) return "ideaIds";
  if (field.startsWith("audience")) return "audience";
  if (/^weights\.(staff|patients|practices)$/.test(field)) return field;
  if (field.startsWith("weights")) return "weights";
  return field;
}

/** The link a practice votes through: the API's, or the web app's `/vote#<token>` here. */
export function voteUrl(link: { token: string; url?: string | undefined }, origin: string): string {
  return link.url || `${origin}/vote#${encodeURIComponent(link.token)}`;
}

export interface RatingRowLike {
  feature: string;
  cohort: string;
  day: string;
  count: number;
  average: number;
}

/** The summary's rows newest day first, then feature and cohort ("all" first). */
export function ratingTable<T extends RatingRowLike>(rows: readonly T[]): T[] {
  const cohortRank = (c: string) => (c === "all" ? "" : c);
  return [...rows].sort(
    (a, b) =>
      b.day.localeCompare(a.day) || a.feature.localeCompare(b.feature) || cohortRank(a.cohort).localeCompare(cohortRank(b.cohort)),
  );
}

/**
 * One feature's average per day for the chart, oldest first: a day with ratings in several rows
 * (several cohorts asked at once) weighs each row by its count. Days without ratings are left out
 * (an average of nothing is not 0).
 */
export function ratingSeries(rows: readonly RatingRowLike[], feature: string, cohort: string): { day: string; value: number; count: number }[] {
  const byDay = new Map<string, { sum: number; count: number }>();
  for (const r of rows) {
    if (r.feature !== feature || r.cohort !== cohort || r.count <= 0) continue;
    const d = byDay.get(r.day) ?? { sum: 0, count: 0 };
    d.sum += r.average * r.count;
    d.count += r.count;
    byDay.set(r.day, d);
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, d]) => ({ day, value: Math.round((d.sum / d.count) * 100) / 100, count: d.count }));
}

/** The SUS score bands in order, with the reading each band usually gets. */
export const SUS_BANDS = ["0-50", "51-67", "68-80", "81-100"] as const;

/** The day after `day` (both `YYYY-MM-DD`). */
export function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
