import { useEffect, useId, useRef, useState, useSyncExternalStore, type KeyboardEvent } from "react";
import { getSession, isStaff, subscribe } from "../auth/session";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { markTourSeen, tourSeen, TOUR_STEPS } from "./tour";
import "./tour.css";

// The first-sign-in tour: a few steps about the portal's main parts, in a native <dialog>.
// It opens without blocking the page (non-modal, in the page's flow): the person may read the
// page behind it, skip it, or step through it by keyboard (Escape closes it).

/**
 * The tour's dialog. `focus`: move focus into it when it opens (when the person asked for it;
 * on the first sign-in the page's heading keeps focus, and the tour is the next stop).
 */
export function Tour({ onClose, focus = false }: { onClose: () => void; focus?: boolean }) {
  const { t } = useI18n();
  const [step, setStep] = useState(1);
  const titleId = useId();
  const stepId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // Each new step is announced by moving to its heading (not on the first, unless asked).
    if (first.current && !focus) {
      first.current = false;
      return;
    }
    first.current = false;
    heading.current?.focus();
  }, [step, focus]);
  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key === "Escape") {
      event.preventDefault();
      onClose();
    }
  };
  const last = step === TOUR_STEPS;
  return (
    <dialog open className="tour card" aria-labelledby={titleId} aria-describedby={stepId} onKeyDown={onKeyDown}>
      <h2 id={titleId} className="tour-title">
        {t("tour.title")}
      </h2>
      <p className="muted">{t("tour.progress", { step, total: TOUR_STEPS })}</p>
      <div id={stepId}>
        <h3 ref={heading} tabIndex={-1}>
          {t(`tour.step${step}.title` as MessageKey)}
        </h3>
        <p>{t(`tour.step${step}.body` as MessageKey)}</p>
      </div>
      <div className="tour-actions">
        {step > 1 && (
          <button type="button" onClick={() => setStep(step - 1)}>
            {t("tour.back")}
          </button>
        )}
        {last ? (
          <button type="button" className="primary" onClick={onClose}>
            {t("tour.finish")}
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => setStep(step + 1)}>
            {t("tour.next")}
          </button>
        )}
        {!last && (
          <button type="button" className="link-button" onClick={onClose}>
            {t("tour.skip")}
          </button>
        )}
      </div>
    </dialog>
  );
}

/** On the patient's home: the tour once per account (patients and caregivers; staff never). */
export function FirstSignInTour() {
  const session = useSyncExternalStore(subscribe, getSession);
  const sub = session && !isStaff(session.claims) ? session.claims.sub : null;
  const [open, setOpen] = useState(() => (sub ? !tourSeen(sub) : false));
  if (!sub || !open) return null;
  return (
    <Tour
      onClose={() => {
        markTourSeen(sub);
        setOpen(false);
        // Focus goes back to the page's heading rather than being lost with the dialog.
        requestAnimationFrame(() => document.querySelector<HTMLElement>("main h1")?.focus());
      }}
    />
  );
}
