import { useId, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap } from "../../api/client";
import { getSession } from "../../auth/session";
import { ErrorNotice, LoadedList, Page, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link, navigate } from "../../router";
import { keys, useProviders, useVisitTypes, type Provider } from "./api";
import { ErrorSummary, useFieldMessage } from "./parts";
import { ProviderFields, providerBody, providerPlaces, providerProblems, type ProviderForm } from "./ProviderFields";
import "./schedules.css";

// "Provider schedules" (front desk): the directory, each provider's hours to edit, and adding
// a provider (`POST /staff/providers`), after which their (empty) schedule opens. Clinicians
// see the directory and each provider's hours, read only.

export default function Providers() {
  const { t } = useI18n();
  const list = useProviders();
  const visitTypes = useVisitTypes();
  // Clinicians read the providers and their hours; only the front desk adds or changes them.
  const editor = (getSession()?.claims.groups ?? []).includes("front-desk");
  const typeName = (id: string) => {
    const v = visitTypes.data?.items.find((x) => x.id === id);
    return v ? t("schedules.visitType", { name: v.name, minutes: v.minutes }) : id;
  };
  return (
    <Page title={t("schedules.title")}>
      <p>{editor ? t("schedules.intro") : t("schedules.view.intro")}</p>
      <section className="card" aria-labelledby="h-providers">
        <h2 id="h-providers">{t("schedules.caption")}</h2>
        <LoadedList query={list} items={list.data ?? []} empty={editor ? t("schedules.none") : t("schedules.view.none")}>
          {(rows) => (
            <ul className="schedule-providers">
              {rows.map((p) => (
                <li key={p.providerId}>
                  <Link to={`/staff/schedules/${p.providerId}`} aria-label={t("schedules.editName", { name: p.name })}>
                    {p.name}
                  </Link>
                  <p>
                    {p.specialty} · {p.acceptingNewPatients ? t("schedules.acceptingNew") : t("schedules.notAcceptingNew")}
                  </p>
                  <p className="muted">{p.visitTypes.map(typeName).join(", ")}</p>
                </li>
              ))}
            </ul>
          )}
        </LoadedList>
      </section>
      {editor && <AddProvider />}
    </Page>
  );
}

function AddProvider() {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const visitTypes = useVisitTypes();
  const message = useFieldMessage();
  const base = useId();
  const [form, setForm] = useState<ProviderForm>({ name: "", specialty: "", accepting: true, visitTypes: [] });
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const places = providerPlaces(base, (visitTypes.data?.items ?? []).map((v) => v.id), t);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const problems = providerProblems(form, t);
    setLocal(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST("/staff/providers", {
          params: { header: { "Idempotency-Key": key } },
          body: providerBody(form),
        }),
      );
      queryClient.setQueryData<Provider>(keys.provider(data.providerId), data);
      await queryClient.invalidateQueries({ queryKey: keys.providers });
      await queryClient.invalidateQueries({ queryKey: ["providers"] });
      navigate(`/staff/schedules/${data.providerId}?added=1`);
    } catch (e) {
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) setKey(crypto.randomUUID());
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const apiErrors = Object.fromEntries(Object.entries(fieldErrors(error)).map(([f, m]) => [f, message(m)!]));
  const errors: Record<string, string> = { ...apiErrors, ...local };
  const placed = Object.keys(apiErrors).some((f) => places[f]);
  return (
    <form onSubmit={submit} className="card form" noValidate aria-labelledby={`${base}-h`}>
      <h2 id={`${base}-h`}>{t("schedules.add.title")}</h2>
      <ErrorSummary errors={errors} places={places} />
      <ProviderFields base={base} places={places} form={form} onChange={setForm} errors={errors} />
      {error !== null && !placed && <ErrorNotice error={error} />}
      <button type="submit" className="primary" disabled={busy}>
        {t("schedules.add.submit")}
      </button>
    </form>
  );
}
