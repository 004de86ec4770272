import { useSyncExternalStore } from "react";
import { useQuery } from "@tanstack/react-query";
import { getSession, isStaff, subscribe } from "../../auth/session";
import { usePatientFeatures } from "../../features";
import { unwrap } from "../../api/client";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { aboutPath, type About } from "./about";

/**
 * "About: …" on a new message and on a thread, linking to the record or appointment. A record is
 * named by its title when the reader may read it (the front desk may not: then a plain label).
 */
export function AboutLink({ patientId, about }: { patientId: string; about: About }) {
  const { api } = useApp();
  const { t } = useI18n();
  const record = useQuery({
    queryKey: ["record", patientId, about.id],
    enabled: about.kind === "record",
    retry: false,
    queryFn: async () =>
      (await unwrap(api.GET("/patients/{patientId}/records/{recordId}", { params: { path: { patientId, recordId: about.id } } }))).data,
  });
  const label = about.kind === "appointment" ? t("messages.about.appointment") : (record.data?.title ?? t("messages.about.record"));
  return (
    <p className="about">
      {t("messages.about")} <Link to={aboutPath(patientId, about)}>{label}</Link>
    </p>
  );
}

/**
 * Whether the reader may start a message about one of this patient's items: the patient or their
 * caregiver, with messaging on (staff answer conversations; they do not start them for patients).
 */
export function useMessagesAbout(patientId: string): boolean {
  const session = useSyncExternalStore(subscribe, getSession);
  const patientSide = session ? !isStaff(session.claims) : false;
  const features = usePatientFeatures(patientSide ? patientId : undefined);
  return patientSide && !features.pending && features.on("messaging");
}
