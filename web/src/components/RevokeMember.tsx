import { useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../api/client";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { ErrorNotice } from "./ui";

/**
 * Ends someone's access to a patient (`POST /patients/{id}/care-circle/{invitationId}/revoke`):
 * the patient's care circle and, for guardians too, the front desk's patient page. It takes
 * effect at once and cannot be undone (they would need a new invitation), so it asks first.
 */
export function RevokeMember({ patientId, invitationId, name }: { patientId: string; invitationId: string; name: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST("/patients/{patientId}/care-circle/{invitationId}/revoke", { params: { path: { patientId, invitationId } } }));
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: ["care-circle", patientId] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="revoke-member">
      {error !== null && <ErrorNotice error={error} />}
      {confirming ? (
        <div className="confirm" role="group" aria-label={t("revokeMember.confirmLabel", { name })}>
          <p className="notice-title">{t("revokeMember.confirm", { name })}</p>
          <div className="actions">
            <button ref={confirmButton} type="button" className="primary danger-fill" disabled={busy} onClick={() => void revoke()}>
              {t("revokeMember.yes")}
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
              {t("revokeMember.cancel")}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          {t("careCircle.revoke")}
          <span className="visually-hidden">: {name}</span>
        </button>
      )}
    </div>
  );
}
