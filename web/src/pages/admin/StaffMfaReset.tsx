import { useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { ErrorNotice } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";

// Resetting a staff member's authenticator app (admins, issue 21): `POST /admin/staff/{id}/mfa/reset`
// after a confirmation that says what it does. The member enrols a new app at their next sign-in.

export interface ResetTarget {
  staffId: string;
  name: string;
}

export function StaffMfaReset({ target, onClose }: { target: ResetTarget; onClose: (done: ResetTarget | null) => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [target.staffId]);
  const reset = async () => {
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST("/admin/staff/{staffId}/mfa/reset", { params: { path: { staffId: target.staffId } } }));
      await queryClient.invalidateQueries({ queryKey: ["admin-staff"] });
      onClose(target);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card confirm" aria-labelledby="h-mfa-reset-staff">
      <h2 id="h-mfa-reset-staff" ref={heading} tabIndex={-1}>
        {t("adminMfa.confirmTitle", { name: target.name })}
      </h2>
      <p>{t("adminMfa.confirm")}</p>
      {error !== null && <ErrorNotice error={error} />}
      <div className="actions">
        <button type="button" className="primary danger-fill" disabled={busy} onClick={() => void reset()}>
          {t("adminMfa.confirmDo")}
        </button>
        <button type="button" onClick={() => onClose(null)}>
          {t("locks.cancel")}
        </button>
      </div>
    </section>
  );
}
