import { useQuery } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../api/client";
import { useApp } from "../../context";
import type { Feature } from "../../features";
import type { MessageKey } from "../../i18n/en";

// The status banner's rules: which incidents a person is shown (the active ones on features
// they have; staff see every active one), and which they have put away (per incident update:
// a new update shows the incident again).

export type PublicIncident = Schemas["PublicIncident"];
export type IncidentStatus = Schemas["IncidentStatus"];

export const incidentStatusKey = (status: IncidentStatus) => `statusBanner.status.${status}` as MessageKey;

/** The newest update of an incident (updates come oldest first; the order is not relied on). */
export function latestUpdate(incident: PublicIncident): Schemas["PublicIncidentUpdate"] | undefined {
  return (incident.updates ?? []).reduce<Schemas["PublicIncidentUpdate"] | undefined>(
    (newest, u) => (!newest || u.at > newest.at ? u : newest),
    undefined,
  );
}

/** What one dismissal puts away: this incident as of its latest update. */
export function dismissalKey(incident: PublicIncident): string {
  return `${incident.incidentId}@${latestUpdate(incident)?.at ?? incident.updatedAt}`;
}

/**
 * The active incidents a person is shown: staff see all of them; patients and caregivers those
 * touching a feature they have on (a feature the answer does not name counts as on).
 */
export function incidentsFor(
  incidents: readonly PublicIncident[],
  who: { staff: boolean; on: (feature: Feature) => boolean },
  dismissed: ReadonlySet<string>,
): PublicIncident[] {
  return incidents.filter(
    (i) =>
      i.status !== "resolved" &&
      (who.staff || (i.features ?? []).some((f) => who.on(f))) &&
      !dismissed.has(dismissalKey(i)),
  );
}

/** Each person's own: on a shared computer, one person's dismissal hides nothing from the next. */
const storageKey = (sub: string) => `portal.dismissedIncidents.${sub}`;
/** Enough for every incident a practice has at once; the oldest are forgotten first. */
const KEEP = 50;

export function loadDismissed(sub: string): Set<string> {
  try {
    const raw = localStorage.getItem(storageKey(sub));
    const list: unknown = raw ? JSON.parse(raw) : [];
    return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : []);
  } catch {
    // Storage may be unavailable (private mode) or hold something else: nothing is dismissed.
    return new Set();
  }
}

export function saveDismissed(sub: string, dismissed: ReadonlySet<string>): void {
  try {
    localStorage.setItem(storageKey(sub), JSON.stringify([...dismissed].slice(-KEEP)));
  } catch {
    // A banner that comes back after a reload is better than no app.
  }
}

/** `GET /public/status`, asked again every minute while the app is open. */
export function usePublicStatus(enabled: boolean) {
  const { api } = useApp();
  return useQuery({
    queryKey: ["public-status"],
    enabled,
    staleTime: 30_000,
    refetchInterval: 60_000,
    // The banner is a courtesy: a failure shows nothing and is not retried at once.
    retry: false,
    queryFn: async () => (await unwrap(api.GET("/public/status"))).data,
  });
}
