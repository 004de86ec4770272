import { useState, type FormEvent } from "react";
import { unwrap, type Schemas } from "../api/client";
import { sessionFrom, setSession } from "../auth/session";
import { ErrorNotice, Field, Page, fieldErrors } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { Link, navigate, useLocation } from "../router";

type Step =
  | { kind: "password" }
  | { kind: "mfa"; session: string }
  | { kind: "new-password"; session: string }
  // Lost the phone: the password again and one of the saved backup codes (issue 21).
  | { kind: "backup"; session: string }
  // Signed in with a backup code: the authenticator app is off now; said before going on.
  | { kind: "mfa-turned-off" };

/** Only a path of this app, never another origin (the `next` parameter is user input). */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-in") ? next : "/";
}

/** The session of a sign-in's tokens; a staff account without an authenticator app enrols before anything else (App.tsx). */
function signedIn(tokens: Schemas["Tokens"]) {
  return sessionFrom({ ...tokens, mfaSetupRequired: "mfaSetupRequired" in tokens && tokens.mfaSetupRequired === true });
}

export default function SignIn() {
  const { api } = useApp();
  const { t } = useI18n();
  const { search } = useLocation();
  const [step, setStep] = useState<Step>({ kind: "password" });
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [backupCode, setBackupCode] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const finish = (result: Schemas["Tokens"] | Schemas["Challenge"]) => {
    if ("challenge" in result) {
      if (result.challenge === "NEW_PASSWORD_REQUIRED") setStep({ kind: "new-password", session: result.session });
      else setStep({ kind: "mfa", session: result.session });
      setPassword("");
      return;
    }
    setSession(signedIn(result));
    navigate(safeNext(search.get("next")), { replace: true });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (step.kind === "password") {
        finish((await unwrap(api.POST("/auth/sign-in", { body: { email, password } }))).data);
      } else if (step.kind === "mfa") {
        finish((await unwrap(api.POST("/auth/mfa", { body: { email, session: step.session, code } }))).data as Schemas["Tokens"]);
      } else if (step.kind === "backup") {
        const { data } = await unwrap(api.POST("/auth/sign-in/backup-code", { body: { email, password, backupCode: backupCode.trim() } }));
        setSession(signedIn(data));
        setPassword("");
        setBackupCode("");
        setStep({ kind: "mfa-turned-off" });
      } else if (step.kind === "new-password") {
        finish(
          (await unwrap(api.POST("/auth/new-password", { body: { email, session: step.session, newPassword: password } })))
            .data as Schemas["Tokens"],
        );
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const errors = fieldErrors(error);
  const title = {
    password: t("signIn.title"),
    mfa: t("signIn.mfaTitle"),
    "new-password": t("signIn.newPasswordTitle"),
    backup: t("security.backup.title"),
    "mfa-turned-off": t("security.backup.doneTitle"),
  }[step.kind];
  if (step.kind === "mfa-turned-off") {
    return (
      <Page title={title}>
        <div role="status" className="notice">
          <p>{t("security.backup.done")}</p>
        </div>
        <ul className="plain links">
          <li>
            <Link to="/account/security">{t("security.backup.setUpAgain")}</Link>
          </li>
          <li>
            <Link to={safeNext(search.get("next"))}>{t("security.backup.continue")}</Link>
          </li>
        </ul>
      </Page>
    );
  }
  return (
    <Page title={title}>
      {search.get("expired") && step.kind === "password" && (
        <p role="status" className="notice">
          {t("app.sessionExpired")}
        </p>
      )}
      <form onSubmit={submit} className="card form" noValidate>
        {step.kind === "password" && (
          <>
            <Field label={t("signIn.email")} type="email" autoComplete="username" required value={email}
              onChange={(e) => setEmail(e.target.value)} error={errors.email} />
            <Field label={t("signIn.password")} type="password" autoComplete="current-password" required value={password}
              onChange={(e) => setPassword(e.target.value)} error={errors.password} />
          </>
        )}
        {step.kind === "mfa" && (
          <Field label={t("signIn.mfaCode")} inputMode="numeric" autoComplete="one-time-code" required value={code}
            onChange={(e) => setCode(e.target.value)} error={errors.code} />
        )}
        {step.kind === "backup" && (
          <>
            <p>{t("security.backup.intro")}</p>
            <Field label={t("signIn.password")} type="password" autoComplete="current-password" required value={password}
              onChange={(e) => setPassword(e.target.value)} error={errors.password} />
            <Field label={t("security.backup.code")} hint={t("security.backup.codeHint")} autoComplete="off" spellCheck={false}
              autoCapitalize="characters" required value={backupCode} onChange={(e) => setBackupCode(e.target.value)} error={errors.backupCode} />
          </>
        )}
        {step.kind === "new-password" && (
          <Field label={t("signIn.newPassword")} type="password" autoComplete="new-password" required value={password}
            onChange={(e) => setPassword(e.target.value)} error={errors.newPassword} />
        )}
        {error !== null && Object.keys(errors).length === 0 && <ErrorNotice error={error} />}
        <button type="submit" className="primary" disabled={busy}>
          {step.kind === "password"
            ? t("signIn.submit")
            : step.kind === "mfa"
              ? t("signIn.mfaSubmit")
              : step.kind === "backup"
                ? t("security.backup.submit")
                : t("signIn.newPasswordSubmit")}
        </button>
      </form>
      {step.kind === "mfa" && (
        <p>
          <button type="button" className="link-button" onClick={() => { setError(null); setStep({ kind: "backup", session: step.session }); }}>
            {t("security.backup.use")}
          </button>
        </p>
      )}
      {step.kind === "backup" && (
        <p>
          <button type="button" className="link-button" onClick={() => { setError(null); setStep({ kind: "mfa", session: step.session }); }}>
            {t("security.backup.back")}
          </button>
        </p>
      )}
      {step.kind === "password" && (
        <ul className="plain links">
          <li>
            <Link to="/forgot-password">{t("signIn.forgot")}</Link>
          </li>
          <li>
            <Link to="/activate">{t("signIn.activate")}</Link>
          </li>
          <li>
            <Link to="/accept-invitation">{t("signIn.acceptInvitation")}</Link>
          </li>
        </ul>
      )}
    </Page>
  );
}
