// The announce form's logic, apart from the component so it is tested on its own: the body the
// form sends (or the field errors that keep it from being sent), and an audience in words.
import { wallTimeToUtc } from "../../../feedback-staff";
import type { Schemas } from "../../../api/client";

export type Announcement = Schemas["Announcement"];
export type Audience = Schemas["AnnouncementAudience"];
export type NewAnnouncement = Schemas["NewAnnouncement"];
export type StaffRole = Schemas["StaffRole"];
export type AudienceKind = Audience["kind"];

export const AUDIENCE_KINDS: readonly AudienceKind[] = ["patients", "cohort", "caregivers", "staff", "practices"];
export const ANNOUNCE_ROLES: readonly StaffRole[] = ["front-desk", "clinicians", "response-team", "portal-leads", "admins"];

/** Lengths the API holds an announcement to (docs/openapi.yaml). */
export const TITLE_MAX = 120;
export const BODY_MAX = 2000;
export const LINK_MAX = 500;
export const EMAILS_MAX = 50;

export type AnnounceError =
  | "required"
  | "tooLong"
  | "invalidLink"
  | "invalidCohort"
  | "rolesRequired"
  | "emailsRequired"
  | "invalidEmail"
  | "tooManyEmails"
  | "invalidTime"
  | "expiresBeforePublish"
  | "acknowledgeBeforePublish";
export type AnnounceErrors = Record<string, AnnounceError>;

export interface AnnounceForm {
  title: string;
  body: string;
  link: string;
  kind: AudienceKind;
  cohort: string;
  roles: StaffRole[];
  /** Addresses, one per line (commas and spaces also separate them). */
  emails: string;
  /** Wall-clock times in the practice's time zone (`YYYY-MM-DDTHH:mm`), "" when not given. */
  publishAt: string;
  expiresAt: string;
  acknowledgeBy: string;
}

export const emptyAnnounceForm = (): AnnounceForm => ({
  title: "",
  body: "",
  link: "",
  kind: "patients",
  cohort: "",
  roles: [],
  emails: "",
  publishAt: "",
  expiresAt: "",
  acknowledgeBy: "",
});

const COHORT = /^[a-z](-?[a-z0-9])*$/;
const EMAIL = /^[^\s@]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

/** The addresses typed in, each once (the domain's case does not make another address). */
export function parseEmails(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const email = raw.trim();
    if (!email) continue;
    const at = email.lastIndexOf("@");
    const canonical = at < 0 ? email : `${email.slice(0, at)}@${email.slice(at).toLowerCase()}`;
    if (seen.has(canonical)) continue;
    seen.add(canonical);
    out.push(email);
  }
  return out;
}

function audienceOf(form: AnnounceForm, errors: AnnounceErrors): Audience | null {
  switch (form.kind) {
    case "patients":
      return { kind: "patients" };
    case "caregivers":
      return { kind: "caregivers" };
    case "cohort": {
      const cohort = form.cohort.trim();
      if (!cohort) errors["audience.cohort"] = "required";
      else if (cohort.length > 40 || !COHORT.test(cohort)) errors["audience.cohort"] = "invalidCohort";
      return { kind: "cohort", cohort };
    }
    case "staff":
      if (!form.roles.length) errors["audience.roles"] = "rolesRequired";
      return { kind: "staff", roles: [...new Set(form.roles)] };
    case "practices": {
      const emails = parseEmails(form.emails);
      if (!emails.length) errors["audience.emails"] = "emailsRequired";
      else if (emails.length > EMAILS_MAX) errors["audience.emails"] = "tooManyEmails";
      else if (emails.some((e) => e.length > 254 || !EMAIL.test(e))) errors["audience.emails"] = "invalidEmail";
      return { kind: "practices", emails };
    }
  }
}

/** A free text: trimmed, 1..=max characters. */
function text(value: string, max: number): { value: string; error?: AnnounceError } {
  const trimmed = value.trim();
  if (!trimmed) return { value: trimmed, error: "required" };
  if ([...trimmed].length > max) return { value: trimmed, error: "tooLong" };
  return { value: trimmed };
}

/**
 * The body of `POST /support/announcements`, or the field errors (named as the API names them)
 * that keep it from being sent. Times are read in the practice's time zone; `now` is when the
 * form was sent (a publish time left empty means now).
 */
export function announceBody(
  form: AnnounceForm,
  timeZone: string,
  now = Date.now(),
): { body: NewAnnouncement } | { errors: AnnounceErrors } {
  const errors: AnnounceErrors = {};
  const title = text(form.title, TITLE_MAX);
  if (title.error) errors.title = title.error;
  const body = text(form.body, BODY_MAX);
  if (body.error) errors.body = body.error;
  const link = form.link.trim();
  if (link && (link.length > LINK_MAX || !/^https:\/\/[^\s/]+\.[^\s]+$/.test(link))) errors.link = "invalidLink";
  const audience = audienceOf(form, errors);
  const time = (field: "publishAt" | "expiresAt" | "acknowledgeBy"): string | undefined => {
    if (!form[field]) return undefined;
    const at = wallTimeToUtc(form[field], timeZone);
    if (!at) errors[field] = "invalidTime";
    return at ?? undefined;
  };
  const publishAt = time("publishAt");
  const expiresAt = time("expiresAt");
  const acknowledgeBy = form.kind === "staff" ? time("acknowledgeBy") : undefined;
  const start = publishAt ? Date.parse(publishAt) : now;
  if (expiresAt && !errors.expiresAt && Date.parse(expiresAt) <= start) errors.expiresAt = "expiresBeforePublish";
  if (acknowledgeBy && !errors.acknowledgeBy && Date.parse(acknowledgeBy) < start) errors.acknowledgeBy = "acknowledgeBeforePublish";
  if (Object.keys(errors).length || !audience) return { errors };
  return {
    body: {
      title: title.value,
      body: body.value,
      audience,
      ...(link ? { link } : {}),
      ...(publishAt ? { publishAt } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      ...(acknowledgeBy ? { acknowledgeBy } : {}),
    },
  };
}

/** The error shown beside a field: the API's for it or for one of its parts (`audience.emails[2]`), else the form's own. */
export function errorAt(errors: Record<string, string>, field: string): string | undefined {
  if (errors[field]) return errors[field];
  const part = Object.keys(errors).find((k) => k.startsWith(`${field}[`) || k.startsWith(`${field}.`) || k.startsWith(`${field}/`));
  return part ? errors[part] : undefined;
}

/** How many acknowledged of how many asked, as the detail page reads it ("1 of 3"). */
export function acknowledgedShare(acks: Schemas["AnnouncementAcknowledgements"]): { done: number; asked: number } {
  return { done: acks.acknowledged.length, asked: acks.acknowledged.length + acks.notAcknowledged.length };
}
