import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { Schemas } from "../../api/client";
import { ErrorNotice, Field, fieldErrors } from "../../components/ui";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";

// Locking a portal account (issue 21), the front desk's form for a patient's account and a
// caregiver's alike: a reason and an optional note, then a confirmation that says what locking
// does before anything is sent. The API's field errors go next to the field they name.

export type LockReason = Schemas["LockReason"];
export const LOCK_REASONS: LockReason[] = ["suspected-compromise", "deceased", "court-order", "owner-request", "other"];
export type LockRequest = Schemas["LockAccount"];
/** A lock as the API answers it (`GET|POST .../lock`, `.../unlock`). */
export type LockState = Schemas["AccountLockState"];


export function LockForm({
  name,
  kind,
  onLock,
  onCancel,
}: {
  /** Whose account: named in the confirmation. */
  name: string;
  kind: "patient" | "caregiver";
  /** Sends the lock; throws the API's error. */
  onLock: (request: LockRequest) => Promise<void>;
  onCancel?: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [reason, setReason] = useState<LockReason | "">("");
  const [note, setNote] = useState("");
  const [missing, setMissing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const ask = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setMissing(!reason);
    if (reason) setConfirming(true);
  };
  const lock = async () => {
    if (!reason) return;
    setBusy(true);
    setError(null);
    try {
      await onLock({ reason, ...(note.trim() ? { note: note.trim() } : {}) });
    } catch (e) {
      setError(e);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  const reasonError = missing ? t("locks.reasonMissing") : errors.reason;
  const reasonId = `${id}-reason`;
  const other = Object.keys(errors).filter((field) => field !== "reason" && field !== "note");
  return (
    <form className="form" noValidate onSubmit={ask} aria-label={kind === "patient" ? t("locks.lock") : t("locks.caregiver.lock", { name })}>
      <div className="field">
        <label htmlFor={reasonId}>{t("locks.reason")}</label>
        <select id={reasonId} value={reason} disabled={confirming} aria-invalid={reasonError ? true : undefined}
          aria-describedby={reasonError ? `${reasonId}-error` : undefined}
          onChange={(e) => setReason(e.target.value as LockReason | "")}>
          <option value="">{t("locks.reasonChoose")}</option>
          {LOCK_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`locks.reason.${r}` as MessageKey)}
            </option>
          ))}
        </select>
        {reasonError && (
          <p id={`${reasonId}-error`} className="field-error">
            {reasonError}
          </p>
        )}
      </div>
      <Field label={t("locks.note")} hint={t("locks.noteHint")} multiline maxLength={500} value={note} disabled={confirming}
        onChange={(e) => setNote(e.target.value)} error={errors.note} />
      {error !== null && (other.length > 0 || Object.keys(errors).length === 0) && <ErrorNotice error={error} />}
      {confirming ? (
        <div className="confirm">
          <p className="notice-title">{kind === "patient" ? t("locks.confirmPatient", { name }) : t("locks.confirmCaregiver", { name })}</p>
          <div className="actions">
            <button ref={confirmButton} type="button" className="primary danger-fill" disabled={busy} onClick={() => void lock()}>
              {t("locks.confirmLock")}
            </button>
            <button type="button" onClick={() => (onCancel ? onCancel() : setConfirming(false))}>
              {t("locks.cancel")}
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <button type="submit" className="danger">
            {kind === "patient" ? t("locks.lock") : t("locks.caregiver.lock", { name })}
          </button>
          {onCancel && (
            <button type="button" onClick={onCancel}>
              {t("locks.cancel")}
            </button>
          )}
        </div>
      )}
    </form>
  );
}

/** What a lock says to staff: since when, by whom, why, and the note. */
export function LockFacts({ lock }: { lock: LockState }) {
  const { t, dateTime } = useI18n();
  // No name: the account's owner locked it (the sign-in notice's link).
  const by = lock.lockedBy ? (lock.lockedBy.name ?? t("locks.byOwner")) : "—";
  return (
    <>
      {lock.lockedAt && <p>{t("locks.lockedFacts", { date: dateTime(lock.lockedAt), by })}</p>}
      {lock.reason && <p>{t("locks.reasonShown", { reason: t(`locks.reason.${lock.reason}` as MessageKey) })}</p>}
      {lock.note && <p>{t("locks.noteShown", { note: lock.note })}</p>}
    </>
  );
}
