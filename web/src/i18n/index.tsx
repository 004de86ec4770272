import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { en, type MessageKey } from "./en";
import { es } from "./es";

export type Locale = "en" | "es";
export const catalogues: Record<Locale, Record<MessageKey, string>> = { en, es };
export const localeNames: Record<Locale, string> = { en: "English", es: "Español" };

/** Fills `{name}` placeholders; an unknown placeholder stays visible rather than vanishing. */
export function format(template: string, vars?: Record<string, string | number>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

export function translate(locale: Locale, key: MessageKey, vars?: Record<string, string | number>) {
  return format(catalogues[locale][key], vars);
}

export function initialLocale(languages: readonly string[] = navigator.languages ?? []): Locale {
  return languages.some((l) => l.toLowerCase().startsWith("es")) ? "es" : "en";
}

interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  /** A date and time in the practice's time zone. */
  dateTime: (iso: string) => string;
  /** A calendar date (`2024-05-01`, or an instant) without a time. */
  date: (value: string) => string;
  number: (value: number) => string;
}

const Context = createContext<I18n | null>(null);

export function I18nProvider({
  children,
  timeZone,
  locale: start,
}: {
  children: ReactNode;
  timeZone: string;
  locale?: Locale;
}) {
  const [locale, setLocaleState] = useState<Locale>(start ?? initialLocale());
  const setLocale = useCallback((next: Locale) => {
    document.documentElement.lang = next;
    setLocaleState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const dateTimeFormat = new Intl.DateTimeFormat(locale, {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone,
    });
    const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
    const numberFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    return {
      locale,
      setLocale,
      t: (key, vars) => translate(locale, key, vars),
      dateTime: (iso) => {
        const d = new Date(iso);
        return Number.isNaN(d.getTime()) ? iso : dateTimeFormat.format(d);
      },
      date: (value) => formatDate(value, dateFormat),
      number: (n) => numberFormat.format(n),
    };
  }, [locale, setLocale, timeZone]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/** Dates by year or month only (`2024`, `2024-06`) stay as written; full dates by locale. */
function formatDate(value: string, format: Intl.DateTimeFormat): string {
  if (/^\d{4}(-\d{2})?$/.test(value)) return value;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(d.getTime()) ? value : format.format(d);
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}
