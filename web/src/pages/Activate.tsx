import { useState, type FormEvent } from "react";
import { unwrap } from "../api/client";
import { ErrorNotice, Field, Page, fieldErrors } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { Link } from "../router";

export default function Activate() {
  const { api } = useApp();
  const { t } = useI18n();
  const [form, setForm] = useState({ code: "", dateOfBirth: "", email: "", password: "" });
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST("/auth/activate", { body: form }));
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  return (
    <Page title={t("activate.title")}>
      {done ? (
        <div role="status" className="notice success">
          <p>{t("activate.done")}</p>
          <p>
            <Link to="/sign-in">{t("signIn.title")}</Link>
          </p>
        </div>
      ) : (
        <form onSubmit={submit} className="card form" noValidate>
          <p>{t("activate.intro")}</p>
          <Field label={t("activate.code")} required autoComplete="off" value={form.code} onChange={set("code")} error={errors.code} />
          <Field label={t("activate.dateOfBirth")} type="date" required value={form.dateOfBirth} onChange={set("dateOfBirth")}
            error={errors.dateOfBirth} />
          <Field label={t("activate.email")} type="email" autoComplete="username" required value={form.email} onChange={set("email")}
            error={errors.email} />
          <Field label={t("activate.password")} type="password" autoComplete="new-password" required value={form.password}
            onChange={set("password")} error={errors.password} />
          {error !== null && Object.keys(errors).length === 0 && <ErrorNotice error={error} />}
          <button type="submit" className="primary" disabled={busy}>
            {t("activate.submit")}
          </button>
        </form>
      )}
    </Page>
  );
}
