import { TableWrap } from "../../components/ui";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { reportComplete, reportRows, type UploadReportLike } from "../../rollout";

/**
 * The report of a CSV upload: the totals, then every row with its outcome (refused rows first,
 * with their reason, so they are what the lead reads first). Created and matched rows are done
 * whatever happened to the others.
 */
export function UploadReport({ report }: { report: UploadReportLike }) {
  const { t } = useI18n();
  const complete = reportComplete(report);
  return (
    <section aria-labelledby="h-report" className="report">
      <h3 id="h-report">{t("cohort.report")}</h3>
      <p role="status" className={complete ? "notice success" : "notice error"}>
        {t("cohort.reportSummary", { created: report.created, matched: report.matched, refused: report.refused })}
        {!complete && (
          <>
            {" "}
            <strong>{t("cohort.reportRefused")}</strong>
          </>
        )}
      </p>
      <TableWrap label={t("cohort.reportRows")}>
        <table>
          <caption className="visually-hidden">{t("cohort.reportRows")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("cohort.row")}</th>
              <th scope="col">{t("cohort.outcome")}</th>
              <th scope="col">{t("cohort.patientId")}</th>
              <th scope="col">{t("rollout.reason")}</th>
            </tr>
          </thead>
          <tbody>
            {reportRows(report).map((r) => (
              <tr key={r.row} className={r.outcome === "refused" ? "refused" : undefined}>
                <th scope="row">{r.row}</th>
                <td>{t(`outcome.${r.outcome}` as MessageKey)}</td>
                <td className="id">{r.patientId ?? ""}</td>
                <td>{r.reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}
