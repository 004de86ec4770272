import { useState, type FormEvent } from "react";
import { unwrap, type Schemas } from "../../api/client";
import { ErrorNotice, Field, Page, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { ActivationCodeIssuer } from "../../components/ActivationCodeIssuer";
import type { MessageKey } from "../../i18n/en";

const SEXES: Schemas["Sex"][] = ["female", "male", "other", "unknown"];

export default function RegisterPatient() {
  const { api } = useApp();
  const { t } = useI18n();
  const [form, setForm] = useState({ given: "", family: "", dateOfBirth: "", sex: "female" as Schemas["Sex"], email: "", phone: "" });
  const [registered, setRegistered] = useState<{ patientId: string; name: string; contact: Schemas["Contact"] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [key] = useState(() => crypto.randomUUID());
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const register = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const { data } = await unwrap(
        api.POST("/staff/patients", {
          params: { header: { "Idempotency-Key": key } },
          body: {
            legalName: { given: form.given, family: form.family },
            dateOfBirth: form.dateOfBirth,
            sex: form.sex,
            ...(form.email.trim() || form.phone.trim()
              ? {
                  contact: {
                    ...(form.email.trim() ? { email: form.email.trim() } : {}),
                    ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
                  },
                }
              : {}),
          },
        }),
      );
      setRegistered({ patientId: data.patientId, name: `${data.legalName.given} ${data.legalName.family}`, contact: data.contact });
    } catch (e) {
      setError(e);
    }
  };
  const errors = fieldErrors(error);
  return (
    <Page title={t("staff.register")}>
      {registered ? (
        <div className="card">
          <p role="status" className="notice success">
            {t("staff.registered", { name: registered.name })}
          </p>
          <ActivationCodeIssuer patientId={registered.patientId} contact={registered.contact} />
          <p>
            <Link to={`/staff/patients/${registered.patientId}`}>{t("staffPatient.open")}</Link>
          </p>
        </div>
      ) : (
        <form onSubmit={register} className="card form" noValidate>
          <Field label={t("profile.given")} value={form.given} onChange={set("given")} error={errors["legalName.given"]} />
          <Field label={t("profile.family")} value={form.family} onChange={set("family")} error={errors["legalName.family"]} />
          <Field label={t("profile.dateOfBirth")} type="date" value={form.dateOfBirth} onChange={set("dateOfBirth")} error={errors.dateOfBirth} />
          <Field label={t("staff.email")} type="email" autoComplete="off" value={form.email} onChange={set("email")} error={errors["contact.email"]} />
          <Field label={t("staff.phone")} type="tel" autoComplete="off" value={form.phone} onChange={set("phone")} hint={t("profile.phoneHint")}
            error={errors["contact.phone"]} />
          <div className="field">
            <label htmlFor="sex">{t("staff.sex")}</label>
            <select id="sex" value={form.sex} onChange={set("sex")}>
              {SEXES.map((s) => (
                <option key={s} value={s}>
                  {t(`sex.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          {error !== null && Object.keys(errors).length === 0 && <ErrorNotice error={error} />}
          <button type="submit" className="primary">
            {t("staff.register")}
          </button>
        </form>
      )}
    </Page>
  );
}
