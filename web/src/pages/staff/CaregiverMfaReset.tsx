import { useEffect, useRef, useState } from "react";
import { unwrap } from "../../api/client";
import { ErrorNotice } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";

// Resetting a caregiver's authenticator app (front desk, issue 21): a caregiver who lost their
// phone and their backup codes. The confirmation asks for the identity check and says what the
// reset does before `POST /staff/caregivers/{caregiverSub}/mfa/reset` is sent; the caregiver then
// signs in with their password alone and is told by email.

export function CaregiverMfaReset({ sub, name }: { sub: string; name: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  const reset = async () => {
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST("/staff/caregivers/{caregiverSub}/mfa/reset", { params: { path: { caregiverSub: sub } } }));
      setConfirming(false);
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="caregiver-mfa-reset">
      {error !== null && <ErrorNotice error={error} />}
      {done && (
        <p role="status" className="notice success">
          {t("locks.caregiver.mfaDone", { name })}
        </p>
      )}
      {confirming ? (
        <div className="confirm">
          <p className="notice-title">{t("locks.caregiver.mfaConfirm", { name })}</p>
          <div className="actions">
            <button ref={confirmButton} type="button" className="primary danger-fill" disabled={busy} onClick={() => void reset()}>
              {t("locks.caregiver.mfaConfirmDo")}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t("locks.cancel")}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" onClick={() => { setDone(false); setError(null); setConfirming(true); }}>
          {t("locks.caregiver.mfaReset")}
        </button>
      )}
    </div>
  );
}
