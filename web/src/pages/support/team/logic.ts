// The quick-response team's screens' logic, apart from the components so it is tested on its own:
// the queue's order, the bodies the forms send (or the field errors that keep them from being
// sent), and who did what as people read it.

export const SEVERITIES = ["critical", "high", "normal", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const REPORT_STATUSES = ["new", "triaged", "in-progress", "waiting-on-reporter", "resolved"] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** The statuses a reply may set on the way (a reply never sends a report back to `new` or `triaged`). */
export const REPLY_STATUSES: readonly ReportStatus[] = ["in-progress", "waiting-on-reporter", "resolved"];

export const INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
/** An incident opens in any status but resolved. */
export type OpeningStatus = Exclude<IncidentStatus, "resolved">;
export const OPENING_STATUSES: readonly OpeningStatus[] = ["investigating", "identified", "monitoring"];

export type Errors = Record<string, "required" | "tooShort" | "tooLong" | "invalidId" | "featuresCount" | "nothingChanged">;

/** Open reports: soonest due first, those without a due (paused or resolved) last; otherwise as the API listed them. */
export function queueOrder<T extends { due?: string | null }>(items: readonly T[], state: "open" | "resolved"): T[] {
  if (state !== "open") return [...items];
  const at = (x: T) => (x.due ? Date.parse(x.due) : Number.POSITIVE_INFINITY);
  // Array.prototype.sort is stable: equal dues keep the API's order.
  return [...items].sort((a, b) => at(a) - at(b));
}

export interface TriageForm {
  /** "" while the report has no severity. */
  severity: string;
  status: string;
  /** "" for no feature. */
  feature: string;
}

export interface TriageCurrent {
  severity?: string | null;
  status: string;
  feature?: string | null;
}

export const triageFormOf = (r: TriageCurrent): TriageForm => ({
  severity: r.severity ?? "",
  status: r.status,
  feature: r.feature ?? "",
});

/**
 * The body of `PATCH /support/reports/{reportId}`: only what changed (a triage that names a field
 * it did not change would still overwrite someone else's change made between reads, which If-Match
 * refuses anyway, but a smaller change reads better in the timeline). Nothing changed: an error.
 */
export function triageBody(
  current: TriageCurrent,
  form: TriageForm,
): { body: { severity?: Severity; status?: ReportStatus; feature?: string | null } } | { errors: Errors } {
  const body: { severity?: Severity; status?: ReportStatus; feature?: string | null } = {};
  if (form.severity && form.severity !== (current.severity ?? "")) body.severity = form.severity as Severity;
  if (form.status !== current.status) body.status = form.status as ReportStatus;
  if (form.feature !== (current.feature ?? "")) body.feature = form.feature || null;
  return Object.keys(body).length ? { body } : { errors: { body: "nothingChanged" } };
}

/** A free text the team writes (a reply, a note, an update, a reason): trimmed, min..=max characters. */
export function textError(text: string, max = 4000, min = 1): "required" | "tooShort" | "tooLong" | undefined {
  const value = text.trim();
  if (!value) return "required";
  const length = [...value].length;
  if (length < min) return "tooShort";
  if (length > max) return "tooLong";
  return undefined;
}

/** Lengths the API holds texts to (docs/openapi.yaml). */
export const REPORT_TEXT_MAX = 4000;
export const INCIDENT_TEXT_MAX = 2000;
export const INCIDENT_TITLE_MAX = 120;

/** A ULID as the API writes ids (26 characters of Crockford's base 32). */
export const isReportId = (text: string) => /^[0-9A-HJKMNP-TV-Z]{26}$/i.test(text.trim());

/** The body of a merge: the id of the report this one duplicates. */
export function mergeBody(reportId: string, into: string): { body: { into: string } } | { errors: Errors } {
  const value = into.trim().toUpperCase();
  if (!value) return { errors: { into: "required" } };
  if (!isReportId(value) || value === reportId.toUpperCase()) return { errors: { into: "invalidId" } };
  return { body: { into: value } };
}

export interface SwitchOffForm {
  feature: string;
  scope: "everyone" | "cohort";
  cohort: string;
  reason: string;
}

/** The body of `POST /support/reports/{id}/switch-off`: a feature, whom, a cohort when it is one, and why. */
export function switchOffBody(
  form: SwitchOffForm,
): { body: { feature: string; scope: "everyone" | "cohort"; cohort?: string; reason: string } } | { errors: Errors } {
  const errors: Errors = {};
  if (!form.feature) errors.feature = "required";
  const cohort = form.cohort.trim();
  if (form.scope === "cohort" && !cohort) errors.cohort = "required";
  const reason = textError(form.reason, 500, 3);
  if (reason) errors.reason = reason;
  if (Object.keys(errors).length) return { errors };
  return {
    body: {
      feature: form.feature,
      scope: form.scope,
      ...(form.scope === "cohort" ? { cohort } : {}),
      reason: form.reason.trim(),
    },
  };
}

export interface IncidentForm {
  title: string;
  features: string[];
  status: OpeningStatus;
  text: string;
}

/** The body of `POST /support/incidents`: a title, 1..=10 features (each once), a status other than resolved, the first update. */
export function incidentBody(
  form: IncidentForm,
): { body: { title: string; features: string[]; status: OpeningStatus; text: string } } | { errors: Errors } {
  const errors: Errors = {};
  const title = form.title.trim();
  if (!title) errors.title = "required";
  else if ([...title].length > INCIDENT_TITLE_MAX) errors.title = "tooLong";
  const features = [...new Set(form.features)];
  if (features.length < 1 || features.length > 10) errors.features = "featuresCount";
  const text = textError(form.text, INCIDENT_TEXT_MAX);
  if (text) errors.text = text;
  if (Object.keys(errors).length) return { errors };
  return { body: { title, features, status: form.status, text: form.text.trim() } };
}
