// The notification screens' logic, kept apart from the components so that it is unit-tested:
// the preferences form and the body it sends, and the words for deliveries and contacts.
import type { Schemas } from "./api/client";
import type { MessageKey } from "./i18n/en";

export type Kind = Schemas["NotificationKind"];
export type Choice = Schemas["NotificationChannelChoice"];
export type Channels = Record<Kind, Choice>;
export type Reachability = Schemas["ContactReachability"];

/** The kinds a person chooses a channel for, in the order the form shows them. */
export const KINDS: Kind[] = [
  "new-portal-message",
  "appointment-booked",
  "appointment-moved",
  "appointment-cancelled",
  "appointment-reminder",
  "waitlist-offer",
  // What the practice did with the person's feedback (issue 17).
  "idea-status-changed",
  "suggestion-decided",
  "feedback-answered",
  // News of a problem the person reported (issue 18).
  "problem-report-updated",
  // The practice's news to a group the person is in (issue 18).
  "announcement",
  // A decision on a prescription renewal request (issue 20).
  "refill-decided",
];
export const CHOICES: Choice[] = ["email", "sms", "none"];

/** The form's state from the API's preferences (a kind the answer leaves out is by email, the default). */
export function formFromPreferences(prefs: Pick<Schemas["NotificationPreferences"], "channels">): Channels {
  const out = {} as Channels;
  for (const kind of KINDS) out[kind] = prefs.channels[kind] ?? "email";
  return out;
}

/**
 * The body of the PUT: only the kinds the person changed, so that a setting changed meanwhile on
 * another device is not overwritten; every kind when nothing changed (saving again confirms).
 */
export function preferencesChange(saved: Channels, form: Channels): Schemas["NotificationPreferencesChange"] {
  const changed: Schemas["NotificationChannels"] = {};
  for (const kind of KINDS) if (form[kind] !== saved[kind]) changed[kind] = form[kind];
  return { channels: Object.keys(changed).length ? changed : { ...form } };
}

/** The API's error for one kind's field (`channels.<kind>`, or the kind alone). */
export function kindError(errors: Record<string, string>, kind: Kind): string | undefined {
  return errors[`channels.${kind}`] ?? errors[`channels/${kind}`] ?? errors[kind];
}

/** Whether text messages can be chosen: a mobile number on file (keep a choice already made). */
export function smsSelectable(phone: Reachability, current: Choice): boolean {
  return phone.status !== "missing" || current === "sms";
}

/** "21:00" as the reader's locale writes a time of day (9:00 PM, 21:00). */
export function timeOfDay(hhmm: string, locale: string): string {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) return hhmm;
  const d = new Date(Date.UTC(1970, 0, 1, Number(m[1]) % 24, Number(m[2])));
  return new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit", timeZone: "UTC" }).format(d);
}

const KNOWN_KINDS = new Set<string>([
  ...KINDS,
  "care-circle-invitation",
  "activation-invitation",
  "staff-invitation",
  "password-reset",
  "new-sign-in",
]);

/** A delivery's kind in words; a kind this app does not know yet shows as the API names it. */
export function kindKey(kind: string): MessageKey | null {
  return KNOWN_KINDS.has(kind) ? (`notifications.kind.${kind}` as MessageKey) : null;
}

const KNOWN_REASONS = new Set(["preference", "no-contact", "undeliverable", "reminders-off", "expired", "rejected", "error"]);

/** A delivery's reason in words (null when there is none; the raw reason when unknown). */
export function reasonKey(reason: string | undefined): MessageKey | string | null {
  if (!reason) return null;
  return KNOWN_REASONS.has(reason) ? (`notifications.reason.${reason}` as MessageKey) : reason;
}

export function statusKey(status: Schemas["NotificationDelivery"]["status"]): MessageKey {
  return `notifications.status.${status}` as MessageKey;
}

/** How a contact's state reads: ok, missing, or undeliverable (since a date when known). */
export function contactKey(which: "email" | "phone", c: Reachability): MessageKey {
  if (c.status === "undeliverable") return c.since ? `notifications.contact.${which}.undeliverableSince` as MessageKey : `notifications.contact.${which}.undeliverable` as MessageKey;
  return `notifications.contact.${which}.${c.status}` as MessageKey;
}

/** Whether the front desk may send an activation code by this channel, and if not, why. */
export function deliverable(
  onFile: string | undefined,
  reach: Reachability | undefined,
): { ok: true } | { ok: false; why: "missing" | "undeliverable" } {
  if (!onFile || reach?.status === "missing") return { ok: false, why: "missing" };
  if (reach?.status === "undeliverable") return { ok: false, why: "undeliverable" };
  return { ok: true };
}
