import { useQuery } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../../api/client";
import { getSession } from "../../../auth/session";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import type { MessageKey } from "../../../i18n/en";
import { featureLabel, type IdeaStatus } from "../../../feedback-staff";

export type Idea = Schemas["Idea"];

/** What the signed-in staff member may do on these screens (the API decides; this only hides what it would refuse). */
export function useStaffRights() {
  const groups = getSession()?.claims.groups ?? [];
  const lead = groups.includes("portal-leads");
  const responseTeam = groups.includes("response-team");
  return {
    /** Add and change ideas, decide suggestions, run polls, open surveys. */
    manage: lead,
    /** Read the comments and answer them. */
    comments: lead || responseTeam,
  };
}

export function useIdeas() {
  const { api } = useApp();
  return useQuery({
    queryKey: ["feedback", "ideas"],
    queryFn: async () => (await unwrap(api.GET("/feedback/ideas"))).data,
  });
}

export function useFeatureName(): (feature: string) => string {
  const { t } = useI18n();
  return (feature) => featureLabel(t, feature);
}

export function StatusTag({ status }: { status: IdeaStatus }) {
  const { t } = useI18n();
  return <span className={`tag fs-idea-${status}`}>{t(`feedbackStaff.status.${status}` as MessageKey)}</span>;
}

/** Saves `text` as a file (a CSV answer of the API). */
export function saveText(text: string, name: string, type = "text/csv") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
