import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap } from "../../api/client";
import { ErrorNotice, Field, Loaded, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { LockFacts, LockForm, type LockRequest, type LockState } from "./LockForm";

// "Account access" on the staff patient page (issue 21): whether the patient's portal account is
// locked, and for the front desk locking it (a reason, a note, a confirmation of what it does),
// unlocking it, and turning off the authenticator app of a patient who lost it, after checking
// their identity. Administrators read the lock only (the API refuses them the rest).

export const lockKey = (patientId: string) => ["patient-lock", patientId];

export default function AccountAccess({ patientId, name, manage }: { patientId: string; name: string; manage: boolean }) {
  const { api } = useApp();
  const { t } = useI18n();
  const lock = useQuery({
    queryKey: lockKey(patientId),
    queryFn: async () => (await unwrap(api.GET("/staff/patients/{patientId}/lock", { params: { path: { patientId } } }))).data,
  });
  return (
    <section className="card" aria-labelledby="h-account-access">
      <h2 id="h-account-access">{t("locks.title")}</h2>
      <p className="hint">{t("locks.intro")}</p>
      <Loaded query={lock}>{(state) => <PatientLock patientId={patientId} name={name} state={state} manage={manage} />}</Loaded>
      {manage && <MfaReset patientId={patientId} />}
    </section>
  );
}

function PatientLock({ patientId, name, state, manage }: { patientId: string; name: string; state: LockState; manage: boolean }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [done, setDone] = useState<"locked" | "unlocked" | null>(null);
  const lock = async (request: LockRequest) => {
    const { data } = await unwrap(api.POST("/staff/patients/{patientId}/lock", { params: { path: { patientId } }, body: request }));
    queryClient.setQueryData(lockKey(patientId), data);
    setDone("locked");
  };
  const unlock = async (note: string) => {
    const { data } = await unwrap(
      api.POST("/staff/patients/{patientId}/unlock", { params: { path: { patientId } }, body: note ? { note } : {} }),
    ).catch(async (e: unknown) => {
      // 409: a colleague unlocked it meanwhile; show the state as it is now, and why.
      if (e instanceof ApiError && e.status === 409) await queryClient.invalidateQueries({ queryKey: lockKey(patientId) });
      throw e;
    });
    queryClient.setQueryData(lockKey(patientId), data);
    setDone("unlocked");
  };
  return (
    <>
      <div className={state.locked ? "notice error" : "notice"}>
        <p className="notice-title">{state.locked ? t("locks.locked") : t("locks.unlocked")}</p>
        {state.locked && <LockFacts lock={state} />}
      </div>
      {done && (
        <p role="status" className="notice success">
          {done === "locked" ? t("locks.lockedDone") : t("locks.unlockedDone")}
        </p>
      )}
      {!manage ? (
        <p className="muted">{t("locks.readOnly")}</p>
      ) : state.locked ? (
        <UnlockForm onUnlock={unlock} />
      ) : (
        <LockForm key={String(state.locked)} name={name} kind="patient" onLock={lock} />
      )}
    </>
  );
}

/** Unlocking: an optional note, and the button (no confirmation: it gives access back). */
export function UnlockForm({ onUnlock, label }: { onUnlock: (note: string) => Promise<void>; label?: string }) {
  const { t } = useI18n();
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onUnlock(note.trim());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  return (
    <form className="form" noValidate onSubmit={submit} aria-label={label ?? t("locks.unlock")}>
      <Field label={t("locks.unlockNote")} multiline maxLength={500} value={note} onChange={(e) => setNote(e.target.value)}
        error={errors.note} />
      {error !== null && !errors.note && <ErrorNotice error={error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {label ?? t("locks.unlock")}
        </button>
      </div>
    </form>
  );
}

/** Turning off a patient's authenticator app once the front desk has checked who is asking. */
function MfaReset({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const [checked, setChecked] = useState(false);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    setMissing(!checked);
    if (!checked) return;
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST("/staff/patients/{patientId}/mfa/reset", { params: { path: { patientId } } }));
      setDone(true);
      setChecked(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" noValidate onSubmit={submit} aria-labelledby="h-mfa-reset">
      <h3 id="h-mfa-reset">{t("mfaReset.title")}</h3>
      <p className="hint">{t("mfaReset.intro")}</p>
      <div className="field checkbox">
        <input id="mfa-reset-identity" type="checkbox" checked={checked} required aria-invalid={missing ? true : undefined}
          aria-describedby={missing ? "mfa-reset-identity-error" : undefined} onChange={(e) => setChecked(e.target.checked)} />
        <label htmlFor="mfa-reset-identity">{t("mfaReset.identity")}</label>
      </div>
      {missing && (
        <p id="mfa-reset-identity-error" className="field-error">
          {t("mfaReset.identityMissing")}
        </p>
      )}
      {error !== null && <ErrorNotice error={error} />}
      {done && (
        <p role="status" className="notice success">
          {t("mfaReset.done")}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="danger" disabled={busy}>
          {t("mfaReset.submit")}
        </button>
      </div>
    </form>
  );
}
