import { useId, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap } from "../../api/client";
import { ErrorNotice, Field, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { keys, useVisitTypes, type Provider } from "./api";
import { ErrorSummary, useFieldMessage } from "./parts";
import type { FieldPlace } from "./schedule";

// "Edit provider" (front desk): the provider's name, specialty, whether they accept new
// patients and the visit types they offer, changed with `PATCH /staff/providers/{providerId}`
// and the version read in `If-Match`. When someone else changed the provider meanwhile (412),
// it says so and loads their version into the form.

interface ProviderForm {
  name: string;
  specialty: string;
  accepting: boolean;
  visitTypes: string[];
}

const toForm = (p: Provider): ProviderForm => ({ name: p.name, specialty: p.specialty, accepting: p.acceptingNewPatients, visitTypes: [...p.visitTypes] });

export default function EditProvider({ provider, onReload }: { provider: Provider; onReload: () => Promise<Provider | undefined> }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const visitTypes = useVisitTypes();
  const message = useFieldMessage();
  const base = useId();
  // The version the next edit is based on: as read, then as this form last saved it.
  const [current, setCurrent] = useState<Provider>(provider);
  const [form, setForm] = useState<ProviderForm>(() => toForm(provider));
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [stale, setStale] = useState(false);
  const types = visitTypes.data?.items ?? [];
  const firstType = `${base}-vt-${types[0]?.id ?? ""}`;
  const places: Record<string, FieldPlace> = {
    name: { id: `${base}-name`, label: t("schedules.add.name") },
    specialty: { id: `${base}-specialty`, label: t("schedules.add.specialty") },
    visitTypes: { id: firstType, label: t("schedules.add.visitTypes") },
    ...Object.fromEntries(types.map((_, i) => [`visitTypes[${i}]`, { id: firstType, label: t("schedules.add.visitTypes") }])),
  };

  const change = (next: ProviderForm) => {
    setForm(next);
    setSaved(false);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    setStale(false);
    const problems: Record<string, string> = {};
    if (!form.name.trim()) problems.name = t("schedules.add.required");
    if (!form.specialty.trim()) problems.specialty = t("schedules.add.required");
    if (!form.visitTypes.length) problems.visitTypes = t("schedules.add.chooseVisitType");
    setLocal(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.PATCH("/staff/providers/{providerId}", {
          params: { path: { providerId: current.providerId }, header: { "If-Match": `"${current.version}"` } },
          body: { name: form.name.trim(), specialty: form.specialty.trim(), acceptingNewPatients: form.accepting, visitTypes: form.visitTypes },
        }),
      );
      queryClient.setQueryData<Provider>(keys.provider(data.providerId), data);
      await queryClient.invalidateQueries({ queryKey: keys.providers });
      await queryClient.invalidateQueries({ queryKey: ["providers"] });
      setCurrent(data);
      setForm(toForm(data));
      setSaved(true);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        setStale(true);
        const latest = await onReload();
        if (latest) {
          setCurrent(latest);
          setForm(toForm(latest));
        }
      } else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const apiErrors = Object.fromEntries(Object.entries(fieldErrors(error)).map(([f, m]) => [f, message(m)!]));
  const errors: Record<string, string> = { ...apiErrors, ...local };
  const typesError = errors.visitTypes ?? Object.entries(errors).find(([f]) => f.startsWith("visitTypes["))?.[1];
  const placed = Object.keys(apiErrors).some((f) => places[f]);
  return (
    <form onSubmit={submit} className="card form" noValidate aria-labelledby={`${base}-h`}>
      <h2 id={`${base}-h`}>{t("schedules.edit.title")}</h2>
      <ErrorSummary errors={errors} places={places} />
      {stale && (
        <div role="alert" className="notice error">
          <p className="notice-title">{t("schedules.edit.stale.title")}</p>
          <p>{t("schedules.edit.stale.detail")}</p>
        </div>
      )}
      <Field id={places.name!.id} label={t("schedules.add.name")} hint={t("schedules.add.nameHint")} maxLength={100} autoComplete="off"
        value={form.name} onChange={(e) => change({ ...form, name: e.target.value })} error={errors.name} />
      <Field id={places.specialty!.id} label={t("schedules.add.specialty")} hint={t("schedules.add.specialtyHint")} maxLength={60} autoComplete="off"
        value={form.specialty} onChange={(e) => change({ ...form, specialty: e.target.value })} error={errors.specialty} />
      <div className="field radio">
        <input id={`${base}-accepting`} type="checkbox" checked={form.accepting} onChange={(e) => change({ ...form, accepting: e.target.checked })} />
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
                change({ ...form, visitTypes: e.target.checked ? [...form.visitTypes, v.id] : form.visitTypes.filter((x) => x !== v.id) })
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
      {error !== null && !placed && <ErrorNotice error={error} />}
      <p role="status" className={saved ? "notice success" : "muted"}>
        {saved ? t("schedules.edit.saved") : ""}
      </p>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t("schedules.edit.saving") : t("schedules.edit.submit")}
      </button>
    </form>
  );
}
