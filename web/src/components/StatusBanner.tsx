import { useState } from "react";
import { featureKey, usePatientFeatures } from "../features";
import { useI18n } from "../i18n";
import {
  dismissalKey,
  incidentStatusKey,
  incidentsFor,
  latestUpdate,
  loadDismissed,
  saveDismissed,
  usePublicStatus,
} from "../pages/support/status";
import "./support.css";

/**
 * The incidents under way that touch the person: above every page, until they put one away
 * (it comes back with its next update). Staff see every active incident; a patient or
 * caregiver those on features the patient being viewed has on. Silent when the status page
 * cannot be read: it is a courtesy, not the app.
 */
export function StatusBanner({ sub, staff, patientId }: { sub: string; staff: boolean; patientId: string | undefined }) {
  const { t, dateTime } = useI18n();
  const status = usePublicStatus(staff || Boolean(patientId));
  const features = usePatientFeatures(staff ? undefined : patientId);
  const [dismissed, setDismissed] = useState(() => loadDismissed(sub));
  if (!status.data || (!staff && features.pending)) return null;
  const shown = incidentsFor(status.data.incidents ?? [], { staff, on: features.on }, dismissed);
  if (!shown.length) return null;
  const dismiss = (key: string) => {
    const next = new Set(dismissed);
    next.add(key);
    saveDismissed(sub, next);
    setDismissed(next);
  };
  return (
    <section className="status-banner" aria-labelledby="status-banner-title">
      <h2 id="status-banner-title" className="visually-hidden">
        {t("statusBanner.title")}
      </h2>
      <ul className="plain">
        {shown.map((incident) => {
          const update = latestUpdate(incident);
          const titleId = `incident-${incident.incidentId}`;
          return (
            <li key={incident.incidentId} className="status-incident">
              <div className="status-incident-text">
                <p className="notice-title" id={titleId}>
                  {incident.title}{" "}
                  <span className="tag">{t(incidentStatusKey(incident.status))}</span>
                </p>
                <p className="muted status-features">
                  {t("statusBanner.features", { features: incident.features.map((f) => t(featureKey(f))).join(", ") })}
                </p>
                {update && (
                  <p>
                    <span className="muted">{t("statusBanner.updated", { date: dateTime(update.at) })}</span> {update.text}
                  </p>
                )}
              </div>
              <button
                type="button"
                className="link-button"
                aria-label={t("statusBanner.dismissNamed", { title: incident.title })}
                onClick={() => dismiss(dismissalKey(incident))}
              >
                {t("statusBanner.dismiss")}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
