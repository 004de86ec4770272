import type { Schemas } from "../../api/client";
import type { useI18n } from "../../i18n";

type T = ReturnType<typeof useI18n>["t"];

/** Who brought the records in, as a person reads it ("A caregiver (Luis Lopez)"). */
export function importedBy(t: T, by: Schemas["ImportedBy"] | undefined): string {
  if (!by) return t("imports.by.unknown");
  const who = t(`imports.by.${by.relationship}`);
  return by.name ? t("imports.by.named", { who, name: by.name }) : who;
}

/** The names of a report's sources (the list's `sources` are loosely typed). */
export function sourceNames(sources: unknown[]): string {
  return sources
    .map((s) => (s && typeof s === "object" && "name" in s && typeof s.name === "string" ? s.name : ""))
    .filter(Boolean)
    .join(", ");
}

export const importsPath = (patientId: string) => `/p/${patientId}/records/imports`;
export const importPath = (patientId: string, importId: string) => `${importsPath(patientId)}/${importId}`;
