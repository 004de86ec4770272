import { useId, useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../../api/client";
import { ErrorNotice, Field, Loaded, Page, TableWrap, fieldErrors } from "../../../components/ui";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import { Link, navigate, useLocation } from "../../../router";
import { OPENING_STATUSES, incidentBody, type IncidentForm } from "./logic";
import { IncidentStatusTag, TEAM_FEATURES, key, localErrors, useFeatureName, type Feature, type Incident } from "./common";

type State = "active" | "all";

/** The practice's incidents (newest first; the active ones, or all), and a form to open one. */
export default function Incidents() {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const featureName = useFeatureName();
  const { search } = useLocation();
  const state: State = search.get("state") === "active" ? "active" : "all";
  const incidents = useQuery({
    queryKey: ["support", "incidents", state],
    staleTime: 0,
    queryFn: async () => (await unwrap(api.GET("/support/incidents", { params: { query: { state } } }))).data,
  });
  const caption = t(state === "active" ? "supportTeam.incidents.captionActive" : "supportTeam.incidents.captionAll");
  return (
    <Page title={t("supportTeam.incidents.title")} actions={<Link to="/support/reports">{t("supportTeam.queue.title")}</Link>}>
      <p>{t("supportTeam.incidents.intro")}</p>
      <nav className="chips" aria-label={t("supportTeam.incidents.filter")}>
        <ul>
          {(["all", "active"] as const).map((s) => (
            <li key={s}>
              <Link to={s === "active" ? "/support/incidents?state=active" : "/support/incidents"} aria-current={s === state ? "true" : undefined}>
                {t(key(`incidents.state.${s}`))}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Loaded query={incidents}>
        {(page) =>
          page.items.length ? (
            <TableWrap label={caption}>
              <table>
                <caption>{caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("supportTeam.incidents.incidentTitle")}</th>
                    <th scope="col">{t("supportTeam.status")}</th>
                    <th scope="col">{t("supportTeam.incidents.features")}</th>
                    <th scope="col">{t("supportTeam.incidents.startedAt")}</th>
                    <th scope="col">{t("supportTeam.incidents.updatedAt")}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((i: Incident) => (
                    <tr key={i.incidentId}>
                      <th scope="row">
                        <Link to={`/support/incidents/${encodeURIComponent(i.incidentId)}`}>{i.title}</Link>
                      </th>
                      <td>
                        <IncidentStatusTag status={i.status} />
                      </td>
                      <td>{i.features.map(featureName).join(", ")}</td>
                      <td>{dateTime(i.startedAt)}</td>
                      <td>{dateTime(i.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          ) : (
            <p className="muted">{t(state === "active" ? "supportTeam.incidents.noneActive" : "supportTeam.incidents.none")}</p>
          )
        }
      </Loaded>
      <OpenIncident />
    </Page>
  );
}

function OpenIncident() {
  const { api } = useApp();
  const { t } = useI18n();
  const featureName = useFeatureName();
  const queryClient = useQueryClient();
  const id = useId();
  const [form, setForm] = useState<IncidentForm>({ title: "", features: [], status: "investigating", text: "" });
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const checked = incidentBody(form);
    if ("errors" in checked) {
      setLocal(localErrors(checked.errors, t));
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST("/support/incidents", {
          params: { header: { "Idempotency-Key": idempotencyKey } },
          body: { ...checked.body, features: checked.body.features as Feature[] },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ["support", "incidents"] });
      navigate(`/support/incidents/${encodeURIComponent(data.incidentId)}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = { ...fieldErrors(error), ...local };
  const toggle = (f: string, on: boolean) => setForm({ ...form, features: on ? [...form.features, f] : form.features.filter((x) => x !== f) });
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("supportTeam.incidents.new")}</h2>
      <p className="muted">{t("supportTeam.incidents.newIntro")}</p>
      <form onSubmit={submit} className="form" noValidate aria-labelledby={`${id}-h`}>
        <Field label={t("supportTeam.incidents.incidentTitle")} hint={t("supportTeam.incidents.titleHint")} value={form.title}
          onChange={(e) => setForm({ ...form, title: e.target.value })} error={errors.title} />
        <fieldset aria-describedby={errors.features ? `${id}-features-error` : undefined}>
          <legend>{t("supportTeam.incidents.features")}</legend>
          {TEAM_FEATURES.map((f) => (
            <div key={f} className="field checkbox">
              <input id={`${id}-feature-${f}`} type="checkbox" checked={form.features.includes(f)} onChange={(e) => toggle(f, e.target.checked)} />
              <label htmlFor={`${id}-feature-${f}`}>{featureName(f)}</label>
            </div>
          ))}
          {errors.features && (
            <p id={`${id}-features-error`} className="field-error">
              {errors.features}
            </p>
          )}
        </fieldset>
        <fieldset>
          <legend>{t("supportTeam.status")}</legend>
          {OPENING_STATUSES.map((s) => (
            <div key={s} className="field radio">
              <input id={`${id}-status-${s}`} type="radio" name={`${id}-status`} checked={form.status === s} onChange={() => setForm({ ...form, status: s })} />
              <label htmlFor={`${id}-status-${s}`}>{t(key(`incidentStatus.${s}`))}</label>
            </div>
          ))}
          {errors.status && <p className="field-error">{errors.status}</p>}
        </fieldset>
        <Field label={t("supportTeam.incidents.firstUpdate")} hint={t("supportTeam.incidents.publicHint")} multiline value={form.text}
          onChange={(e) => setForm({ ...form, text: e.target.value })} error={errors.text} />
        {error !== null && Object.keys(fieldErrors(error)).length === 0 && <ErrorNotice error={error} />}
        <button type="submit" className="primary" disabled={busy}>
          {t("supportTeam.incidents.open")}
        </button>
      </form>
    </section>
  );
}
