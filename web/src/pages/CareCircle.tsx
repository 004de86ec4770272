import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../api/client";
import { RevokeMember } from "../components/RevokeMember";
import { ErrorNotice, Field, Loaded, NotFound, Page, fieldErrors, isNotFound } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";

const SCOPES: Schemas["Scope"][] = ["records", "messages", "appointments", "billing", "profile"];

export default function CareCircle({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t, date } = useI18n();
  const queryClient = useQueryClient();
  const members = useQuery({
    queryKey: ["care-circle", patientId],
    queryFn: async () => (await unwrap(api.GET("/patients/{patientId}/care-circle", { params: { path: { patientId } } }))).data,
  });
  const [form, setForm] = useState({ email: "", name: "", relationship: "", endsOn: "" });
  const [scopes, setScopes] = useState<Schemas["Scope"][]>(["records"]);
  const [code, setCode] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["care-circle", patientId] });
  const invite = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setCode(null);
    try {
      const { data } = await unwrap(
        api.POST("/patients/{patientId}/care-circle", {
          params: { path: { patientId } },
          body: { email: form.email, name: form.name, relationship: form.relationship, scopes, ...(form.endsOn ? { endsOn: form.endsOn } : {}) },
        }),
      );
      setCode(data.code ?? null);
      await refresh();
    } catch (e) {
      setError(e);
    }
  };
  if (isNotFound(members.error)) return <NotFound />;
  const errors = fieldErrors(error);
  return (
    <Page title={t("careCircle.title")}>
      <Loaded query={members}>
        {(page) =>
          page.items.length ? (
            <ul className="plain">
              {page.items.map((m) => (
                <li key={m.invitationId} className="card">
                  <h2>
                    {m.name} <span className="muted">({m.relationship})</span>{" "}
                    {m.guardian && <span className="tag">{t("guardians.tag")}</span>}
                  </h2>
                  <p className="record-meta">
                    <span>{t("careCircle.status", { status: m.status })}</span>
                    <span>{m.scopes.map((s) => t(`scope.${s}` as MessageKey)).join(", ")}</span>
                    {m.endsOn && <span>{date(m.endsOn)}</span>}
                  </p>
                  {!m.guardian && (m.status === "active" || m.status === "invited") && (
                    <RevokeMember patientId={patientId} invitationId={m.invitationId} name={m.name} />
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t("app.none")}</p>
          )
        }
      </Loaded>
      <form onSubmit={invite} className="card form" noValidate aria-labelledby="h-invite">
        <h2 id="h-invite">{t("careCircle.invite")}</h2>
        <Field label={t("careCircle.email")} type="email" value={form.email} onChange={set("email")} error={errors.email} />
        <Field label={t("careCircle.name")} value={form.name} onChange={set("name")} error={errors.name} />
        <Field label={t("careCircle.relationship")} value={form.relationship} onChange={set("relationship")} error={errors.relationship} />
        <fieldset>
          <legend>{t("careCircle.scopes")}</legend>
          {SCOPES.map((s) => (
            <div key={s} className="field checkbox">
              <input id={`scope-${s}`} type="checkbox" checked={scopes.includes(s)}
                onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} />
              <label htmlFor={`scope-${s}`}>{t(`scope.${s}` as MessageKey)}</label>
            </div>
          ))}
          {errors.scopes && <p className="field-error">{errors.scopes}</p>}
        </fieldset>
        <Field label={t("careCircle.endsOn")} type="date" value={form.endsOn} onChange={set("endsOn")} error={errors.endsOn} />
        {error !== null && Object.keys(errors).length === 0 && <ErrorNotice error={error} />}
        {code && (
          <p role="status" className="notice success">
            {t("careCircle.code", { code })}
          </p>
        )}
        <button type="submit" className="primary">
          {t("careCircle.send")}
        </button>
      </form>
    </Page>
  );
}
