import { useId, useState } from "react";
import { useI18n } from "../../i18n";
import { Heading } from "./Heading";

/**
 * The backup codes, shown once: copy, print, and "I have saved them" before going on. Nothing
 * keeps them after `onDone` (the API stores only their keyed hashes).
 */
export function BackupCodes({ codes, level, onDone }: { codes: string[]; level: 2 | 3; onDone: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const [saved, setSaved] = useState(false);
  const [copy, setCopy] = useState<"copied" | "failed" | null>(null);

  const copyCodes = async () => {
    try {
      await navigator.clipboard.writeText(codes.join("\n"));
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  };

  return (
    <section aria-labelledby={`${id}-h`} className="backup-codes">
      <Heading level={level} id={`${id}-h`}>
        {t("security.codes.heading")}
      </Heading>
      <p>{t("security.codes.intro")}</p>
      <ol aria-label={t("security.codes.list")} className="backup-code-list">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="actions no-print">
        <button type="button" onClick={() => void copyCodes()}>
          {t("security.codes.copy")}
        </button>
        <button type="button" onClick={() => window.print()}>
          {t("security.codes.print")}
        </button>
      </div>
      <p role="status" className="no-print">
        {copy === "copied" ? t("security.codes.copied") : copy === "failed" ? t("security.codes.copyFailed") : ""}
      </p>
      <div className="field checkbox no-print">
        <input id={`${id}-saved`} type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
        <label htmlFor={`${id}-saved`}>{t("security.codes.saved")}</label>
      </div>
      <div className="actions no-print">
        <button type="button" className="primary" disabled={!saved} onClick={onDone}>
          {t("security.codes.done")}
        </button>
      </div>
    </section>
  );
}
