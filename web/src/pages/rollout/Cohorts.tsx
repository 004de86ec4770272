import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { ErrorNotice, Field, Loaded, Page, TableWrap, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link, navigate } from "../../router";
import { getSession } from "../../auth/session";

/** Who made a change, as the history shows it: "You", or the staff member's user id. */
export function useWho(): (sub: string) => string {
  const { t } = useI18n();
  const me = getSession()?.claims.sub;
  return (sub) => (sub === me ? t("rollout.you") : sub);
}

export function useCohorts() {
  const { api } = useApp();
  return useQuery({
    queryKey: ["rollout", "cohorts"],
    // A practice has a handful of cohorts: the first hundred are all of them.
    queryFn: async () => (await unwrap(api.GET("/rollout/cohorts", { params: { query: { limit: 100 } } }))).data,
  });
}

/** The cohorts, and a form for a new one (which opens once created). */
export default function Cohorts() {
  const { t, date } = useI18n();
  const cohorts = useCohorts();
  return (
    <Page title={t("cohorts.title")}>
      <p>{t("cohorts.intro")}</p>
      <Loaded query={cohorts}>
        {(page) =>
          page.items.length ? (
            <TableWrap label={t("cohorts.title")}>
              <table>
                <caption className="visually-hidden">{t("cohorts.title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("cohorts.name")}</th>
                    <th scope="col">{t("cohorts.description")}</th>
                    <th scope="col">{t("cohorts.members")}</th>
                    <th scope="col">{t("cohorts.createdAt")}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((c) => (
                    <tr key={c.name}>
                      <th scope="row">
                        <Link to={`/rollout/cohorts/${encodeURIComponent(c.name)}`}>{c.name}</Link>{" "}
                        {c.beta && <span className="tag">{t("cohorts.betaBadge")}</span>}
                      </th>
                      <td>{c.description}</td>
                      <td>{c.memberCount}</td>
                      <td>{date(c.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          ) : (
            <p className="muted">{t("app.none")}</p>
          )
        }
      </Loaded>
      <NewCohort />
    </Page>
  );
}

function NewCohort() {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ name: "", description: "", beta: false });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST("/rollout/cohorts", { body: { name: form.name.trim(), description: form.description.trim(), beta: form.beta } }),
      );
      await queryClient.invalidateQueries({ queryKey: ["rollout", "cohorts"] });
      navigate(`/rollout/cohorts/${encodeURIComponent(data.name)}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  return (
    <form onSubmit={create} className="card form" noValidate aria-labelledby="h-new-cohort">
      <h2 id="h-new-cohort">{t("cohorts.new")}</h2>
      <Field label={t("cohorts.name")} hint={t("cohorts.nameHint")} value={form.name} autoComplete="off" spellCheck={false}
        onChange={(e) => setForm({ ...form, name: e.target.value })} error={errors.name} />
      <Field label={t("cohorts.description")} multiline value={form.description}
        onChange={(e) => setForm({ ...form, description: e.target.value })} error={errors.description} />
      <div className="field checkbox">
        <input id="cohort-beta" type="checkbox" checked={form.beta} onChange={(e) => setForm({ ...form, beta: e.target.checked })} />
        <label htmlFor="cohort-beta">{t("cohorts.beta")}</label>
      </div>
      {error !== null && Object.keys(errors).length === 0 && <ErrorNotice error={error} />}
      <button type="submit" className="primary" disabled={busy}>
        {t("cohorts.create")}
      </button>
    </form>
  );
}
