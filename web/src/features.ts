import { useQuery } from "@tanstack/react-query";
import { ApiError, unwrap, type Schemas } from "./api/client";
import { useApp } from "./context";
import type { MessageKey } from "./i18n/en";

// Feature switches, as the app sees them: the API decides every access (a switched-off feature
// answers the problem `feature-off` on each of its routes); the app only hides what is off for
// the patient being viewed, so nobody is offered a screen that would refuse them.

export type Feature = Schemas["FeatureName"];

/** Every switchable patient-facing feature, in the order the switches page lists them. */
export const FEATURES: readonly Feature[] = [
  "record-import",
  "messaging",
  "online-booking",
  "waitlist",
  "check-in",
  "care-circle",
  "feedback",
  "problem-reports",
  "announcements",
  "refills",
  "education",
];

/** The catalogue key of a feature's name. */
export const featureKey = (feature: string) => `feature.${feature}` as MessageKey;

/** What the app knows of a patient's features: `on` answers for one feature. */
export interface FeatureSet {
  /** True while the answer is not known yet: gated items stay hidden until then. */
  pending: boolean;
  on: (feature: Feature) => boolean;
}

/**
 * The features of `GET /patients/{patientId}/features`. A feature missing from the answer is on
 * (a feature without a switch is on for everyone). While loading, everything gated is hidden (no
 * flash of an offer that then disappears); if the call fails, everything is shown and the API's
 * own answer (`feature-off`) is what the person sees.
 */
export function featureSet(
  answer: { features: { feature: string; on: boolean }[] } | undefined,
  state: { pending: boolean; failed: boolean },
): FeatureSet {
  if (state.failed) return { pending: false, on: () => true };
  if (state.pending || !answer) return { pending: true, on: () => false };
  const off = new Set((answer.features ?? []).filter((f) => !f.on).map((f) => f.feature));
  return { pending: false, on: (feature) => !off.has(feature) };
}

/** The feature a patient-side route belongs to (the whole screen is the feature), if any. */
export function featureOfPath(path: string): Feature | null {
  const parts = path.split("/").filter(Boolean);
  if (parts[0] !== "p" || parts.length < 3) return null;
  const [, , section, sub, leaf] = parts;
  if (section === "messages") return "messaging";
  if (section === "care-circle") return "care-circle";
  // The feedback pages: ratings, suggestions, polls and usability surveys.
  if (section === "feedback" || section === "polls" || section === "surveys") return "feedback";
  // The problems the patient (or their caregiver) reported, and the team's answers.
  if (section === "reports") return "problem-reports";
  // What's new: the practice's announcements.
  if (section === "whats-new") return "announcements";
  // Prescriptions: renewing a medication (refill requests).
  if (section === "refills") return "refills";
  // Health education: topics matched to the record.
  if (section === "education") return "education";
  if (section === "appointments" && (sub === "book" || leaf === "reschedule")) return "online-booking";
  return null;
}

/** The feature a main-navigation section stands for (hidden when off). */
export function featureOfSection(slug: string): Feature | null {
  if (slug === "feedback") return "feedback";
  if (slug === "reports") return "problem-reports";
  if (slug === "whats-new") return "announcements";
  if (slug === "refills") return "refills";
  if (slug === "education") return "education";
  return slug === "messages" ? "messaging" : null;
}

/** True when the API refused because the feature is switched off for this person. */
export function isFeatureOff(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403 && /(^|\/)feature-off$/.test(error.problem.type);
}

/** The features of the patient being viewed (`me` for a patient's own record). */
export function usePatientFeatures(patientId: string | undefined): FeatureSet {
  const { api } = useApp();
  const query = useQuery({
    queryKey: ["features", patientId],
    enabled: Boolean(patientId),
    // Switches change within a minute at the API; the app asks again at most this often.
    staleTime: 60_000,
    queryFn: async () =>
      (await unwrap(api.GET("/patients/{patientId}/features", { params: { path: { patientId: patientId! } } }))).data,
  });
  if (!patientId) return { pending: false, on: () => true };
  return featureSet(query.data, { pending: query.isPending, failed: query.isError });
}
