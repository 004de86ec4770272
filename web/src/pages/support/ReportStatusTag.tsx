import { useI18n } from "../../i18n";
import { statusKey, type ReportStatus } from "./reporting";

/** Where a report stands, as its reporter reads it. */
export function ReportStatusTag({ status }: { status: ReportStatus }) {
  const { t } = useI18n();
  return <span className={`tag report-status-${status}`}>{t(statusKey(status))}</span>;
}
