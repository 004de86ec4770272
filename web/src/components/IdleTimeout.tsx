import { useEffect, useRef, useState } from "react";
import { useApp } from "../context";
import { useI18n } from "../i18n";

/**
 * How long a session lasts without input. Staff sign in on shared workstations at the desk and in
 * exam rooms; patients and caregivers on home, family or library computers, often reading a long
 * record or writing a message, so they get longer (issue 13's decision; the runbook says why).
 */
export const STAFF_IDLE_MS = 15 * 60 * 1000;
export const PATIENT_IDLE_MS = 30 * 60 * 1000;
/** How long before the end the page says so, with a way to stay signed in. */
export const IDLE_WARNING_MS = 2 * 60 * 1000;

const ACTIVITY = ["pointerdown", "keydown", "scroll"] as const;

/** Signs out after `idleMs` without input, warning `IDLE_WARNING_MS` before. */
export function IdleTimeout({ idleMs }: { idleMs: number }) {
  const { signOut } = useApp();
  const { t } = useI18n();
  const [warning, setWarning] = useState(false);
  const stay = useRef<HTMLButtonElement>(null);
  const [activity, setActivity] = useState(0);

  useEffect(() => {
    const warn = window.setTimeout(() => setWarning(true), Math.max(0, idleMs - IDLE_WARNING_MS));
    const end = window.setTimeout(() => void signOut("idle"), idleMs);
    return () => {
      window.clearTimeout(warn);
      window.clearTimeout(end);
    };
  }, [idleMs, signOut, activity]);

  useEffect(() => {
    // Any input says someone is there: the time starts again and a warning goes away.
    const restart = () => {
      setWarning(false);
      setActivity((n) => n + 1);
    };
    for (const e of ACTIVITY) window.addEventListener(e, restart, { passive: true });
    return () => {
      for (const e of ACTIVITY) window.removeEventListener(e, restart);
    };
  }, []);

  useEffect(() => {
    if (warning) stay.current?.focus();
  }, [warning]);

  if (!warning) return null;
  return (
    <div className="notice idle-warning" role="alertdialog" aria-labelledby="idle-title" aria-describedby="idle-text">
      <p id="idle-title" className="notice-title">
        {t("idle.title")}
      </p>
      <p id="idle-text">{t("idle.text", { minutes: Math.round(IDLE_WARNING_MS / 60_000) })}</p>
      <div className="actions">
        <button
          ref={stay}
          type="button"
          className="primary"
          onClick={() => {
            setWarning(false);
            setActivity((n) => n + 1);
          }}
        >
          {t("idle.stay")}
        </button>
        <button type="button" onClick={() => void signOut()}>
          {t("idle.signOutNow")}
        </button>
      </div>
    </div>
  );
}
