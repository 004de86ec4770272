import type { Schemas } from "../../api/client";

// What a conversation is about (issue 13): a record or an appointment of the patient's. A new
// message carries it in its address (`?about=record:<id>`), so the record and appointment
// screens link to a message already about them, and a thread links back.

export type About = Schemas["Reference"];

// The API's rules for a new conversation (docs/openapi.yaml `Reference`): a record id is 32
// lower-case hex digits, an appointment id a ULID. Anything else is ignored, not sent.
const RECORD_ID = /^[0-9a-f]{32}$/;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The `about` query parameter of a new message, or null when absent or not one of ours. */
export function parseAbout(value: string | null): About | null {
  if (!value) return null;
  const [kind, id, ...rest] = value.split(":");
  if (rest.length || !id) return null;
  if (kind === "record" && RECORD_ID.test(id)) return { kind, id };
  if (kind === "appointment" && ULID.test(id)) return { kind, id };
  return null;
}

/** The new-message screen, already about `about`. */
export function newMessageAbout(patientId: string, about: About): string {
  return `/p/${encodeURIComponent(patientId)}/messages/new?about=${about.kind}:${encodeURIComponent(about.id)}`;
}

/** Where the item a conversation is about is shown (an appointment: its card in the list). */
export function aboutPath(patientId: string, about: About): string {
  const base = `/p/${encodeURIComponent(patientId)}`;
  return about.kind === "record"
    ? `${base}/records/item/${encodeURIComponent(about.id)}`
    : `${base}/appointments#appt-${encodeURIComponent(about.id)}`;
}

/** The category a new message about `about` starts in (the patient may change it). */
export function categoryFor(about: About | null): Schemas["MessageCategory"] {
  return about?.kind === "appointment" ? "appointment" : "medical-question";
}
