import { useEffect, useRef, useState, type FormEvent } from "react";
import { ApiError, unwrap } from "../../api/client";
import { ErrorNotice, Field, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { PlanView } from "./api";

/**
 * "Waive" one module of a member's plan (admins): a modal dialog asking why (5 to 500
 * characters; kept on the plan). Escape or Cancel closes it without a change.
 */
export function WaiveDialog({
  staffId,
  staffName,
  moduleId,
  moduleTitle,
  onDone,
  onCancel,
}: {
  staffId: string;
  staffName: string;
  moduleId: string;
  moduleTitle: string;
  onDone: (plan: PlanView) => void;
  onCancel: () => void;
}) {
  const { api } = useApp();
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const d = dialog.current;
    if (!d || d.open) return;
    // A modal where the browser has one (focus stays inside); an open box otherwise.
    if (typeof d.showModal === "function") d.showModal();
    else d.setAttribute("open", "");
  }, []);
  const trimmed = reason.trim();
  const local = trimmed.length < 5 ? t("onboarding.waive.reasonShort") : trimmed.length > 500 ? t("onboarding.waive.reasonLong") : null;
  const [shown, setShown] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShown(true);
    if (local || busy) return;
    setBusy(true);
    setError(null);
    try {
      const { data } = await unwrap(
        api.POST("/admin/staff/{staffId}/training/{moduleId}/waiver", {
          params: { path: { staffId, moduleId } },
          body: { reason: trimmed },
        }),
      );
      onDone(data);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  const reasonError = (shown ? local : null) ?? errors.reason;
  const other = error !== null && !errors.reason;
  return (
    <dialog
      ref={dialog}
      className="card dialog"
      aria-labelledby="waive-title"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={submit} noValidate className="form">
        <h2 id="waive-title">{t("onboarding.waive.title", { module: moduleTitle })}</h2>
        <p>{t("onboarding.waive.intro", { name: staffName, module: moduleTitle })}</p>
        <Field
          label={t("onboarding.waive.reason")}
          hint={t("onboarding.waive.reasonHint")}
          multiline
          required
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={reasonError ?? undefined}
        />
        {other &&
          (error instanceof ApiError && error.status === 409 ? (
            <p role="alert" className="notice error">
              {t("onboarding.waive.conflict")}
            </p>
          ) : (
            <ErrorNotice error={error} />
          ))}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t("onboarding.waive.confirm")}
          </button>
          <button type="button" onClick={onCancel}>
            {t("onboarding.cancel")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
