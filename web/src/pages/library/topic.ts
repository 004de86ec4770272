// The education library's topics without React: the editor's form and what it sends, and the
// list's filter.

export const KINDS = ["condition", "medication", "test"] as const;
export const SYSTEMS = ["icd10cm", "snomed", "loinc", "rxnorm"] as const;
export type Kind = (typeof KINDS)[number];
export type CodeSystem = (typeof SYSTEMS)[number];

export interface Text {
  title: string;
  summary: string;
  url: string;
}
/** A topic as the library lists it (the fields the screens read). */
export interface TopicLike {
  topicId: string;
  kind: string;
  content: { en: Text; es?: Text | null };
  codes: { system: string; code: string }[];
  ingredients?: string[];
  origin: string;
  status: string;
  version: number;
  helpful?: { yes: number; no: number } | null;
}

export interface TopicForm {
  topicId: string;
  kind: Kind;
  en: Text;
  es: Text;
  codes: { system: CodeSystem; code: string }[];
  ingredients: string[];
}

const blank = (): Text => ({ title: "", summary: "", url: "" });

export function emptyForm(): TopicForm {
  return { topicId: "", kind: "condition", en: blank(), es: blank(), codes: [{ system: "icd10cm", code: "" }], ingredients: [] };
}

export function formOf(topic: TopicLike): TopicForm {
  return {
    topicId: topic.topicId,
    kind: (KINDS as readonly string[]).includes(topic.kind) ? (topic.kind as Kind) : "condition",
    en: { ...topic.content.en },
    es: topic.content.es ? { ...topic.content.es } : blank(),
    codes: topic.codes.map((c) => ({ system: (SYSTEMS as readonly string[]).includes(c.system) ? (c.system as CodeSystem) : "icd10cm", code: c.code })),
    ingredients: [...(topic.ingredients ?? [])],
  };
}

const trimmed = (t: Text): Text => ({ title: t.title.trim(), summary: t.summary.trim(), url: t.url.trim() });

/** The topic as the API takes it: Spanish only when some of it is filled in, no blank rows. */
export function bodyOf(form: TopicForm) {
  const es = trimmed(form.es);
  const hasEs = Boolean(es.title || es.summary || es.url);
  return {
    topicId: form.topicId.trim(),
    kind: form.kind,
    content: { en: trimmed(form.en), ...(hasEs ? { es } : {}) },
    codes: form.codes.map((c) => ({ system: c.system, code: c.code.trim() })).filter((c) => c.code),
    ingredients: form.ingredients.map((i) => i.trim()).filter(Boolean),
  };
}

export interface LibraryFilter {
  text: string;
  kind: "" | Kind;
  status: "" | "active" | "retired";
  origin: "" | "starter" | "practice";
}

export const noFilter: LibraryFilter = { text: "", kind: "", status: "", origin: "" };

/** The topics the filter keeps: the text matches an id, a title (either language) or a code. */
export function filterTopics<T extends TopicLike>(topics: T[], filter: LibraryFilter): T[] {
  const needle = filter.text.trim().toLowerCase();
  return topics.filter((topic) => {
    if (filter.kind && topic.kind !== filter.kind) return false;
    if (filter.status && topic.status !== filter.status) return false;
    if (filter.origin && topic.origin !== filter.origin) return false;
    if (!needle) return true;
    const hay = [topic.topicId, topic.content.en.title, topic.content.es?.title ?? "", ...topic.codes.map((c) => c.code), ...(topic.ingredients ?? [])];
    return hay.some((h) => h.toLowerCase().includes(needle));
  });
}

/** A topic's title in the reader's language, English when it has none in theirs. */
export function titleIn(topic: TopicLike, locale: string): string {
  return (locale === "es" ? topic.content.es?.title : undefined) || topic.content.en.title;
}

/** The ETag a topic's change sends back in If-Match (the API's, else made from its version). */
export const etagOf = (topic: { version: number }) => `"${topic.version}"`;
