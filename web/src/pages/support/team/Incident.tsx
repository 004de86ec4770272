import { useEffect, useId, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap } from "../../../api/client";
import { ErrorNotice, Field, Loaded, NotFound, Page, fieldErrors, isNotFound } from "../../../components/ui";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import { Link } from "../../../router";
import { INCIDENT_STATUSES, INCIDENT_TEXT_MAX, textError, type IncidentStatus } from "./logic";
import { IncidentStatusTag, key, useFeatureName, useIncident, type Incident as IncidentView } from "./common";

/** One incident: what it touches, its public updates (newest first), and a form to post the next one. */
export default function Incident({ incidentId }: { incidentId: string }) {
  const { t } = useI18n();
  const incident = useIncident(incidentId);
  if (incident.error && isNotFound(incident.error)) return <NotFound />;
  const title = incident.data?.incident.title ?? t("supportTeam.incident.title");
  return (
    <Page title={title} actions={<Link to="/support/incidents">{t("supportTeam.incident.back")}</Link>}>
      <Loaded query={incident}>
        {({ incident: i, etag }) => (
          <>
            <Summary incident={i} />
            <PostUpdate incident={i} etag={etag} />
            <Updates incident={i} />
          </>
        )}
      </Loaded>
    </Page>
  );
}

function Summary({ incident: i }: { incident: IncidentView }) {
  const { t, dateTime } = useI18n();
  const featureName = useFeatureName();
  return (
    <section className="card" aria-labelledby="h-incident-summary">
      <h2 id="h-incident-summary">{t("supportTeam.incident.summary")}</h2>
      <dl className="facts stacked">
        <dt>{t("supportTeam.status")}</dt>
        <dd>
          <IncidentStatusTag status={i.status} />
        </dd>
        <dt>{t("supportTeam.incidents.features")}</dt>
        <dd>{i.features.map(featureName).join(", ")}</dd>
        <dt>{t("supportTeam.incidents.startedAt")}</dt>
        <dd>{dateTime(i.startedAt)}</dd>
        <dt>{t("supportTeam.incidents.updatedAt")}</dt>
        <dd>{dateTime(i.updatedAt)}</dd>
        {i.resolvedAt && (
          <>
            <dt>{t("supportTeam.incident.resolvedAt")}</dt>
            <dd>{dateTime(i.resolvedAt)}</dd>
          </>
        )}
      </dl>
      <p className="muted">{t("supportTeam.incident.publicNote")}</p>
    </section>
  );
}

function Updates({ incident: i }: { incident: IncidentView }) {
  const { t, dateTime } = useI18n();
  const updates = [...i.updates].reverse();
  return (
    <section className="card" aria-labelledby="h-incident-updates">
      <h2 id="h-incident-updates">{t("supportTeam.incident.updates")}</h2>
      <ol className="st-timeline" reversed>
        {updates.map((u, n) => (
          <li key={`${u.at}-${n}`} className="st-entry">
            <p className="st-entry-head">
              <IncidentStatusTag status={u.status} /> · <time dateTime={u.at}>{dateTime(u.at)}</time>
            </p>
            <p className="message-text">{u.text}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}

function PostUpdate({ incident: i, etag }: { incident: IncidentView; etag: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const id = useId();
  const [status, setStatus] = useState<IncidentStatus>(i.status as IncidentStatus);
  const [text, setText] = useState("");
  const [local, setLocal] = useState<string | undefined>();
  const [posted, setPosted] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // A new version (this form's update or someone else's): its status is where the next one starts.
  useEffect(() => {
    setStatus(i.status as IncidentStatus);
  }, [i.version, i.status]);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["support", "incident", i.incidentId] }),
      queryClient.invalidateQueries({ queryKey: ["support", "incidents"] }),
    ]);
  const post = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setPosted(false);
    const problem = textError(text, INCIDENT_TEXT_MAX);
    setLocal(problem ? t(key(`error.${problem}`)) : undefined);
    if (problem) return;
    setBusy(true);
    try {
      await unwrap(
        api.POST("/support/incidents/{incidentId}/updates", {
          params: { path: { incidentId: i.incidentId }, header: { "If-Match": etag } },
          body: { status, text: text.trim() },
        }),
      );
      setPosted(true);
      setText("");
      await refresh();
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) await refresh();
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  const stale = error instanceof ApiError && error.status === 412;
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("supportTeam.incident.post")}</h2>
      <form onSubmit={post} className="form" noValidate aria-labelledby={`${id}-h`}>
        <fieldset>
          <legend>{t("supportTeam.status")}</legend>
          {INCIDENT_STATUSES.map((s) => (
            <div key={s} className="field radio">
              <input id={`${id}-status-${s}`} type="radio" name={`${id}-status`} checked={status === s} onChange={() => setStatus(s)} />
              <label htmlFor={`${id}-status-${s}`}>{t(key(`incidentStatus.${s}`))}</label>
            </div>
          ))}
          {errors.status && <p className="field-error">{errors.status}</p>}
        </fieldset>
        <Field label={t("supportTeam.incident.text")} hint={t("supportTeam.incidents.publicHint")} multiline value={text}
          onChange={(e) => setText(e.target.value)} error={local ?? errors.text} />
        {posted && (
          <p role="status" className="notice success">
            {t("supportTeam.incident.posted")}
          </p>
        )}
        {stale ? (
          <p role="alert" className="notice error">
            {t("supportTeam.incident.stale")}
          </p>
        ) : (
          error !== null && !errors.text && !errors.status && <ErrorNotice error={error} />
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t("supportTeam.incident.postDo")}
        </button>
      </form>
    </section>
  );
}
