import { useState } from "react";
import { unwrap, type Schemas } from "../api/client";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { deliverable } from "../notifications";
import { handoutPath, keepHandout } from "../pages/staff/handout";
import { navigate } from "../router";
import { ErrorNotice, fieldErrors } from "./ui";

type How = "show" | "email" | "sms";

/**
 * The front desk gives a patient an activation code: shown once to print, or sent to the email
 * or mobile number on file (then the code never reaches this screen).
 */
export function ActivationCodeIssuer({
  patientId,
  contact,
  contacts,
}: {
  patientId: string;
  /** The contact details on the profile. */
  contact: Schemas["Contact"] | undefined;
  /** Whether they can be reached, when known (from the delivery history). */
  contacts?: Schemas["NotificationContacts"] | undefined;
}) {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const [how, setHow] = useState<How>("show");
  const [issued, setIssued] = useState<Schemas["IssuedActivationCode"] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const can = {
    show: { ok: true } as const,
    email: deliverable(contact?.email, contacts?.email),
    sms: deliverable(contact?.phone, contacts?.phone),
  };
  const issue = async () => {
    setBusy(true);
    setError(null);
    try {
      const { data } = await unwrap(
        api.POST("/staff/patients/{patientId}/activation-codes", {
          params: { path: { patientId }, header: { "Idempotency-Key": key } },
          body: { expiresInDays: 14, ...(how === "show" ? {} : { deliverBy: how }) },
        }),
      );
      setIssued(data);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const again = () => {
    setIssued(null);
    setKey(crypto.randomUUID());
  };
  if (issued) {
    return (
      <div>
        {issued.deliveredBy ? (
          <p role="status" className="notice success">
            {t(`activation.sentBy.${issued.deliveredBy}` as MessageKey, { date: dateTime(issued.expires) })}
          </p>
        ) : issued.code ? (
          <>
            <p role="status" className="notice">
              <strong>{t("staff.code", { code: issued.code })}</strong>
            </p>
            {/* The printable handout gets the code through memory, never the address bar. */}
            <p>
              <button
                type="button"
                className="primary"
                onClick={() => {
                  if (!issued.code) return;
                  keepHandout({ patientId, code: issued.code, expires: issued.expires });
                  navigate(handoutPath(patientId));
                }}
              >
                {t("handout.print")}
              </button>
            </p>
          </>
        ) : null}
        <button type="button" onClick={again}>
          {t("activation.another")}
        </button>
      </div>
    );
  }
  const errors = fieldErrors(error);
  const deliverError = errors.deliverBy;
  return (
    <div className="form">
      <fieldset aria-describedby={deliverError ? "deliver-by-error" : undefined}>
        <legend>{t("activation.how")}</legend>
        {(["show", "email", "sms"] as const).map((h) => {
          const c = can[h];
          const reasonId = `deliver-${h}-why`;
          return (
            <div key={h} className="field radio deliver-choice">
              <input
                id={`deliver-${h}`}
                type="radio"
                name="deliver-by"
                value={h}
                checked={how === h}
                disabled={!c.ok}
                aria-describedby={c.ok ? undefined : reasonId}
                onChange={() => setHow(h)}
              />
              <label htmlFor={`deliver-${h}`}>{t(`activation.${h}` as MessageKey)}</label>
              {!c.ok && (
                <span id={reasonId} className="hint">
                  {t(`activation.${c.why}.${h}` as MessageKey)}
                </span>
              )}
            </div>
          );
        })}
        {deliverError && (
          <p id="deliver-by-error" className="field-error">
            {deliverError}
          </p>
        )}
      </fieldset>
      {error !== null && !deliverError && <ErrorNotice error={error} />}
      <button type="button" className="primary" disabled={busy} onClick={() => void issue()}>
        {t("staff.issueCode")}
      </button>
    </div>
  );
}
