import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap, type Schemas } from "../../api/client";
import { ErrorNotice, Page } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";

export type Pending = Schemas["MyAgreements"]["items"][number];

/**
 * The agreements an account must accept before the app opens, one at a time (terms of use,
 * then the beta terms for a patient in a beta cohort). Accepting records the version; "not now"
 * signs out.
 */
export default function AcceptTerms({ agreements }: { agreements: Pending[] }) {
  const { api, signOut } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const agreement = agreements[0]!;
  const [agreed, setAgreed] = useState(false);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const accept = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setMissing(!agreed);
    if (!agreed) return;
    setBusy(true);
    try {
      await unwrap(
        api.POST("/account/agreements/{kind}/acceptance", {
          params: { path: { kind: agreement.kind } },
          body: { version: agreement.version },
        }),
      );
      setAgreed(false);
      await queryClient.invalidateQueries({ queryKey: ["my-agreements"] });
    } catch (e) {
      // A newer version was published meanwhile (409): show that one instead.
      if (e instanceof ApiError && e.status === 409) await queryClient.invalidateQueries({ queryKey: ["my-agreements"] });
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const headingId = `h-terms-${agreement.kind}`;
  return (
    <Page title={t("terms.title")}>
      <p>{t("terms.intro")}</p>
      <form onSubmit={accept} className="card form terms" noValidate aria-labelledby={headingId} key={`${agreement.kind}-${agreement.version}`}>
        <h2 id={headingId}>{agreement.title}</h2>
        <p className="muted">
          {t("terms.version", { version: agreement.version })}
          {agreement.acceptedVersion ? ` · ${t("terms.updated", { version: agreement.acceptedVersion })}` : ""}
        </p>
        <div className="terms-body" role="region" aria-labelledby={headingId} tabIndex={0}>
          {agreement.body}
        </div>
        <div className="field checkbox">
          <input id="terms-agree" type="checkbox" checked={agreed} aria-invalid={missing ? true : undefined}
            aria-describedby={missing ? "terms-agree-error" : undefined}
            onChange={(e) => {
              setAgreed(e.target.checked);
              setMissing(false);
            }} />
          <label htmlFor="terms-agree">{t("terms.agree", { title: agreement.title })}</label>
        </div>
        {missing && (
          <p id="terms-agree-error" className="field-error">
            {t("terms.mustAgree")}
          </p>
        )}
        {error !== null && <ErrorNotice error={error} />}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t("terms.accept")}
          </button>
          <button type="button" onClick={() => void signOut()}>
            {t("terms.decline")}
          </button>
        </div>
      </form>
    </Page>
  );
}
