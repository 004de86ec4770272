import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../../api/client";
import { getSession } from "../../../auth/session";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import type { MessageKey } from "../../../i18n/en";
import { featureLabel } from "../../../feedback-staff";
import { FEATURES } from "../../../features";
import type { Errors } from "./logic";
import "./team.css";

export type TeamReport = Schemas["TeamReport"];
export type Incident = Schemas["Incident"];
export type Feature = Schemas["FeatureName"];

/** Every feature a report or an incident may be about: the switchable ones and the reporter itself. */
export const TEAM_FEATURES: readonly Feature[] = [...new Set<Feature>([...FEATURES, "problem-reports"])];

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** A key of this screens' catalogue (`support-team.ts`), built from a value the API sent. */
export const key = (k: string) => `supportTeam.${k}` as MessageKey;

export function useFeatureName(): (feature: string) => string {
  const { t } = useI18n();
  return (feature) => featureLabel(t, feature);
}

/** Who did something, as the team reads it: "You", the reporter, or the staff member's user id. */
export function useWho(): (sub: string | null | undefined, reporterSub?: string) => string {
  const { t } = useI18n();
  const me = getSession()?.claims.sub;
  return (sub, reporterSub) => {
    if (!sub) return t("supportTeam.nobody");
    if (sub === me) return t("supportTeam.you");
    if (reporterSub && sub === reporterSub) return t("supportTeam.reporter");
    return sub;
  };
}

/** The messages of the field errors the form found itself. */
export function localErrors(errors: Errors, t: T): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([field, k]) => [field, t(key(`error.${k}`))]));
}

export function SeverityTag({ severity }: { severity?: string | null }) {
  const { t } = useI18n();
  if (!severity) return <span className="tag">{t("supportTeam.severity.none")}</span>;
  return <span className={`tag st-severity-${severity}`}>{t(key(`severity.${severity}`))}</span>;
}

export function StatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  return <span className={status === "resolved" ? "tag on" : "tag"}>{t(key(`status.${status}`))}</span>;
}

/** A missed target, in words (never colour alone). */
export function BreachedTag() {
  const { t } = useI18n();
  return <span className="tag off st-breached">{t("supportTeam.breached")}</span>;
}

export function IncidentStatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  return <span className={status === "resolved" ? "tag on" : "tag off"}>{t(key(`incidentStatus.${status}`))}</span>;
}

/** One report as the team sees it, with the ETag its changes send back in If-Match. */
export function useTeamReport(reportId: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: ["support", "report", reportId],
    // Others on the team work the same report: asked again each time the page opens.
    staleTime: 0,
    queryFn: async () => {
      const { data, response } = await unwrap(api.GET("/support/reports/{reportId}", { params: { path: { reportId } } }));
      return { report: data, etag: response.headers.get("ETag") ?? `"${data.version}"` };
    },
  });
}

export function useRefreshReport(reportId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["support", "report", reportId] }),
      queryClient.invalidateQueries({ queryKey: ["support", "queue"] }),
    ]);
}

export function useIncident(incidentId: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: ["support", "incident", incidentId],
    staleTime: 0,
    queryFn: async () => {
      const { data, response } = await unwrap(api.GET("/support/incidents/{incidentId}", { params: { path: { incidentId } } }));
      return { incident: data, etag: response.headers.get("ETag") ?? `"${data.version}"` };
    },
  });
}
