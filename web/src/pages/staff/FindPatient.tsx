import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { getSession } from "../../auth/session";
import { ErrorNotice, Field, Page, TableWrap, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link } from "../../router";

/** What a search asks the API for (`GET /staff/patients`). */
export interface Criteria {
  q: string;
  birthDate: string;
}

/**
 * The last search of this page, kept in memory only (never in the address: a name is PHI), so
 * that coming back from a patient's page shows the results again. Only for the account that
 * searched: another sign-in at the same workstation starts empty.
 */
let last: { sub: string; criteria: Criteria } | null = null;

function lastSearch(): Criteria | null {
  const sub = getSession()?.claims.sub;
  return last && sub && last.sub === sub ? last.criteria : null;
}

/** Letters and digits of a name as the API counts them (accents, spaces and punctuation aside). */
function significant(text: string): number {
  return [...text.normalize("NFD").replace(/\p{M}/gu, "")].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
}

/**
 * The form's own checks, before anything is sent: one of the two, and at least two letters of
 * the family name (the part before a comma). The API checks again and names the same fields.
 */
export function checkCriteria(criteria: Criteria): { q?: "needOne" | "tooShort"; birthDate?: "needOne" } {
  const q = criteria.q.trim();
  if (!q && !criteria.birthDate) return { q: "needOne", birthDate: "needOne" };
  if (q && significant(q.split(",")[0] ?? "") < 2) return { q: "tooShort" };
  return {};
}

/** Staff find a patient by name and/or date of birth, then open their page. */
export default function FindPatient() {
  const { api } = useApp();
  const { t, date } = useI18n();
  const frontDesk = getSession()?.claims.groups.includes("front-desk") ?? false;
  const [form, setForm] = useState<Criteria>(() => lastSearch() ?? { q: "", birthDate: "" });
  const [submitted, setSubmitted] = useState<Criteria | null>(lastSearch);
  const [checked, setChecked] = useState<ReturnType<typeof checkCriteria>>({});
  const search = useQuery({
    queryKey: ["patient-search", submitted],
    enabled: submitted !== null,
    retry: false,
    queryFn: async () => {
      const criteria = submitted!;
      const query = {
        ...(criteria.q.trim() ? { q: criteria.q.trim() } : {}),
        ...(criteria.birthDate ? { birthDate: criteria.birthDate } : {}),
      };
      return (await unwrap(api.GET("/staff/patients", { params: { query } }))).data;
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = checkCriteria(form);
    setChecked(problems);
    if (Object.keys(problems).length) return;
    const criteria = { q: form.q.trim(), birthDate: form.birthDate };
    const sub = getSession()?.claims.sub;
    last = sub ? { sub, criteria } : null;
    setSubmitted(criteria);
  };
  // The API's own refusals (in English) go next to the field they name, like the form's.
  const apiErrors = fieldErrors(search.error);
  const nameError = checked.q
    ? t(checked.q === "needOne" ? "patientSearch.needOne" : "patientSearch.tooShort")
    : apiErrors.q && t("patientSearch.badName", { message: apiErrors.q });
  const dateError = checked.birthDate ? t("patientSearch.needOne") : apiErrors.birthDate && t("patientSearch.badDate");
  const fieldRefused = Boolean(apiErrors.q || apiErrors.birthDate);
  const found = search.data;
  return (
    <Page title={t("patientSearch.title")}>
      <p>{t("patientSearch.intro")}</p>
      <form onSubmit={submit} className="card form" noValidate role="search" aria-label={t("patientSearch.title")}>
        <Field
          label={t("patientSearch.name")}
          hint={t("patientSearch.nameHint")}
          autoComplete="off"
          spellCheck={false}
          maxLength={100}
          value={form.q}
          onChange={(e) => setForm({ ...form, q: e.target.value })}
          error={nameError || undefined}
        />
        <Field
          label={t("patientSearch.birthDate")}
          type="date"
          value={form.birthDate}
          onChange={(e) => setForm({ ...form, birthDate: e.target.value })}
          error={dateError || undefined}
        />
        <button type="submit" className="primary">
          {t("patientSearch.submit")}
        </button>
      </form>
      {submitted !== null && (
        <section aria-labelledby="h-found">
          <h2 id="h-found">{t("patientSearch.results")}</h2>
          <p role="status" className="muted">
            {search.isFetching
              ? t("patientSearch.searching")
              : found
                ? found.items.length === 0
                  ? t("patientSearch.none")
                  : found.items.length === 1
                    ? t("patientSearch.foundOne")
                    : t("patientSearch.foundMany", { count: found.items.length })
                : ""}
          </p>
          {search.error !== null && !fieldRefused && <ErrorNotice error={search.error} retry={() => void search.refetch()} />}
          {found && found.items.length > 0 && (
            <TableWrap label={t("patientSearch.table")}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("patientSearch.column.name")}</th>
                    <th scope="col">{t("patientSearch.column.birthDate")}</th>
                    <th scope="col">{t("patientSearch.column.portal")}</th>
                  </tr>
                </thead>
                <tbody>
                  {found.items.map((p) => (
                    <tr key={p.patientId}>
                      <th scope="row">
                        <Link to={`/staff/patients/${p.patientId}`}>
                          {p.name.family}, {p.name.given}
                        </Link>
                      </th>
                      <td>{date(p.birthDate)}</td>
                      <td>{p.portalStatus === "active" ? t("patientSearch.portal.active") : t("patientSearch.portal.none")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
          {found?.truncated && (
            <p className="notice">{t("patientSearch.truncated", { count: found.items.length })}</p>
          )}
          {found && frontDesk && (
            <p>
              <Link to="/staff/patients/new">{t("patientSearch.register")}</Link>
            </p>
          )}
        </section>
      )}
    </Page>
  );
}
