import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { useQueryClient } from "@tanstack/react-query";
import { useApp } from "../context";
import { FEATURES, featureKey, featureOfPath, type Feature } from "../features";
import { useI18n } from "../i18n";
import { Link } from "../router";
import { appVersion, fileReport, pageOf, reportsPath, type ProblemReport, type Reporter } from "../pages/support/reporting";
import { ErrorNotice, Field, fieldErrors } from "./ui";
import "./support.css";

// "Report a problem", on every signed-in page: a button in the app's header opens a dialog that
// sends what happened, the page (ids stripped), the feature it is about and the app's version.

export function ReportProblemButton({ reporter }: { reporter: Reporter }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  // Back where the person was once the dialog has gone (not before: until then the page behind
  // it is inert, and an inert button takes no focus). Not when they followed the link away.
  const refocus = useRef(false);
  useEffect(() => {
    if (!open && refocus.current) {
      refocus.current = false;
      trigger.current?.focus();
    }
  }, [open]);
  return (
    <>
      <button
        ref={trigger}
        type="button"
        className="link-button"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        {t("report.open")}
      </button>
      {open && (
        <ReportDialog
          reporter={reporter}
          pathname={location.pathname}
          onClose={(returnFocus = true) => {
            refocus.current = returnFocus;
            setOpen(false);
          }}
          background={trigger.current}
        />
      )}
    </>
  );
}

/** A modal dialog: focus moves in and is kept there, Escape closes it, the page behind is inert. */
function Modal({
  labelledBy,
  describedBy,
  onClose,
  background,
  children,
}: {
  labelledBy: string;
  describedBy: string;
  onClose: () => void;
  background: HTMLElement | null;
  children: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // The page behind the dialog: neither focusable nor read while the dialog is open (`inert`
    // takes it out of the accessibility tree too).
    const page = background?.closest<HTMLElement>("body > *") ?? null;
    page?.setAttribute("inert", "");
    const first = box.current?.querySelector<HTMLElement>("textarea, input, select, button");
    first?.focus();
    return () => {
      page?.removeAttribute("inert");
    };
  }, [background]);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== "Tab" || !box.current) return;
    const focusable = [
      ...box.current.querySelectorAll<HTMLElement>("a[href], button:not([disabled]), textarea, input, select"),
    ];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };
  return createPortal(
    <div className="dialog-backdrop">
      <div
        ref={box}
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        aria-describedby={describedBy}
        className="dialog card"
        onKeyDown={onKeyDown}
      >
        {children}
      </div>
    </div>,
    document.body,
  );
}

export function ReportDialog({
  reporter,
  pathname,
  onClose,
  background = null,
}: {
  reporter: Reporter;
  pathname: string;
  /** `false` when the person leaves for another page (the focus goes to that page). */
  onClose: (returnFocus?: boolean) => void;
  background?: HTMLElement | null;
}) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const base = useId();
  const titleId = `${base}-title`;
  const introId = `${base}-intro`;
  // Where the person was when they opened the dialog, as the report will say it.
  const [page] = useState(() => pageOf(pathname));
  const [feature, setFeature] = useState<Feature | "">(() => featureOfPath(pathname) ?? "");
  const [text, setText] = useState("");
  const [key] = useState(() => crypto.randomUUID());
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [filed, setFiled] = useState<ProblemReport | null>(null);
  const version = appVersion();
  const seeIt = useRef<HTMLParagraphElement>(null);
  // Sent: focus moves to the way to the report (the form it was on is gone).
  useEffect(() => {
    if (filed) seeIt.current?.querySelector("a")?.focus();
  }, [filed]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const missing: Record<string, string> = {};
    if (!text.trim()) missing.whatHappened = t("report.whatHappenedRequired");
    setLocal(missing);
    if (Object.keys(missing).length) return;
    setBusy(true);
    try {
      const report = await fileReport(
        api,
        reporter,
        { whatHappened: text.trim(), page, appVersion: version, ...(feature ? { feature } : {}) },
        key,
      );
      setFiled(report);
      void queryClient.invalidateQueries({ queryKey: ["my-reports"] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const errors = { ...fieldErrors(error), ...local };
  // The page and version are the app's doing, not the person's: their errors read as a notice.
  const personal = Boolean(errors.whatHappened || errors.feature);
  return (
    <Modal labelledBy={titleId} describedBy={introId} onClose={() => onClose()} background={background}>
      <h2 id={titleId}>{t("report.title")}</h2>
      {filed ? (
        <>
          <p id={introId} role="status" className="notice success">
            {t("report.sent")}
          </p>
          <p ref={seeIt}>
            <Link to={`${reportsPath(reporter)}/${filed.reportId}`} onClick={() => onClose(false)}>
              {t("report.seeIt")}
            </Link>
          </p>
          <div className="dialog-actions">
            <button type="button" className="primary" onClick={() => onClose()}>
              {t("report.close")}
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={submit} className="form" noValidate>
          <p id={introId} className="hint">
            {t("report.intro")}
          </p>
          <Field
            label={t("report.whatHappened")}
            hint={t("report.whatHappenedHint")}
            multiline
            maxLength={4000}
            value={text}
            onChange={(e) => setText(e.target.value)}
            error={errors.whatHappened}
          />
          <div className="field">
            <label htmlFor={`${base}-feature`}>{t("report.feature")}</label>
            <select
              id={`${base}-feature`}
              value={feature}
              aria-invalid={errors.feature ? true : undefined}
              aria-describedby={errors.feature ? `${base}-feature-error` : undefined}
              onChange={(e) => setFeature(e.target.value as Feature | "")}
            >
              <option value="">{t("report.featureNone")}</option>
              {FEATURES.map((f) => (
                <option key={f} value={f}>
                  {t(featureKey(f))}
                </option>
              ))}
            </select>
            {errors.feature && (
              <p id={`${base}-feature-error`} className="field-error">
                {errors.feature}
              </p>
            )}
          </div>
          <div className="report-context">
            <p className="muted">{t("report.sentWith")}</p>
            <dl className="facts">
              <dt>{t("report.page")}</dt>
              <dd>
                <code>{page}</code>
              </dd>
              <dt>{t("report.version")}</dt>
              <dd>{version}</dd>
            </dl>
          </div>
          {error !== null && !personal && <ErrorNotice error={error} />}
          <div className="dialog-actions">
            <button type="submit" className="primary" disabled={busy}>
              {t("report.send")}
            </button>
            <button type="button" onClick={() => onClose()}>
              {t("report.cancel")}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
