import type { MessageKey } from "../../i18n/en";
import { ErrorNotice, Field } from "../../components/ui";
import { useI18n } from "../../i18n";
import { useVisitTypes } from "./api";
import type { FieldPlace } from "./schedule";

// A provider's details as the front desk types them: adding a provider (Providers.tsx) and
// editing one (EditProvider.tsx) share the fields, their checks and the body they send.

export interface ProviderForm {
  name: string;
  specialty: string;
  accepting: boolean;
  visitTypes: string[];
}

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/** Where each field's error is shown (the error summary links to it), by the API's field names. */
export function providerPlaces(base: string, typeIds: string[], t: Translate): Record<string, FieldPlace> {
  const firstType = `${base}-vt-${typeIds[0] ?? ""}`;
  return {
    name: { id: `${base}-name`, label: t("schedules.add.name") },
    specialty: { id: `${base}-specialty`, label: t("schedules.add.specialty") },
    visitTypes: { id: firstType, label: t("schedules.add.visitTypes") },
    ...Object.fromEntries(typeIds.map((_, i) => [`visitTypes[${i}]`, { id: firstType, label: t("schedules.add.visitTypes") }])),
  };
}

/** What the form says before anything is sent (empty when it may be sent). */
export function providerProblems(form: ProviderForm, t: Translate): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!form.name.trim()) problems.name = t("schedules.add.required");
  if (!form.specialty.trim()) problems.specialty = t("schedules.add.required");
  if (!form.visitTypes.length) problems.visitTypes = t("schedules.add.chooseVisitType");
  return problems;
}

/** The body of `POST /staff/providers` and `PATCH /staff/providers/{providerId}`. */
export function providerBody(form: ProviderForm) {
  return { name: form.name.trim(), specialty: form.specialty.trim(), acceptingNewPatients: form.accepting, visitTypes: form.visitTypes };
}

/** The fields: name, specialty, accepting new patients, and the visit types offered. */
export function ProviderFields({
  base,
  places,
  form,
  onChange,
  errors,
}: {
  base: string;
  places: Record<string, FieldPlace>;
  form: ProviderForm;
  onChange: (next: ProviderForm) => void;
  errors: Record<string, string>;
}) {
  const { t } = useI18n();
  const visitTypes = useVisitTypes();
  const types = visitTypes.data?.items ?? [];
  const typesError = errors.visitTypes ?? Object.entries(errors).find(([f]) => f.startsWith("visitTypes["))?.[1];
  return (
    <>
      <Field id={places.name!.id} label={t("schedules.add.name")} hint={t("schedules.add.nameHint")} maxLength={100} autoComplete="off"
        value={form.name} onChange={(e) => onChange({ ...form, name: e.target.value })} error={errors.name} />
      <Field id={places.specialty!.id} label={t("schedules.add.specialty")} hint={t("schedules.add.specialtyHint")} maxLength={60} autoComplete="off"
        value={form.specialty} onChange={(e) => onChange({ ...form, specialty: e.target.value })} error={errors.specialty} />
      <div className="field radio">
        <input id={`${base}-accepting`} type="checkbox" checked={form.accepting} onChange={(e) => onChange({ ...form, accepting: e.target.checked })} />
        <label htmlFor={`${base}-accepting`}>{t("schedules.add.accepting")}</label>
      </div>
      <fieldset aria-describedby={typesError ? `${base}-vt-error` : undefined}>
        <legend>{t("schedules.add.visitTypes")}</legend>
        {visitTypes.error ? <ErrorNotice error={visitTypes.error} retry={() => void visitTypes.refetch()} /> : null}
        {types.map((v) => (
          <div key={v.id} className="field radio">
            <input
              id={`${base}-vt-${v.id}`}
              type="checkbox"
              aria-invalid={typesError ? true : undefined}
              checked={form.visitTypes.includes(v.id)}
              onChange={(e) =>
                onChange({ ...form, visitTypes: e.target.checked ? [...form.visitTypes, v.id] : form.visitTypes.filter((x) => x !== v.id) })
              }
            />
            <label htmlFor={`${base}-vt-${v.id}`}>{t("schedules.visitType", { name: v.name, minutes: v.minutes })}</label>
          </div>
        ))}
        {typesError && (
          <p id={`${base}-vt-error`} className="field-error">
            {typesError}
          </p>
        )}
      </fieldset>
    </>
  );
}
