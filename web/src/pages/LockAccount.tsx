import { useEffect, useState, type FormEvent } from "react";
import { ApiError, unwrap } from "../api/client";
import { ErrorNotice, Page } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { Link, navigate } from "../router";

// The "Not you? Lock your account" link of a new sign-in notice (issue 21): `/lock?token=…`,
// public. It says what locking does and locks only when the person presses the button (a mail
// scanner opening the link locks nothing). The token is read once and taken out of the address
// at once, so it stays out of the history, bookmarks and anything that reports the address.

/** A 400 (`invalid-token`) or 422: the link is altered, expired or made up. */
export function isInvalidLockToken(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 400 || error.status === 422);
}

/** The token of the address this page opened at (read before the address is replaced). */
function tokenOfAddress(): string {
  return new URLSearchParams(location.search).get("token") ?? "";
}

export default function LockAccount() {
  const { api } = useApp();
  const { t } = useI18n();
  const [token] = useState(tokenOfAddress);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (location.search) navigate("/lock", { replace: true });
  }, []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST("/auth/lock-account", { body: { token } }));
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const invalid = !token || token.length > 2048 || isInvalidLockToken(error);
  const signIn = (
    <p>
      <Link to="/sign-in">{t("lockAccount.signIn")}</Link>
    </p>
  );
  return (
    <Page title={t("lockAccount.title")}>
      {done ? (
        <div role="status" className="notice success">
          <p className="notice-title">{t("lockAccount.done")}</p>
          <p>{t("lockAccount.doneContact")}</p>
        </div>
      ) : invalid ? (
        <div role="alert" className="notice error">
          <p className="notice-title">{t("lockAccount.invalid")}</p>
          <p>{t("lockAccount.invalidContact")}</p>
          {signIn}
        </div>
      ) : (
        <form onSubmit={submit} className="card form" noValidate aria-labelledby="lock-intro">
          <p id="lock-intro">{t("lockAccount.intro")}</p>
          <ul>
            <li>{t("lockAccount.effect1")}</li>
            <li>{t("lockAccount.effect2")}</li>
            <li>{t("lockAccount.effect3")}</li>
          </ul>
          <p>{t("lockAccount.unlockHow")}</p>
          {error !== null && <ErrorNotice error={error} />}
          <div className="actions">
            <button type="submit" className="primary danger-fill" disabled={busy}>
              {t("lockAccount.submit")}
            </button>
          </div>
        </form>
      )}
    </Page>
  );
}
