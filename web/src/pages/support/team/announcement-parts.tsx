import { useQuery } from "@tanstack/react-query";
import { unwrap } from "../../../api/client";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import type { MessageKey } from "../../../i18n/en";
import type { Audience } from "./announce";

// What the team's announcement screens share: the audience and state in words, and the reads.

/** Who it is for, in words ("Staff: Front desk, Clinician"). */
export function useAudienceWords(): (audience: Audience) => string {
  const { t } = useI18n();
  return (a) => {
    switch (a.kind) {
      case "cohort":
        return t("announce.audience.cohort", { cohort: a.cohort });
      case "staff":
        return t("announce.audience.staff", { roles: a.roles.map((r) => t(`role.${r}` as MessageKey)).join(", ") });
      case "practices":
        return t("announce.audience.practices", { emails: a.emails.join(", ") });
      default:
        return t(`announce.audience.${a.kind}` as MessageKey);
    }
  };
}

/** The state in words, never colour alone. */
export function AnnouncementStateTag({ state }: { state: string }) {
  const { t } = useI18n();
  const tone = state === "published" ? "tag on" : state === "expired" ? "tag off" : "tag";
  return <span className={tone}>{t(`announce.state.${state}` as MessageKey)}</span>;
}

export function useAnnouncements() {
  const { api } = useApp();
  return useQuery({
    queryKey: ["support", "announcements"],
    // Counts move as people read: asked again each time the page opens.
    staleTime: 0,
    queryFn: async () => (await unwrap(api.GET("/support/announcements"))).data,
  });
}

export function useAnnouncement(announcementId: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: ["support", "announcement", announcementId],
    staleTime: 0,
    queryFn: async () => (await unwrap(api.GET("/support/announcements/{announcementId}", { params: { path: { announcementId } } }))).data,
  });
}

export function useAcknowledgements(announcementId: string, enabled: boolean) {
  const { api } = useApp();
  return useQuery({
    queryKey: ["support", "announcement", announcementId, "acknowledgements"],
    enabled,
    staleTime: 0,
    queryFn: async () =>
      (await unwrap(api.GET("/support/announcements/{announcementId}/acknowledgements", { params: { path: { announcementId } } }))).data,
  });
}
