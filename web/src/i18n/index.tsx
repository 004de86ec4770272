import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useState, type ReactNode } from "react";
import { en, type MessageKey } from "./en";

export type Locale = "en" | "es";
export type Catalogue = Record<MessageKey, string>;
export const localeNames: Record<Locale, string> = { en: "English", es: "Español" };

// English is in the entry bundle: the fallback and the source of the keys. Other languages are
// their own chunks, fetched when a reader picks one (or the browser asks for one).
const loaders: Record<Exclude<Locale, "en">, () => Promise<Catalogue>> = {
  es: () => import("./es").then((m) => m.es),
};
const loaded: Partial<Record<Locale, Catalogue>> = { en };
const loading: Partial<Record<Locale, Promise<Catalogue>>> = {};

/** The catalogue, once fetched (a failed fetch is tried again on the next call). */
export function loadCatalogue(locale: Locale): Promise<Catalogue> {
  const ready = loaded[locale];
  if (ready) return Promise.resolve(ready);
  return (loading[locale] ??= loaders[locale as Exclude<Locale, "en">]().then(
    (catalogue) => (loaded[locale] = catalogue),
    (error: unknown) => {
      delete loading[locale];
      throw error;
    },
  ));
}

/** The catalogue if it has already been fetched. */
export function loadedCatalogue(locale: Locale): Catalogue | undefined {
  return loaded[locale];
}

/** Fills `{name}` placeholders; an unknown placeholder stays visible rather than vanishing. */
export function format(template: string, vars?: Record<string, string | number>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

/** In English until the language's catalogue has been fetched (see `loadCatalogue`). */
export function translate(locale: Locale, key: MessageKey, vars?: Record<string, string | number>) {
  return format((loaded[locale] ?? en)[key], vars);
}

export function initialLocale(languages: readonly string[] = navigator.languages ?? []): Locale {
  return languages.some((l) => l.toLowerCase().startsWith("es")) ? "es" : "en";
}

interface I18n {
  /** The language shown. */
  locale: Locale;
  /** The language picked: `locale` follows it once its catalogue has arrived. */
  chosen: Locale;
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
  const { shown, chosen, choose: setLocale } = useLocaleChoice(start ?? initialLocale());
  const locale = shown ?? "en";
  // The page's language changes with its text.
  useLayoutEffect(() => {
    if (shown) document.documentElement.lang = shown;
  }, [shown]);
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
      chosen,
      setLocale,
      t: (key, vars) => translate(locale, key, vars),
      dateTime: (iso) => {
        const d = new Date(iso);
        return Number.isNaN(d.getTime()) ? iso : dateTimeFormat.format(d);
      },
      date: (value) => formatDate(value, dateFormat),
      number: (n) => numberFormat.format(n),
    };
  }, [locale, chosen, setLocale, timeZone]);
  // Started in a language still on its way: the app's usual loading state, not English first.
  if (!shown) return <p role="status">{translate("en", "app.loading")}</p>;
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/**
 * A language picked (`chosen`) and the language to show (`shown`): `shown` follows `chosen` once
 * its catalogue has arrived, so nothing is shown half translated. Until then the previous language
 * stays; if the catalogue cannot be fetched (offline), the previous language stays and `chosen`
 * goes back to it. `shown` is null only while the first language is on its way.
 */
export function useLocaleChoice(first: Locale): { shown: Locale | null; chosen: Locale; choose: (next: Locale) => void } {
  const [state, setState] = useState<{ shown: Locale | null; chosen: Locale }>(() => ({
    shown: loaded[first] ? first : null,
    chosen: first,
  }));
  const choose = useCallback(
    (next: Locale) => setState((s) => (loaded[next] ? { shown: next, chosen: next } : { ...s, chosen: next })),
    [],
  );
  const { shown, chosen } = state;
  useEffect(() => {
    if (shown === chosen) return;
    let live = true;
    loadCatalogue(chosen).then(
      () => live && setState((s) => (s.chosen === chosen ? { shown: chosen, chosen } : s)),
      () => live && setState((s) => (s.chosen === chosen ? { shown: s.shown ?? "en", chosen: s.shown ?? "en" } : s)),
    );
    return () => {
      live = false;
    };
  }, [shown, chosen]);
  return { shown, chosen, choose };
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
