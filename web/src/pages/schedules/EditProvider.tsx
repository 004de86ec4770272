import { useId, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap } from "../../api/client";
import { ErrorNotice, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { keys, useVisitTypes, type Provider } from "./api";
import { ErrorSummary, useFieldMessage } from "./parts";
import { ProviderFields, providerBody, providerPlaces, providerProblems, type ProviderForm } from "./ProviderFields";

// "Edit provider" (front desk): the provider's name, specialty, whether they accept new
// patients and the visit types they offer, changed with `PATCH /staff/providers/{providerId}`
// and the version read in `If-Match`. When someone else changed the provider meanwhile (412),
// it says so and loads their version into the form.

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
  const places = providerPlaces(base, (visitTypes.data?.items ?? []).map((v) => v.id), t);

  const change = (next: ProviderForm) => {
    setForm(next);
    setSaved(false);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    setStale(false);
    const problems = providerProblems(form, t);
    setLocal(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.PATCH("/staff/providers/{providerId}", {
          params: { path: { providerId: current.providerId }, header: { "If-Match": `"${current.version}"` } },
          body: providerBody(form),
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
      <ProviderFields base={base} places={places} form={form} onChange={change} errors={errors} />
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
