import { useState, type FormEvent } from "react";
import { unwrap } from "../api/client";
import { ErrorNotice, Field, Page, fieldErrors } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { Link } from "../router";

export default function AcceptInvitation() {
  const { api } = useApp();
  const { t } = useI18n();
  const [form, setForm] = useState({ code: "", email: "", password: "", givenName: "", familyName: "" });
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await unwrap(api.POST("/auth/invitations/accept", { body: form }));
      setDone(true);
    } catch (e) {
      setError(e);
    }
  };
  const errors = fieldErrors(error);
  return (
    <Page title={t("invitation.title")}>
      {done ? (
        <div role="status" className="notice success">
          <p>{t("invitation.done")}</p>
          <Link to="/sign-in">{t("signIn.title")}</Link>
        </div>
      ) : (
        <form onSubmit={submit} className="card form" noValidate>
          <Field label={t("invitation.code")} autoComplete="off" required value={form.code} onChange={set("code")} error={errors.code} />
          <Field label={t("signIn.email")} type="email" autoComplete="username" required value={form.email} onChange={set("email")}
            error={errors.email} />
          <Field label={t("invitation.given")} autoComplete="given-name" value={form.givenName} onChange={set("givenName")}
            error={errors.givenName} />
          <Field label={t("invitation.family")} autoComplete="family-name" value={form.familyName} onChange={set("familyName")}
            error={errors.familyName} />
          <Field label={t("invitation.password")} type="password" autoComplete="new-password" required value={form.password}
            onChange={set("password")} error={errors.password} />
          {error !== null && Object.keys(errors).length === 0 && <ErrorNotice error={error} />}
          <button type="submit" className="primary">
            {t("invitation.submit")}
          </button>
        </form>
      )}
    </Page>
  );
}
