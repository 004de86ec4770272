import { useState, type FormEvent } from "react";
import { ApiError, unwrap, type Schemas } from "../api/client";
import { ErrorNotice, Page } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { Link, useLocation } from "../router";

/** A 400 or 422 means the token itself is wrong (altered, cut short, made up). */
export function isInvalidToken(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 400 || error.status === 422);
}

/**
 * The link in every email. Nothing is posted until the person presses the button, so a mail
 * scanner that opens links ahead of the reader does not unsubscribe anyone.
 */
export default function Unsubscribe() {
  const { api } = useApp();
  const { t } = useI18n();
  const { search } = useLocation();
  const token = search.get("token") ?? "";
  const [done, setDone] = useState<Schemas["Unsubscribed"] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setDone((await unwrap(api.POST("/notifications/unsubscribe", { body: { token } }))).data);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const manage = (
    <p>
      <Link to={`/sign-in?next=${encodeURIComponent("/notifications")}`}>{t("unsubscribe.manage")}</Link>
    </p>
  );
  const invalid = !token || token.length > 512 || isInvalidToken(error);
  return (
    <Page title={t("unsubscribe.title")}>
      {done ? (
        <div role="status" className="notice success">
          <p>{t("unsubscribe.done", { kind: t(`notifications.kind.${done.kind}` as MessageKey) })}</p>
          {manage}
        </div>
      ) : invalid ? (
        <div role="alert" className="notice error">
          <p>{t("unsubscribe.invalid")}</p>
          {manage}
        </div>
      ) : (
        <form onSubmit={submit} className="card form" noValidate>
          <p>{t("unsubscribe.intro")}</p>
          {error !== null && <ErrorNotice error={error} />}
          <button type="submit" className="primary" disabled={busy}>
            {t("unsubscribe.confirm")}
          </button>
          {manage}
        </form>
      )}
    </Page>
  );
}
