import { useId, useState } from "react";
import { Page } from "../../components/ui";
import { useApp } from "../../context";
import { localeNames, translate, useI18n, useLocaleChoice, type Locale } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { Link } from "../../router";
import { handoutFor } from "./handout";
import "./handout.css";

// The printable activation handout (front desk): the practice, the portal's address, the steps,
// the code and when it expires, in the patient's language. Designed for paper (`@media print`:
// only the sheet is printed, in large type, on A4 or Letter); the code comes from this tab's
// memory, never from the address bar.

const PRACTICE_KEY = "portal.handout.practice";

function rememberedPractice(): string {
  try {
    return localStorage.getItem(PRACTICE_KEY) ?? "";
  } catch {
    return "";
  }
}

export default function Handout({ patientId }: { patientId: string }) {
  const { t, locale } = useI18n();
  const { config } = useApp();
  const handout = handoutFor(patientId);
  // The sheet changes language once that language's catalogue has arrived (see useLocaleChoice).
  const { shown, chosen, choose } = useLocaleChoice(locale);
  const lang = shown ?? locale;
  const [practice, setPractice] = useState(rememberedPractice);
  const practiceId = useId();
  const back = (
    <p className="no-print">
      <Link to={`/staff/patients/${patientId}`}>{t("handout.back")}</Link>
    </p>
  );
  if (!handout) {
    return (
      <Page title={t("handout.title")}>
        <p className="notice">{t("handout.missing")}</p>
        {back}
      </Page>
    );
  }
  const s = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const expires = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short", timeZone: config.practiceTimeZone }).format(
    new Date(handout.expires),
  );
  const portal = location.origin;
  return (
    <Page title={t("handout.title")}>
      <div className="no-print card">
        <p>{t("handout.intro")}</p>
        <fieldset className="handout-languages">
          <legend>{t("handout.language")}</legend>
          {(Object.keys(localeNames) as Locale[]).map((l) => (
            <div key={l} className="field radio">
              <input id={`handout-${l}`} type="radio" name="handout-lang" value={l} checked={chosen === l} onChange={() => choose(l)} />
              <label htmlFor={`handout-${l}`} lang={l}>
                {localeNames[l]}
              </label>
            </div>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={practiceId}>{t("handout.practice")}</label>
          <input
            id={practiceId}
            value={practice}
            maxLength={120}
            autoComplete="organization"
            onChange={(e) => {
              setPractice(e.target.value);
              try {
                localStorage.setItem(PRACTICE_KEY, e.target.value);
              } catch {
                // Not remembered: typed again next time.
              }
            }}
          />
        </div>
        <button type="button" className="primary" onClick={() => window.print()}>
          {t("handout.printButton")}
        </button>
        {back}
      </div>
      <article className="handout-sheet" lang={lang} aria-label={s("handout.sheet.title")}>
        {practice.trim() && <p className="handout-practice">{practice.trim()}</p>}
        <h2>{s("handout.sheet.title")}</h2>
        <p>{s("handout.sheet.intro")}</p>
        <h3>{s("handout.sheet.address")}</h3>
        <p className="handout-address">{portal}</p>
        <h3>{s("handout.sheet.steps")}</h3>
        <ol>
          {(["handout.sheet.step1", "handout.sheet.step2", "handout.sheet.step3", "handout.sheet.step4"] as const).map((k) => (
            <li key={k}>{s(k)}</li>
          ))}
        </ol>
        <h3>{s("handout.sheet.code")}</h3>
        <p className="handout-code">{handout.code}</p>
        <p className="handout-expires">{s("handout.sheet.expires", { date: expires })}</p>
        <p>{s("handout.sheet.private")}</p>
        <p>{s("handout.sheet.help")}</p>
      </article>
    </Page>
  );
}
