import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import { ApiError, unwrap } from "../../../api/client";
import { ErrorNotice, Field, Loaded, NotFound, Page, TableWrap, fieldErrors, isNotFound } from "../../../components/ui";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import { getSession } from "../../../auth/session";
import { Link } from "../../../router";
import {
  REPLY_STATUSES,
  REPORT_TEXT_MAX,
  REPORT_STATUSES,
  SEVERITIES,
  mergeBody,
  switchOffBody,
  textError,
  triageBody,
  triageFormOf,
  type SwitchOffForm,
  type TriageForm,
} from "./logic";
import {
  BreachedTag,
  SeverityTag,
  StatusTag,
  TEAM_FEATURES,
  key,
  localErrors,
  useFeatureName,
  useRefreshReport,
  useTeamReport,
  useWho,
  type TeamReport,
} from "./common";

type Entry = TeamReport["timeline"][number];

/** One report as the team works it: what happened and where, the targets, the timeline with internal notes, and what the team can do. */
export default function Report({ reportId }: { reportId: string }) {
  const { t } = useI18n();
  const report = useTeamReport(reportId);
  if (report.error && isNotFound(report.error)) return <NotFound />;
  return (
    <Page title={t("supportTeam.report.title")} actions={<Link to="/support/reports">{t("supportTeam.report.back")}</Link>}>
      <Loaded query={report}>{({ report: r, etag }) => <ReportView report={r} etag={etag} />}</Loaded>
    </Page>
  );
}

function ReportView({ report: r, etag }: { report: TeamReport; etag: string }) {
  const { t } = useI18n();
  return (
    <>
      {r.mergedInto && (
        <p role="status" className="notice">
          {t("supportTeam.report.mergedInto")}{" "}
          <Link to={`/support/reports/${encodeURIComponent(r.mergedInto)}`} className="id">
            {r.mergedInto}
          </Link>
        </p>
      )}
      <Details report={r} />
      <Targets report={r} />
      <Triage report={r} etag={etag} />
      <Timeline report={r} />
      <Reply report={r} />
      <Note report={r} />
      {!r.mergedInto && <Merge report={r} />}
      <SwitchOff report={r} />
    </>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function Details({ report: r }: { report: TeamReport }) {
  const { t, dateTime } = useI18n();
  const featureName = useFeatureName();
  const who = useWho();
  return (
    <Section id="h-report-what" title={t("supportTeam.report.what")}>
      <p className="message-text">{r.whatHappened}</p>
      <dl className="facts stacked">
        <dt>{t("supportTeam.report.id")}</dt>
        <dd className="id">{r.reportId}</dd>
        <dt>{t("supportTeam.report.filed")}</dt>
        <dd>{dateTime(r.createdAt)}</dd>
        <dt>{t("supportTeam.report.page")}</dt>
        <dd className="id">{r.page}</dd>
        <dt>{t("supportTeam.feature")}</dt>
        <dd>{r.feature ? featureName(r.feature) : t("supportTeam.report.noFeature")}</dd>
        <dt>{t("supportTeam.report.appVersion")}</dt>
        <dd className="id">{r.appVersion}</dd>
        <dt>{t("supportTeam.reporterKind")}</dt>
        <dd>
          {t(key(`reporterKind.${r.reporter.kind}`))}
          {r.reporter.patientId && (
            <>
              {" · "}
              {t("supportTeam.report.patient")} <span className="id">{r.reporter.patientId}</span>
            </>
          )}
        </dd>
        <dt>{t("supportTeam.status")}</dt>
        <dd>
          <StatusTag status={r.status} />
        </dd>
        <dt>{t("supportTeam.severity")}</dt>
        <dd>
          <SeverityTag severity={r.severity} />
        </dd>
        <dt>{t("supportTeam.assignee")}</dt>
        <dd>{who(r.assignee)}</dd>
        <dt>{t("supportTeam.report.duplicates")}</dt>
        <dd>
          {r.duplicates.length ? (
            <ul className="plain">
              {r.duplicates.map((d) => (
                <li key={d}>
                  <Link to={`/support/reports/${encodeURIComponent(d)}`} className="id">
                    {d}
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            t("supportTeam.report.noDuplicates")
          )}
        </dd>
      </dl>
      <TableWrap label={t("supportTeam.report.switches")}>
        <table>
          <caption>{t("supportTeam.report.switches")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("supportTeam.feature")}</th>
              <th scope="col">{t("supportTeam.report.switchState")}</th>
            </tr>
          </thead>
          <tbody>
            {r.switches.map((s) => (
              <tr key={s.feature}>
                <th scope="row">{featureName(s.feature)}</th>
                <td>{s.on ? t("supportTeam.report.on") : t("supportTeam.report.off")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Section>
  );
}

function Targets({ report: r }: { report: TeamReport }) {
  const { t, dateTime } = useI18n();
  const { targets } = r;
  return (
    <Section id="h-report-targets" title={t("supportTeam.targets.title")}>
      <p>{targets.breached ? <BreachedTag /> : <span className="tag on">{t("supportTeam.targets.onTime")}</span>}</p>
      <dl className="facts stacked">
        <dt>{t("supportTeam.targets.firstResponseDue")}</dt>
        <dd>{dateTime(targets.firstResponseDue)}</dd>
        <dt>{t("supportTeam.targets.firstRespondedAt")}</dt>
        <dd>{targets.firstRespondedAt ? dateTime(targets.firstRespondedAt) : t("supportTeam.targets.notYet")}</dd>
        <dt>{t("supportTeam.targets.nextUpdateDue")}</dt>
        <dd>
          {targets.nextUpdateDue
            ? dateTime(targets.nextUpdateDue)
            : t(r.status === "resolved" || r.status === "waiting-on-reporter" ? "supportTeam.targets.paused" : "supportTeam.targets.afterFirst")}
        </dd>
      </dl>
    </Section>
  );
}

/** A change under If-Match: a 412 means someone else changed the report meanwhile, so it is read again. */
function useChange(reportId: string) {
  const refresh = useRefreshReport(reportId);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (change: () => Promise<unknown>): Promise<boolean> => {
    setError(null);
    setBusy(true);
    try {
      await change();
      await refresh();
      return true;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 412 || e.status === 409)) await refresh();
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const stale = error instanceof ApiError && (error.status === 412 || error.status === 409);
  return { run, error, busy, stale };
}

function Triage({ report: r, etag }: { report: TeamReport; etag: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const featureName = useFeatureName();
  const who = useWho();
  const id = useId();
  const me = getSession()?.claims.sub;
  const [form, setForm] = useState<TriageForm>(() => triageFormOf(r));
  const [local, setLocal] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const change = useChange(r.reportId);
  // A new version (this form's change or someone else's): the form starts from it.
  useEffect(() => {
    setForm(triageFormOf(r));
  }, [r.version]);
  const patch = (body: Record<string, unknown>, done: string) =>
    change
      .run(() =>
        unwrap(
          api.PATCH("/support/reports/{reportId}", {
            params: { path: { reportId: r.reportId }, header: { "If-Match": etag } },
            body,
          }),
        ),
      )
      .then((ok) => setSaved(ok ? done : null));
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    const checked = triageBody(r, form);
    if ("errors" in checked) {
      setLocal(localErrors(checked.errors, t));
      return;
    }
    setLocal({});
    await patch(checked.body, t("supportTeam.triage.saved"));
  };
  const errors = { ...fieldErrors(change.error), ...local };
  const select = (field: keyof TriageForm, label: string, options: { value: string; label: string }[]) => (
    <div className="field">
      <label htmlFor={`${id}-${field}`}>{label}</label>
      <select id={`${id}-${field}`} value={form[field]} onChange={(e) => setForm({ ...form, [field]: e.target.value })}
        aria-invalid={errors[field] ? true : undefined} aria-describedby={errors[field] ? `${id}-${field}-error` : undefined}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {errors[field] && (
        <p id={`${id}-${field}-error`} className="field-error">
          {errors[field]}
        </p>
      )}
    </div>
  );
  return (
    <Section id="h-report-triage" title={t("supportTeam.triage.title")}>
      <p>
        {t("supportTeam.assignee")}: <strong>{who(r.assignee)}</strong>
      </p>
      <div className="st-actions">
        {r.assignee !== me && (
          <button type="button" disabled={change.busy} onClick={() => void patch({ assignee: me }, t("supportTeam.triage.assigned"))}>
            {t("supportTeam.triage.assignMe")}
          </button>
        )}
        {r.assignee && (
          <button type="button" disabled={change.busy} onClick={() => void patch({ assignee: null }, t("supportTeam.triage.unassigned"))}>
            {t("supportTeam.triage.unassign")}
          </button>
        )}
      </div>
      <form onSubmit={save} className="form" noValidate aria-label={t("supportTeam.triage.title")}>
        <div className="grid">
          {select("severity", t("supportTeam.severity"), [
            ...(r.severity ? [] : [{ value: "", label: t("supportTeam.severity.none") }]),
            ...SEVERITIES.map((s) => ({ value: s, label: t(key(`severity.${s}`)) })),
          ])}
          {select("status", t("supportTeam.status"), REPORT_STATUSES.map((s) => ({ value: s, label: t(key(`status.${s}`)) })))}
          {select("feature", t("supportTeam.triage.feature"), [
            { value: "", label: t("supportTeam.report.noFeature") },
            ...TEAM_FEATURES.map((f) => ({ value: f, label: featureName(f) })),
          ])}
        </div>
        <p className="hint">{t("supportTeam.triage.hint")}</p>
        {errors.body && (
          <p role="alert" className="field-error">
            {errors.body}
          </p>
        )}
        <button type="submit" className="primary" disabled={change.busy}>
          {t("supportTeam.triage.save")}
        </button>
      </form>
      {saved && (
        <p role="status" className="notice success">
          {saved}
        </p>
      )}
      {change.stale ? (
        <p role="alert" className="notice error">
          {t("supportTeam.stale")}
        </p>
      ) : (
        change.error !== null && Object.keys(fieldErrors(change.error)).length === 0 && <ErrorNotice error={change.error} />
      )}
    </Section>
  );
}

function Timeline({ report: r }: { report: TeamReport }) {
  const { t } = useI18n();
  return (
    <Section id="h-report-timeline" title={t("supportTeam.timeline.title")}>
      <p className="muted">{t("supportTeam.timeline.intro")}</p>
      <ol className="st-timeline">
        {r.timeline.map((e, i) => (
          <li key={`${e.at}-${i}`}>
            <TimelineEntry entry={e} report={r} />
          </li>
        ))}
      </ol>
    </Section>
  );
}

/** Only a note or a switch-off stays inside the team; every other entry is something the reporter also reads (or a triage step). */
const isInternal = (e: Entry) => e.kind === "note" || e.kind === "switch-off";

function TimelineEntry({ entry: e, report: r }: { entry: Entry; report: TeamReport }) {
  const { t, dateTime } = useI18n();
  const featureName = useFeatureName();
  const who = useWho();
  const fromReporter = e.from ? e.from === "reporter" : e.by === r.reporter.sub;
  const by = who(e.by, r.reporter.sub);
  const internal = isInternal(e);
  const status = (s: string | undefined) => (s ? t(key(`status.${s}`)) : "—");
  const what = (() => {
    switch (e.kind) {
      case "filed":
        return t("supportTeam.timeline.filed", { who: by });
      case "reply":
        return fromReporter ? t("supportTeam.timeline.reporterReply", { who: by }) : t("supportTeam.timeline.teamReply", { who: by });
      case "note":
        return t("supportTeam.timeline.note", { who: by });
      case "status":
        return t("supportTeam.timeline.status", { who: by, status: status(e.status) });
      case "severity":
        return t("supportTeam.timeline.severity", { who: by, severity: e.severity ? t(key(`severity.${e.severity}`)) : "—" });
      case "assignee":
        return e.assignee ? t("supportTeam.timeline.assigned", { who: by, assignee: who(e.assignee) }) : t("supportTeam.timeline.unassigned", { who: by });
      case "feature":
        return e.feature ? t("supportTeam.timeline.feature", { who: by, feature: featureName(e.feature) }) : t("supportTeam.timeline.featureCleared", { who: by });
      case "merged":
        return t("supportTeam.timeline.merged", { who: by });
      case "switch-off":
        return t("supportTeam.timeline.switchOff", { who: by, feature: e.feature ? featureName(e.feature) : "—" });
      default:
        return by;
    }
  })();
  const className = internal
    ? "st-entry st-internal"
    : e.kind === "filed" || e.kind === "reply"
      ? fromReporter
        ? "st-entry"
        : "st-entry st-team"
      : "st-entry st-event";
  // (H5: the entry names the other report in `duplicateId` or `mergedInto`, as the API answers.)
  const linked = e.duplicateId ?? e.mergedInto;
  const other = linked && linked !== r.reportId ? linked : null;
  return (
    <article className={className} aria-label={internal ? `${t("supportTeam.timeline.internal")}: ${what}` : what}>
      {internal && <p className="st-internal-label">{t("supportTeam.timeline.internal")}</p>}
      <p className="st-entry-head">
        <strong>{what}</strong> · <time dateTime={e.at}>{dateTime(e.at)}</time>
      </p>
      {e.text && <p className="message-text">{e.text}</p>}
      {e.kind === "reply" && e.status && <p className="muted">{t("supportTeam.timeline.replyStatus", { status: status(e.status) })}</p>}
      {other && (
        <p className="muted">
          {t(e.kind === "merged" ? "supportTeam.timeline.otherReport" : "supportTeam.timeline.viaDuplicate")}{" "}
          <Link to={`/support/reports/${encodeURIComponent(other)}`} className="id">
            {other}
          </Link>
        </p>
      )}
    </article>
  );
}

function Reply({ report: r }: { report: TeamReport }) {
  const { api } = useApp();
  const { t } = useI18n();
  const id = useId();
  const refresh = useRefreshReport(r.reportId);
  const [text, setText] = useState("");
  const [status, setStatus] = useState("");
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [local, setLocal] = useState<string | undefined>();
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSent(false);
    const problem = textError(text, REPORT_TEXT_MAX);
    setLocal(problem ? t(key(`error.${problem}`)) : undefined);
    if (problem) return;
    setBusy(true);
    try {
      await unwrap(
        api.POST("/support/reports/{reportId}/replies", {
          params: { path: { reportId: r.reportId }, header: { "Idempotency-Key": idempotencyKey } },
          body: { text: text.trim(), ...(status ? { status: status as (typeof REPLY_STATUSES)[number] } : {}) },
        }),
      );
      setSent(true);
      setText("");
      setStatus("");
      setIdempotencyKey(crypto.randomUUID());
      await refresh();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  return (
    <Section id="h-report-reply" title={t("supportTeam.reply.title")}>
      <p className="muted">{t("supportTeam.reply.intro")}</p>
      <form onSubmit={send} className="form" noValidate aria-label={t("supportTeam.reply.title")}>
        <Field label={t("supportTeam.reply.text")} multiline value={text} onChange={(e) => setText(e.target.value)} error={local ?? errors.text} />
        <div className="field">
          <label htmlFor={`${id}-status`}>{t("supportTeam.reply.status")}</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t("supportTeam.reply.keepStatus", { status: t(key(`status.${r.status}`)) })}</option>
            {REPLY_STATUSES.filter((s) => s !== r.status).map((s) => (
              <option key={s} value={s}>
                {t(key(`status.${s}`))}
              </option>
            ))}
          </select>
          {errors.status && <p className="field-error">{errors.status}</p>}
        </div>
        {sent && (
          <p role="status" className="notice success">
            {t("supportTeam.reply.sent")}
          </p>
        )}
        {error !== null && !errors.text && !errors.status && <ErrorNotice error={error} />}
        <button type="submit" className="primary" disabled={busy}>
          {t("supportTeam.reply.send")}
        </button>
      </form>
    </Section>
  );
}

function Note({ report: r }: { report: TeamReport }) {
  const { api } = useApp();
  const { t } = useI18n();
  const refresh = useRefreshReport(r.reportId);
  const [text, setText] = useState("");
  const [local, setLocal] = useState<string | undefined>();
  const [added, setAdded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setAdded(false);
    const problem = textError(text, REPORT_TEXT_MAX);
    setLocal(problem ? t(key(`error.${problem}`)) : undefined);
    if (problem) return;
    setBusy(true);
    try {
      await unwrap(api.POST("/support/reports/{reportId}/notes", { params: { path: { reportId: r.reportId } }, body: { text: text.trim() } }));
      setAdded(true);
      setText("");
      await refresh();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  return (
    <Section id="h-report-note" title={t("supportTeam.note.title")}>
      <p className="muted">{t("supportTeam.note.intro")}</p>
      <form onSubmit={add} className="form" noValidate aria-label={t("supportTeam.note.title")}>
        <Field label={t("supportTeam.note.text")} multiline value={text} onChange={(e) => setText(e.target.value)} error={local ?? errors.text} />
        {added && (
          <p role="status" className="notice success">
            {t("supportTeam.note.added")}
          </p>
        )}
        {error !== null && !errors.text && <ErrorNotice error={error} />}
        <button type="submit" disabled={busy}>
          {t("supportTeam.note.add")}
        </button>
      </form>
    </Section>
  );
}

function Merge({ report: r }: { report: TeamReport }) {
  const { api } = useApp();
  const { t } = useI18n();
  const [into, setInto] = useState("");
  const [local, setLocal] = useState<Record<string, string>>({});
  const change = useChange(r.reportId);
  const merge = async (event: FormEvent) => {
    event.preventDefault();
    const checked = mergeBody(r.reportId, into);
    if ("errors" in checked) {
      setLocal(localErrors(checked.errors, t));
      return;
    }
    setLocal({});
    await change.run(() =>
      unwrap(api.POST("/support/reports/{reportId}/merge", { params: { path: { reportId: r.reportId } }, body: checked.body })),
    );
  };
  const errors = { ...fieldErrors(change.error), ...local };
  return (
    <Section id="h-report-merge" title={t("supportTeam.merge.title")}>
      <p className="muted">{t("supportTeam.merge.intro")}</p>
      <form onSubmit={merge} className="form" noValidate aria-label={t("supportTeam.merge.title")}>
        <Field label={t("supportTeam.merge.into")} hint={t("supportTeam.merge.intoHint")} value={into} autoComplete="off" spellCheck={false}
          onChange={(e) => setInto(e.target.value)} error={errors.into} />
        {change.stale ? (
          <p role="alert" className="notice error">
            {t("supportTeam.stale")}
          </p>
        ) : (
          change.error !== null && !errors.into && <ErrorNotice error={change.error} />
        )}
        <button type="submit" disabled={change.busy}>
          {t("supportTeam.merge.do")}
        </button>
      </form>
    </Section>
  );
}

function SwitchOff({ report: r }: { report: TeamReport }) {
  const { api } = useApp();
  const { t } = useI18n();
  const featureName = useFeatureName();
  const refresh = useRefreshReport(r.reportId);
  const id = useId();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<SwitchOffForm>(() => ({ feature: r.feature ?? "", scope: "cohort", cohort: "", reason: "" }));
  const [local, setLocal] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) panel.current?.querySelector("select")?.focus();
  }, [open]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setDone(null);
    const checked = switchOffBody(form);
    if ("errors" in checked) {
      setLocal(localErrors(checked.errors, t));
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST("/support/reports/{reportId}/switch-off", {
          params: { path: { reportId: r.reportId } },
          body: { ...checked.body, feature: checked.body.feature as (typeof TEAM_FEATURES)[number] },
        }),
      );
      const name = featureName(data.feature);
      setDone(
        checked.body.scope === "everyone"
          ? t("supportTeam.switchOff.doneEveryone", { feature: name })
          : t("supportTeam.switchOff.doneCohort", {
              feature: name,
              cohort: checked.body.cohort ?? "",
              cohorts: data.switch.cohorts.length ? data.switch.cohorts.join(", ") : "—",
            }),
      );
      setOpen(false);
      setForm({ ...form, cohort: "", reason: "" });
      await refresh();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = { ...fieldErrors(error), ...local };
  return (
    <Section id="h-report-switch-off" title={t("supportTeam.switchOff.title")}>
      <p className="muted">{t("supportTeam.switchOff.intro")}</p>
      {done && (
        <p role="status" className="notice success">
          {done}
        </p>
      )}
      {!open ? (
        <button type="button" className="danger" onClick={() => setOpen(true)}>
          {t("supportTeam.switchOff.start")}
        </button>
      ) : (
        <div ref={panel} className="confirm">
          <form onSubmit={submit} className="form" noValidate aria-label={t("supportTeam.switchOff.title")}>
            <div className="field">
              <label htmlFor={`${id}-feature`}>{t("supportTeam.feature")}</label>
              <select id={`${id}-feature`} value={form.feature} onChange={(e) => setForm({ ...form, feature: e.target.value })}
                aria-invalid={errors.feature ? true : undefined} aria-describedby={errors.feature ? `${id}-feature-error` : undefined}>
                <option value="">{t("supportTeam.switchOff.chooseFeature")}</option>
                {TEAM_FEATURES.map((f) => (
                  <option key={f} value={f}>
                    {featureName(f)}
                  </option>
                ))}
              </select>
              {errors.feature && (
                <p id={`${id}-feature-error`} className="field-error">
                  {errors.feature}
                </p>
              )}
            </div>
            <fieldset>
              <legend>{t("supportTeam.switchOff.scope")}</legend>
              {(["cohort", "everyone"] as const).map((s) => (
                <div key={s} className="field radio">
                  <input id={`${id}-scope-${s}`} type="radio" name={`${id}-scope`} checked={form.scope === s} onChange={() => setForm({ ...form, scope: s })} />
                  <label htmlFor={`${id}-scope-${s}`}>{t(key(`switchOff.scope.${s}`))}</label>
                </div>
              ))}
            </fieldset>
            {form.scope === "cohort" && (
              <Field label={t("supportTeam.switchOff.cohort")} hint={t("supportTeam.switchOff.cohortHint")} value={form.cohort} autoComplete="off"
                spellCheck={false} onChange={(e) => setForm({ ...form, cohort: e.target.value })} error={errors.cohort} />
            )}
            <Field label={t("supportTeam.switchOff.reason")} hint={t("supportTeam.switchOff.reasonHint")} multiline value={form.reason}
              onChange={(e) => setForm({ ...form, reason: e.target.value })} error={errors.reason} />
            {error !== null && !errors.feature && !errors.cohort && !errors.reason && <ErrorNotice error={error} />}
            <div className="actions">
              <button type="submit" className="primary danger-fill" disabled={busy}>
                {t("supportTeam.switchOff.do")}
              </button>
              <button type="button" onClick={() => setOpen(false)}>
                {t("supportTeam.cancel")}
              </button>
            </div>
          </form>
        </div>
      )}
    </Section>
  );
}
