import { useId, useState, type FormEvent } from "react";
import { isFreshSignInRequired, unwrap, type Schemas } from "../../api/client";
import { getSession, sessionFrom, setSession } from "../../auth/session";
import { ErrorNotice, Field, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Heading } from "./Heading";
import { cleanCode } from "./api";

/**
 * An action that needs a sign-in of the last minutes (`fresh-sign-in-required`): run it; when
 * the API asks for a fresh sign-in, `needsFresh` shows `FreshSignIn`, and `afterFresh` runs it again.
 */
export function useFreshAction(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [needsFresh, setNeedsFresh] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      if (isFreshSignInRequired(e)) setNeedsFresh(true);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  return {
    run,
    busy,
    error,
    needsFresh,
    cancelFresh: () => setNeedsFresh(false),
    afterFresh: () => {
      setNeedsFresh(false);
      void run();
    },
  };
}

type Step = { kind: "password" } | { kind: "mfa"; session: string };

/**
 * Signs in again, here and now (password, then the authenticator's code when the account has
 * one): the session takes the new tokens, and the old refresh token is revoked.
 */
export function FreshSignIn({ level, onSignedIn, onCancel }: { level: 2 | 3; onSignedIn: () => void; onCancel: () => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const id = useId();
  const known = getSession()?.claims.email;
  const [email, setEmail] = useState(known ?? "");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [step, setStep] = useState<Step>({ kind: "password" });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const adopt = (tokens: Schemas["Tokens"]) => {
    const old = getSession();
    setSession({ ...sessionFrom(tokens), ...(old?.mfaSetupRequired ? { mfaSetupRequired: true } : {}) });
    if (old?.refreshToken && old.refreshToken !== tokens.refreshToken) {
      // Only the refresh token: the new sign-in's tokens must keep working.
      void api.POST("/auth/sign-out", { body: { refreshToken: old.refreshToken } }).catch(() => undefined);
    }
    onSignedIn();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (step.kind === "password") {
        const { data } = await unwrap(api.POST("/auth/sign-in", { body: { email, password } }));
        setPassword("");
        if ("challenge" in data) setStep({ kind: "mfa", session: data.session });
        else adopt(data);
      } else {
        const { data } = await unwrap(api.POST("/auth/mfa", { body: { email, session: step.session, code: cleanCode(code) } }));
        adopt(data as Schemas["Tokens"]);
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const errors = fieldErrors(error);
  const shown = step.kind === "password" ? [...(known ? [] : ["email"]), "password"] : ["code"];
  return (
    <section aria-labelledby={`${id}-h`} className="fresh-sign-in">
      <Heading level={level} id={`${id}-h`} focus>
        {t("security.fresh.heading")}
      </Heading>
      <p>{t("security.fresh.intro")}</p>
      <form onSubmit={submit} className="form" noValidate>
        {step.kind === "password" ? (
          <>
            {!known && (
              <Field label={t("security.fresh.email")} type="email" autoComplete="username" required value={email}
                onChange={(e) => setEmail(e.target.value)} error={errors.email} />
            )}
            <Field label={t("security.fresh.password")} type="password" autoComplete="current-password" required value={password}
              onChange={(e) => setPassword(e.target.value)} error={errors.password} />
          </>
        ) : (
          <Field label={t("security.fresh.code")} inputMode="numeric" autoComplete="one-time-code" required value={code}
            onChange={(e) => setCode(e.target.value)} error={errors.code} />
        )}
        {error !== null && !shown.some((f) => errors[f]) && <ErrorNotice error={error} />}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t("security.fresh.submit")}
          </button>
          <button type="button" disabled={busy} onClick={onCancel}>
            {t("security.fresh.cancel")}
          </button>
        </div>
      </form>
    </section>
  );
}
