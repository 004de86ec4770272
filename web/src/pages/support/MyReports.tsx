import { ErrorNotice, NotFound, Page, isNotFound } from "../../components/ui";
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
      {reports.isPending ? (
        <p role="status" className="muted">
          {t("app.loading")}
        </p>
      ) : reports.error && !items.length ? (
        <ErrorNotice error={reports.error} retry={() => void reports.refetch()} />
      ) : items.length ? (
        <ul className="plain report-list">
          {items.map((r) => (
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
      ) : (
        <p className="muted">{t("myReports.none")}</p>
      )}
      {reports.error && items.length > 0 && <ErrorNotice error={reports.error} retry={() => void reports.fetchNextPage()} />}
      {reports.hasNextPage && (
        <button type="button" onClick={() => void reports.fetchNextPage()} disabled={reports.isFetchingNextPage}>
          {t("myReports.more")}
        </button>
      )}
    </Page>
  );
}
