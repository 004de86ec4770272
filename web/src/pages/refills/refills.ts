import type { Schemas } from "../../api/client";
import type { MessageKey } from "../../i18n/en";

// Refill requests (issue 20), the pure part: words for statuses and reasons, the status timeline
// a patient reads, the checks a form makes before it sends, and the queue's order. No React here:
// the unit tests exercise it directly.

export type RefillRequest = Schemas["RefillRequest"];
export type StaffRefillRequest = Schemas["StaffRefillRequest"];
export type RefillStatus = Schemas["RefillStatus"];
export type RefillReason = Schemas["RefillReason"];
export type RefillMedication = Schemas["RefillMedication"];
export type Pharmacy = Schemas["Pharmacy"];
export type PharmacyInput = Schemas["PharmacyInput"];
export type RefillDecisionInput = Schemas["RefillDecisionInput"];
export type DenyReason = Schemas["RefillDenyReason"];
export type Outcome = Schemas["RefillOutcome"];

export const REFILL_REASONS: readonly RefillReason[] = ["inactive", "controlled-substance", "no-recent-visit", "request-open", "not-prescribable"];
export const DENY_REASONS: readonly DenyReason[] = ["not-appropriate", "needs-labs", "changed-therapy", "duplicate", "other"];
export const OUTCOMES: readonly Outcome[] = ["approve", "deny", "visit-needed"];

/** The app's base path of a patient's prescriptions. */
export const refillsPath = (patientId: string) => `/p/${patientId}/refills`;
/** Where a visit is booked (offered when the clinician asks for one). */
export const bookingPath = (patientId: string) => `/p/${patientId}/appointments/book`;

export const statusKey = (status: RefillStatus) => `refills.status.${status}` as MessageKey;
export const denyReasonKey = (reason: DenyReason) => `refills.denyReason.${reason}` as MessageKey;

/** The words for why a medication cannot be renewed; a code this app does not know yet reads generically. */
export function reasonKey(code: string): MessageKey {
  return (REFILL_REASONS as readonly string[]).includes(code) ? (`refills.reason.${code}` as MessageKey) : "refills.reason.unknown";
}

/** Open: the practice has not decided yet, and the patient may still withdraw it. */
export const isOpen = (status: RefillStatus) => status === "requested" || status === "in-review";

// ---- the status timeline ------------------------------------------------------------------------

export type StepKind = "requested" | "in-review" | "decided" | "sent" | "withdrawn";
export type StepState = "done" | "current" | "upcoming";

/** One step of the patient's timeline: what happened (or is still to come), when and by whom. */
export interface Step {
  kind: StepKind;
  /** For `decided`: the decision's status once there is one. */
  status?: RefillStatus;
  state: StepState;
  at?: string;
  /** Who, by name when their sign-in carries one, else in which capacity (`role`). */
  by?: { name?: string; role?: ActorRole };
  note?: string;
}

export type ActorRole = Schemas["RefillActor"]["role"];
export const roleKey = (role: ActorRole) => `refills.role.${role}` as MessageKey;

/** A person on a request: their name, or the words for their capacity (capitalised when they stand alone). */
export function actorName(
  t: (key: MessageKey) => string,
  actor: { name?: string; role?: ActorRole } | undefined,
  fallback: MessageKey,
  { alone = false }: { alone?: boolean } = {},
): string {
  if (actor?.name) return actor.name;
  const words = t(actor?.role ? roleKey(actor.role) : fallback);
  return alone ? words.charAt(0).toUpperCase() + words.slice(1) : words;
}

type Entry = RefillRequest["history"][number];

const DECIDED: readonly RefillStatus[] = ["approved", "denied", "visit-needed"];

/**
 * The timeline the patient reads: requested → in review → decision → sent to the pharmacy, each
 * done (with its history entry), current (the last one reached) or still to come. A withdrawn
 * request ends at its withdrawal; a denial or a request for a visit ends at the decision (nothing
 * goes to a pharmacy). A decision taken without a review step skips it.
 */
export function buildTimeline(request: Pick<RefillRequest, "status" | "history" | "createdAt">): Step[] {
  const history = [...(request.history ?? [])].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const last = (pred: (e: Entry) => boolean) => [...history].reverse().find(pred);
  const from = (entry: Entry | undefined) =>
    entry ? { at: entry.at, by: { ...(entry.by?.name ? { name: entry.by.name } : {}), role: entry.by?.role }, ...(entry.note ? { note: entry.note } : {}) } : {};

  const requested = last((e) => e.status === "requested");
  const review = last((e) => e.status === "in-review");
  const decision = last((e) => DECIDED.includes(e.status));
  const sent = last((e) => e.status === "sent");
  const withdrawn = last((e) => e.status === "withdrawn");
  const status = request.status;

  const steps: Step[] = [{ kind: "requested", state: "done", ...(requested ? from(requested) : { at: request.createdAt }) }];
  if (status === "withdrawn") {
    if (review) steps.push({ kind: "in-review", state: "done", ...from(review) });
    steps.push({ kind: "withdrawn", state: "done", ...from(withdrawn) });
    return markCurrent(steps);
  }
  const decidedStatus = DECIDED.includes(status) ? status : status === "sent" ? "approved" : decision?.status;
  const reviewed = Boolean(review) || status === "in-review";
  // Review is a step of its own unless the decision came straight from `requested`.
  if (reviewed || !decidedStatus) steps.push({ kind: "in-review", state: reviewed ? "done" : "upcoming", ...from(review) });
  steps.push(
    decidedStatus
      ? { kind: "decided", status: decidedStatus, state: "done", ...from(decision) }
      : { kind: "decided", state: "upcoming" },
  );
  if (decidedStatus !== "denied" && decidedStatus !== "visit-needed") {
    steps.push(status === "sent" ? { kind: "sent", state: "done", ...from(sent) } : { kind: "sent", state: "upcoming" });
  }
  return markCurrent(steps);
}

function markCurrent(steps: Step[]): Step[] {
  let lastDone = -1;
  steps.forEach((s, i) => {
    if (s.state === "done") lastDone = i;
  });
  return steps.map((s, i) => (i === lastDone ? { ...s, state: "current" } : s));
}

/** The catalogue key of a step's heading. */
export function stepKey(step: Step): MessageKey {
  if (step.kind === "decided") return step.status ? statusKey(step.status) : "refills.step.decision";
  return `refills.step.${step.kind}` as MessageKey;
}

// ---- the staff queue ----------------------------------------------------------------------------

export type QueueState = "open" | "decided";

/** Open requests soonest due first (then oldest); decided ones most recently decided first. */
export function queueOrder<T extends Pick<StaffRefillRequest, "dueAt" | "createdAt" | "updatedAt" | "decision">>(items: T[], state: QueueState): T[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...items].sort((a, b) =>
    state === "open"
      ? cmp(a.dueAt, b.dueAt) || cmp(a.createdAt, b.createdAt)
      : cmp(b.decision?.decidedAt ?? b.updatedAt, a.decision?.decidedAt ?? a.updatedAt),
  );
}

// ---- checks before sending ----------------------------------------------------------------------

/** A pharmacy as typed into the form (every field a string). */
export interface PharmacyForm {
  name: string;
  line: string;
  city: string;
  state: string;
  postalCode: string;
  phone: string;
  ncpdpId: string;
  npi: string;
}

export const emptyPharmacyForm: PharmacyForm = { name: "", line: "", city: "", state: "", postalCode: "", phone: "", ncpdpId: "", npi: "" };

/** Field (the API's JSON path) → the catalogue key of what is wrong with it. */
export type Problems = Record<string, MessageKey>;

/** True for an NPI whose check digit is right (Luhn over the number with the `80840` prefix). */
export function npiValid(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false;
  const digits = `80840${npi}`.split("").map(Number);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // From the right, every second digit (the check digit is the first) is doubled.
    let d = digits[digits.length - 1 - i]!;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A phone as people write it (the API keeps it so): 7–15 digits with spaces, `+`, `-`, `.`, brackets. */
export function phoneValid(phone: string): boolean {
  const digits = phone.replace(/\D/g, "").length;
  return /^[0-9 +\-.()]+$/.test(phone) && digits >= 7 && digits <= 15 && phone.length <= 30;
}

/**
 * A pharmacy entered on a request may leave out the NCPDP id and the NPI (patients rarely know
 * them); the practice's directory entries need one of them.
 */
export const REQUEST_NEEDS_PHARMACY_ID = false;

/**
 * Checks a typed pharmacy and makes the API's body of it, or names what is wrong (the same rules
 * as the API). The directory needs an NCPDP id or an NPI (`requireId`); a request does not.
 */
export function checkPharmacy(form: PharmacyForm, { requireId }: { requireId: boolean }): { body: PharmacyInput } | { problems: Problems } {
  const problems: Problems = {};
  const trimmed = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v.trim()])) as unknown as PharmacyForm;
  // The API's limits: name and street 200 characters, city 100; a US state code and ZIP code.
  const required: [keyof PharmacyForm, string, number][] = [
    ["name", "name", 200],
    ["line", "address.line", 200],
    ["city", "address.city", 100],
    ["state", "address.state", 2],
    ["postalCode", "address.postalCode", 10],
  ];
  for (const [key, field, max] of required) {
    if (!trimmed[key]) problems[field] = "refills.error.required";
    else if (trimmed[key].length > max && key !== "state" && key !== "postalCode") problems[field] = "refills.error.tooLong";
  }
  if (trimmed.state && !/^[A-Za-z]{2}$/.test(trimmed.state)) problems["address.state"] = "refills.error.state";
  if (trimmed.postalCode && !/^\d{5}(-\d{4})?$/.test(trimmed.postalCode)) problems["address.postalCode"] = "refills.error.zip";
  const phone = trimmed.phone;
  if (!phone) problems.phone = "refills.error.required";
  else if (!phoneValid(phone)) problems.phone = "refills.error.phone";
  if (trimmed.ncpdpId && !/^\d{7}$/.test(trimmed.ncpdpId)) problems.ncpdpId = "refills.error.ncpdpId";
  if (trimmed.npi && !npiValid(trimmed.npi)) problems.npi = "refills.error.npi";
  if (requireId && !trimmed.ncpdpId && !trimmed.npi) problems.ncpdpId = "refills.error.pharmacyId";
  if (Object.keys(problems).length) return { problems };
  return {
    body: {
      name: trimmed.name,
      address: { line: trimmed.line, city: trimmed.city, state: trimmed.state.toUpperCase(), postalCode: trimmed.postalCode },
      phone,
      ...(trimmed.ncpdpId ? { ncpdpId: trimmed.ncpdpId } : {}),
      ...(trimmed.npi ? { npi: trimmed.npi } : {}),
    },
  };
}

/** The clinician's decision as typed. */
export interface DecisionForm {
  outcome: Outcome | "";
  quantityValue: string;
  quantityUnit: string;
  refills: string;
  reasonCode: DenyReason | "";
  message: string;
}

export const emptyDecisionForm: DecisionForm = { outcome: "", quantityValue: "", quantityUnit: "", refills: "0", reasonCode: "", message: "" };

export const MESSAGE_MAX = 2000;
export const NOTE_MAX = 1000;

/** Checks a decision and makes its body (only the fields its outcome takes), or names what is wrong. */
export function checkDecision(form: DecisionForm): { body: RefillDecisionInput } | { problems: Problems } {
  const problems: Problems = {};
  const message = form.message.trim();
  if (message.length > MESSAGE_MAX) problems.message = "refills.error.tooLong";
  if (!form.outcome) return { problems: { ...problems, outcome: "refills.error.outcome" } };
  if (form.outcome === "approve") {
    const value = Number(form.quantityValue.trim());
    if (!form.quantityValue.trim()) problems["quantity.value"] = "refills.error.required";
    else if (!Number.isFinite(value) || value <= 0) problems["quantity.value"] = "refills.error.quantity";
    const unit = form.quantityUnit.trim();
    if (!unit) problems["quantity.unit"] = "refills.error.required";
    else if (unit.length > 40) problems["quantity.unit"] = "refills.error.tooLong";
    const refills = Number(form.refills.trim());
    if (!/^\d{1,2}$/.test(form.refills.trim()) || refills > 11) problems.refills = "refills.error.refills";
    if (Object.keys(problems).length) return { problems };
    return { body: { outcome: "approve", quantity: { value, unit }, refills, ...(message ? { message } : {}) } };
  }
  if (form.outcome === "deny" && !form.reasonCode) problems.reasonCode = "refills.error.reasonCode";
  if (!message) problems.message = "refills.error.messageRequired";
  if (Object.keys(problems).length) return { problems };
  return {
    body: form.outcome === "deny" ? { outcome: "deny", reasonCode: form.reasonCode as DenyReason, message } : { outcome: "visit-needed", message },
  };
}

/** A medication's name with its first code, for a screen reader and a list. */
export function medicationLabel(m: { title: string }): string {
  return m.title.trim() || "—";
}
