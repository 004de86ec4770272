import { LoadedList, NotFound, Page, isNotFound } from "../../components/ui";
import { featureKey } from "../../features";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { ReportStatusTag } from "./ReportStatusTag";
import { reportsPath, summaryOf, useMyReports, type Reporter } from "./reporting";
import "../../components/support.css";

// "My problem reports": what the person reported (in this patient's context, or as staff),
// newest first, each with where it stands.

export default function MyReports({ reporter }: { reporter: Reporter }) {
  const { t, dateTime } = useI18n();
  const reports = useMyReports(reporter);
  if (isNotFound(reports.error)) return <NotFound />;
  const items = reports.data?.pages.flatMap((p) => p.items ?? []) ?? [];
  return (
    <Page title={t("myReports.title")}>
      <p>{t("myReports.intro")}</p>
      <LoadedList query={reports} items={items} empty={t("myReports.none")} more={t("myReports.more")}>
        {(rows) => (
          <ul className="plain report-list">
            {rows.map((r) => (
              <li key={r.reportId} className="card report-item">
                <h2>
                  <Link to={`${reportsPath(reporter)}/${r.reportId}`}>{summaryOf(r.whatHappened)}</Link>
                </h2>
                <p className="record-meta">
                  <ReportStatusTag status={r.status} />
                  <span>{t("myReports.reported", { date: dateTime(r.createdAt) })}</span>
                  {r.updatedAt !== r.createdAt && <span>{t("myReports.updated", { date: dateTime(r.updatedAt) })}</span>}
                  {r.feature && <span>{t(featureKey(r.feature))}</span>}
                </p>
              </li>
            ))}
          </ul>
        )}
      </LoadedList>
    </Page>
  );
}
