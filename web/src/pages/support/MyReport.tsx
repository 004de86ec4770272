import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ErrorNotice, Field, Loaded, NotFound, Page, fieldErrors, isNotFound } from "../../components/ui";
import { useApp } from "../../context";
import { featureKey } from "../../features";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { Link } from "../../router";
import { ReportStatusTag } from "./ReportStatusTag";
import { replyToReport, reporterKey, reportsPath, statusKey, useMyReport, type ProblemReport, type Reporter } from "./reporting";
import "../../components/support.css";

// One problem the person reported: what they said, where it stands, the team's answers and
// their own replies, oldest first, and a form to add to it.

type Entry = ProblemReport["timeline"][number];

function entryKey(entry: Entry): MessageKey {
  if (entry.kind === "filed") return "myReport.entry.filed";
  if (entry.kind === "status") return "myReport.entry.status";
  return entry.from === "team" ? "myReport.entry.teamReply" : "myReport.entry.yourReply";
}

export default function MyReport({ reporter, reportId }: { reporter: Reporter; reportId: string }) {
  const { t } = useI18n();
  const report = useMyReport(reporter, reportId);
  if (isNotFound(report.error)) return <NotFound />;
  return (
    <Page title={t("myReport.title")}>
      <p>
        <Link to={reportsPath(reporter)}>{t("myReport.back")}</Link>
      </p>
      <Loaded query={report}>
        {(r) => (
          <>
            <Facts report={r} />
            <Timeline report={r} />
            <ReplyForm reporter={reporter} reportId={reportId} />
          </>
        )}
      </Loaded>
    </Page>
  );
}

function Facts({ report }: { report: ProblemReport }) {
  const { t, dateTime } = useI18n();
  return (
    <section className="card" aria-labelledby="h-report">
      <h2 id="h-report">{t("myReport.what")}</h2>
      <p className="message-text">{report.whatHappened}</p>
      <dl className="facts report-facts">
        <dt>{t("myReport.status")}</dt>
        <dd>
          <ReportStatusTag status={report.status} />
        </dd>
        <dt>{t("myReport.reported")}</dt>
        <dd>{dateTime(report.createdAt)}</dd>
        <dt>{t("myReport.feature")}</dt>
        <dd>{report.feature ? t(featureKey(report.feature)) : t("report.featureNone")}</dd>
        <dt>{t("report.page")}</dt>
        <dd>
          <code>{report.page}</code>
        </dd>
        <dt>{t("report.version")}</dt>
        <dd>{report.appVersion}</dd>
      </dl>
    </section>
  );
}

function Timeline({ report }: { report: ProblemReport }) {
  const { t, dateTime } = useI18n();
  const entries = [...(report.timeline ?? [])].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return (
    <section className="card" aria-labelledby="h-timeline">
      <h2 id="h-timeline">{t("myReport.timeline")}</h2>
      {entries.length ? (
        <ol className="plain report-timeline">
          {entries.map((e, i) => (
            <li key={`${e.at}-${i}`} className={`report-entry ${e.from === "team" ? "from-team" : "from-you"}`}>
              <p className="message-head">
                <strong>
                  {t(entryKey(e), { status: e.status ? t(statusKey(e.status)) : "" })}
                </strong>{" "}
                <span className="muted">{dateTime(e.at)}</span>
              </p>
              {e.kind === "reply" && e.text && <p className="message-text">{e.text}</p>}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">{t("app.none")}</p>
      )}
    </section>
  );
}

function ReplyForm({ reporter, reportId }: { reporter: Reporter; reportId: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setDone(false);
    if (!text.trim()) {
      setLocal({ text: t("myReport.replyRequired") });
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      const updated = await replyToReport(api, reporter, reportId, text.trim());
      queryClient.setQueryData(["my-report", reporterKey(reporter), reportId], updated);
      void queryClient.invalidateQueries({ queryKey: ["my-reports"] });
      setText("");
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = { ...fieldErrors(error), ...local };
  return (
    <form onSubmit={submit} className="card form" noValidate aria-labelledby="h-reply">
      <h2 id="h-reply">{t("myReport.reply")}</h2>
      <Field
        label={t("myReport.replyText")}
        hint={t("myReport.replyHint")}
        multiline
        maxLength={4000}
        value={text}
        onChange={(e) => setText(e.target.value)}
        error={errors.text}
      />
      {error !== null && !errors.text && <ErrorNotice error={error} />}
      {done && (
        <p role="status" className="notice success">
          {t("myReport.replySent")}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t("myReport.send")}
      </button>
    </form>
  );
}
