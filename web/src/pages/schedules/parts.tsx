import { useEffect, useRef } from "react";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { messageKey, type FieldPlace } from "./schedule";

/** An API field message in the reader's language where the catalogue knows it, else as sent. */
export function useFieldMessage() {
  const { t } = useI18n();
  return (message: string | undefined): string | undefined => {
    if (message === undefined) return undefined;
    const key: MessageKey | undefined = messageKey(message);
    return key ? t(key) : message;
  };
}

/**
 * The errors of a submit, each a link to the input it names, focused when they change (so a
 * screen reader hears them). Errors without a place are left to the caller.
 */
export function ErrorSummary({ errors, places }: { errors: Record<string, string>; places: Record<string, FieldPlace> }) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const entries = Object.entries(errors).filter(([field]) => places[field]);
  const signature = entries.map(([f, m]) => `${f}:${m}`).join("|");
  useEffect(() => {
    if (signature) box.current?.focus();
  }, [signature]);
  if (!entries.length) return null;
  return (
    <div ref={box} className="notice error error-summary" role="alert" tabIndex={-1}>
      <p className="notice-title">{t("schedules.errorSummary")}</p>
      <ul>
        {entries.map(([field, message]) => (
          <li key={field}>
            <a
              href={`#${places[field]!.id}`}
              onClick={(e) => {
                e.preventDefault();
                document.getElementById(places[field]!.id)?.focus();
              }}
            >
              {places[field]!.label}: {message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
