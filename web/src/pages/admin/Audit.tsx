import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { Field, Loaded, Page, TableWrap } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";

type Search = { patient: string; actor: string; from: string };

export default function Audit() {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const [form, setForm] = useState<Search>({ patient: "", actor: "", from: "" });
  const [search, setSearch] = useState<Search | null>(null);
  const results = useQuery({
    queryKey: ["audit", search],
    enabled: search !== null,
    queryFn: async () => {
      const s = search!;
      const query = {
        ...(s.patient ? { patient: s.patient.trim() } : { actor: s.actor.trim() }),
        ...(s.from ? { from: new Date(`${s.from}T00:00:00Z`).toISOString().replace(/\.\d+Z$/, "Z") } : {}),
        limit: 50,
      };
      return (await unwrap(api.GET("/admin/audit", { params: { query } }))).data;
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSearch({ ...form });
  };
  const set = (k: keyof Search) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <Page title={t("admin.audit")}>
      <form onSubmit={submit} className="card form" noValidate>
        <Field label={t("admin.auditPatient")} value={form.patient} onChange={set("patient")} autoComplete="off" />
        <Field label={t("admin.auditActor")} value={form.actor} onChange={set("actor")} autoComplete="off" />
        <Field label={t("admin.auditFrom")} type="date" value={form.from} onChange={set("from")} />
        <button type="submit" className="primary">
          {t("admin.search")}
        </button>
      </form>
      {search && (
        <Loaded query={results}>
          {(page) =>
            page.items.length ? (
              <TableWrap label={t("admin.audit")}>
              <table>
                <caption className="visually-hidden">{t("admin.audit")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("records.date")}</th>
                    <th scope="col">{t("admin.actor")}</th>
                    <th scope="col">{t("admin.action")}</th>
                    <th scope="col">{t("admin.outcome")}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((e) => (
                    <tr key={e.eventId}>
                      <td>{dateTime(e.at)}</td>
                      <td>{e.actorName ?? e.actorSub} ({e.relationship})</td>
                      <td>{e.action}</td>
                      <td>{e.outcome}</td>
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
      )}
    </Page>
  );
}
