import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { unwrap, type Api, type Schemas } from "../../api/client";
import { useApp } from "../../context";
import type { MessageKey } from "../../i18n/en";

// Reporting a problem, as the reporter sees it: where they report (a patient's context, or their
// own staff account), what the page sends about where they were, and their reports.

export type ProblemReport = Schemas["ProblemReport"];
export type ProblemReportSummary = Schemas["ProblemReportSummary"];
export type ReportStatus = Schemas["ProblemReportStatus"];
export type NewReport = Schemas["NewReport"];

/** Where a report is filed and read: a patient's context (patient or caregiver), or staff's own. */
export type Reporter = { kind: "patient"; patientId: string } | { kind: "staff" };

/** The app's base path of the reporter's reports. */
export function reportsPath(reporter: Reporter): string {
  return reporter.kind === "patient" ? `/p/${reporter.patientId}/reports` : "/account/reports";
}

/** The web app's version (package.json, put in by Vite at build time). */
declare const __APP_VERSION__: string | undefined;
export function appVersion(): string {
  const version = typeof __APP_VERSION__ === "string" ? __APP_VERSION__ : "";
  // The API takes 1–40 of [A-Za-z0-9.+-]; anything else is not worth refusing a report over.
  const clean = version.replace(/[^A-Za-z0-9.+-]/g, "").slice(0, 40);
  return clean || "unknown";
}

const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a path segment that names someone or something (an id), not a place in the app. */
function isId(segment: string): boolean {
  if (ULID.test(segment) || UUID.test(segment)) return true;
  // Long ids of other shapes (hex record ids, tokens, emails, anything encoded).
  if (/[%@]/.test(segment)) return true;
  return segment.length >= 16 && /\d/.test(segment);
}

/**
 * The page a report names: the app path without query or fragment, each id replaced by `:id`
 * (a report says where, never whose), at most 200 characters.
 */
export function pageOf(pathname: string): string {
  const path = pathname.split(/[?#]/)[0] ?? "/";
  const segments = path
    .split("/")
    .filter(Boolean)
    .map((s) => (isId(s) ? ":id" : s));
  const page = `/${segments.join("/")}`;
  return page.length > 200 ? page.slice(0, 200) : page;
}

export const REPORT_STATUSES: readonly ReportStatus[] = ["new", "triaged", "in-progress", "waiting-on-reporter", "resolved"];
export const statusKey = (status: ReportStatus) => `report.status.${status}` as MessageKey;

/** The first words of what happened, for a list. */
export function summaryOf(text: string, max = 100): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export async function fileReport(api: Api, reporter: Reporter, body: NewReport, key: string): Promise<ProblemReport> {
  const call =
    reporter.kind === "patient"
      ? api.POST("/patients/{patientId}/reports", {
          params: { path: { patientId: reporter.patientId }, header: { "Idempotency-Key": key } },
          body,
        })
      : api.POST("/account/reports", { params: { header: { "Idempotency-Key": key } }, body });
  return (await unwrap(call)).data;
}

export async function replyToReport(api: Api, reporter: Reporter, reportId: string, text: string): Promise<ProblemReport> {
  const call =
    reporter.kind === "patient"
      ? api.POST("/patients/{patientId}/reports/{reportId}/replies", {
          params: { path: { patientId: reporter.patientId, reportId } },
          body: { text },
        })
      : api.POST("/account/reports/{reportId}/replies", { params: { path: { reportId } }, body: { text } });
  return (await unwrap(call)).data;
}

export const reporterKey = (reporter: Reporter) => (reporter.kind === "patient" ? reporter.patientId : "account");

/** The caller's reports, newest first, a page at a time. */
export function useMyReports(reporter: Reporter) {
  const { api } = useApp();
  return useInfiniteQuery({
    queryKey: ["my-reports", reporterKey(reporter)],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Schemas["PageOfProblemReports"]) => last.nextCursor ?? undefined,
    queryFn: async ({ pageParam }) => {
      const query = pageParam ? { cursor: pageParam } : {};
      const call =
        reporter.kind === "patient"
          ? api.GET("/patients/{patientId}/reports", { params: { path: { patientId: reporter.patientId }, query } })
          : api.GET("/account/reports", { params: { query } });
      return (await unwrap(call)).data;
    },
  });
}

export function useMyReport(reporter: Reporter, reportId: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: ["my-report", reporterKey(reporter), reportId],
    queryFn: async () => {
      const call =
        reporter.kind === "patient"
          ? api.GET("/patients/{patientId}/reports/{reportId}", {
              params: { path: { patientId: reporter.patientId, reportId } },
            })
          : api.GET("/account/reports/{reportId}", { params: { path: { reportId } } });
      return (await unwrap(call)).data;
    },
  });
}

