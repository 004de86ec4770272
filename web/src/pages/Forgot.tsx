import { useState, type FormEvent } from "react";
import { unwrap } from "../api/client";
import { ErrorNotice, Field, Page, fieldErrors } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { Link } from "../router";

export default function Forgot() {
  const { api } = useApp();
  const { t } = useI18n();
  const [step, setStep] = useState<"email" | "code" | "done">("email");
  const [email, setEmail] = useState("");
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      if (step === "email") {
        await unwrap(api.POST("/auth/password/forgot", { body: { email } }));
        setStep("code");
      } else {
        await unwrap(api.POST("/auth/password/reset", { body: { email, code, newPassword: password } }));
        setStep("done");
      }
    } catch (e) {
      setError(e);
    }
  };
  const errors = fieldErrors(error);
  return (
    <Page title={t("forgot.title")}>
      {step === "done" ? (
        <div role="status" className="notice success">
          <p>{t("forgot.done")}</p>
          <Link to="/sign-in">{t("signIn.title")}</Link>
        </div>
      ) : (
        <form onSubmit={submit} className="card form" noValidate>
          <p>{t("forgot.intro")}</p>
          <Field label={t("signIn.email")} type="email" autoComplete="username" required value={email} readOnly={step === "code"}
            onChange={(e) => setEmail(e.target.value)} error={errors.email} />
          {step === "code" && (
            <>
              <Field label={t("forgot.code")} autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)}
                error={errors.code} />
              <Field label={t("forgot.newPassword")} type="password" autoComplete="new-password" required value={password}
                onChange={(e) => setPassword(e.target.value)} error={errors.newPassword} />
            </>
          )}
          {error !== null && Object.keys(errors).length === 0 && <ErrorNotice error={error} />}
          <button type="submit" className="primary">
            {step === "email" ? t("forgot.send") : t("forgot.reset")}
          </button>
        </form>
      )}
    </Page>
  );
}
