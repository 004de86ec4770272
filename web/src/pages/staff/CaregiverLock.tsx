import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { ErrorNotice } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { UnlockForm } from "./AccountAccess";
import { CaregiverMfaReset } from "./CaregiverMfaReset";
import { LockFacts, LockForm, type LockRequest } from "./LockForm";

// A caregiver's portal account in the patient's care-circle list (front desk, issue 21): locked or
// not, and locking it (the same reason form as a patient's) or unlocking it. The lock is the
// caregiver's whole account: every patient they act for. Beside it, resetting the account's
// authenticator app (a lost phone).

export const caregiverLockKey = (sub: string) => ["caregiver-lock", sub];

export function CaregiverLock({ sub, name }: { sub: string; name: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<"locked" | "unlocked" | null>(null);
  const lock = useQuery({
    queryKey: caregiverLockKey(sub),
    queryFn: async () => (await unwrap(api.GET("/staff/caregivers/{caregiverSub}/lock", { params: { path: { caregiverSub: sub } } }))).data,
  });
  const send = async (request: LockRequest) => {
    const { data } = await unwrap(api.POST("/staff/caregivers/{caregiverSub}/lock", { params: { path: { caregiverSub: sub } }, body: request }));
    queryClient.setQueryData(caregiverLockKey(sub), data);
    setOpen(false);
    setDone("locked");
  };
  const unlock = async (note: string) => {
    const { data } = await unwrap(
      api.POST("/staff/caregivers/{caregiverSub}/unlock", { params: { path: { caregiverSub: sub } }, body: note ? { note } : {} }),
    );
    queryClient.setQueryData(caregiverLockKey(sub), data);
    setDone("unlocked");
  };
  if (lock.isPending) return null;
  if (lock.error || !lock.data) return <ErrorNotice error={lock.error} retry={() => void lock.refetch()} />;
  const state = lock.data;
  return (
    <div className="caregiver-lock" role="group" aria-label={t("locks.caregiver.title", { name })}>
      <p>
        <span className={state.locked ? "tag off" : "tag"}>{state.locked ? t("locks.caregiver.locked") : t("locks.caregiver.unlocked")}</span>
      </p>
      {state.locked && <LockFacts lock={state} />}
      {done && (
        <p role="status" className="notice success">
          {done === "locked" ? t("locks.lockedDone") : t("locks.unlockedDone")}
        </p>
      )}
      {state.locked ? (
        <UnlockForm onUnlock={unlock} label={t("locks.caregiver.unlock", { name })} />
      ) : open ? (
        <LockForm name={name} kind="caregiver" onLock={send} onCancel={() => setOpen(false)} />
      ) : (
        <button type="button" className="danger" onClick={() => { setDone(null); setOpen(true); }}>
          {t("locks.caregiver.lock", { name })}
        </button>
      )}
      <CaregiverMfaReset sub={sub} name={name} />
    </div>
  );
}
