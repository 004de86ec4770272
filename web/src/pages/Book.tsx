import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../api/client";
import { ErrorNotice, Field, Loaded, Page, fieldErrors } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { navigate } from "../router";
import { startOfDayIn, todayIn } from "../time";

export default function Book({ patientId, rescheduling }: { patientId: string; rescheduling?: string }) {
  const { api, config } = useApp();
  const { t, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const providers = useQuery({
    queryKey: ["providers"],
    queryFn: async () => (await unwrap(api.GET("/providers", { params: { query: { limit: 50 } } }))).data,
  });
  const visitTypes = useQuery({ queryKey: ["visit-types"], queryFn: async () => (await unwrap(api.GET("/visit-types"))).data });
  const current = useQuery({
    queryKey: ["appointment", patientId, rescheduling],
    enabled: Boolean(rescheduling),
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/patients/{patientId}/appointments/{appointmentId}", {
            params: { path: { patientId, appointmentId: rescheduling! } },
          }),
        )
      ).data,
  });
  const [providerId, setProviderId] = useState("");
  const [visitType, setVisitType] = useState("");
  const [start, setStart] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const provider = rescheduling ? (current.data?.providerId ?? "") : providerId;
  const type = rescheduling ? (current.data?.visitType ?? "") : visitType;
  // Open times from a day the patient picks (the practice's calendar), else from now.
  const today = todayIn(config.practiceTimeZone);
  const [fromDay, setFromDay] = useState("");
  const from = fromDay > today ? startOfDayIn(fromDay, config.practiceTimeZone) : undefined;
  const slots = useQuery({
    queryKey: ["slots", provider, type, from],
    enabled: Boolean(provider && type),
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/providers/{providerId}/slots", {
            params: { path: { providerId: provider }, query: { visitType: type, ...(from ? { from } : {}) } },
          }),
        )
      ).data,
  });
  const selfBookable = visitTypes.data?.items.filter((v) => v.selfBookable) ?? [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      if (rescheduling) {
        await unwrap(
          api.POST("/patients/{patientId}/appointments/{appointmentId}/reschedule", {
            params: { path: { patientId, appointmentId: rescheduling } },
            body: { start },
          }),
        );
      } else {
        await unwrap(
          api.POST("/patients/{patientId}/appointments", {
            params: { path: { patientId }, header: { "Idempotency-Key": idempotencyKey } },
            body: { providerId, visitType, start, reason },
          }),
        );
      }
      await queryClient.invalidateQueries({ queryKey: ["appointments", patientId] });
      await queryClient.invalidateQueries({ queryKey: ["slots"] });
      navigate(`/p/${patientId}/appointments`, { replace: true });
    } catch (e) {
      setError(e);
    }
  };
  const errors = fieldErrors(error);
  return (
    <Page title={rescheduling ? t("appointments.reschedule") : t("appointments.book")}>
      <form onSubmit={submit} className="card form" noValidate>
        {!rescheduling && (
          <>
            <Loaded query={providers}>
              {(page) => (
                <fieldset>
                  <legend>{t("appointments.provider")}</legend>
                  {page.items.map((p) => (
                    <div key={p.providerId} className="field radio">
                      <input type="radio" name="provider" id={`p-${p.providerId}`} value={p.providerId} checked={providerId === p.providerId}
                        onChange={() => { setProviderId(p.providerId); setStart(""); }} />
                      <label htmlFor={`p-${p.providerId}`}>
                        {p.name} <span className="muted">({p.specialty}{p.acceptingNewPatients ? `, ${t("appointments.acceptingNew")}` : ""})</span>
                      </label>
                    </div>
                  ))}
                </fieldset>
              )}
            </Loaded>
            <div className="field">
              <label htmlFor="visit-type">{t("appointments.visitType")}</label>
              <select id="visit-type" value={visitType} onChange={(e) => { setVisitType(e.target.value); setStart(""); }}>
                <option value="" />
                {selfBookable
                  .filter((v) => !providerId || providers.data?.items.find((p) => p.providerId === providerId)?.visitTypes.includes(v.id))
                  .map((v) => (
                    <option key={v.id} value={v.id}>
                      {v.name} ({v.minutes} min)
                    </option>
                  ))}
              </select>
            </div>
          </>
        )}
        {provider && type && (
          <Field label={t("appointments.fromDay")} type="date" min={today} value={fromDay}
            onChange={(e) => { setFromDay(e.target.value); setStart(""); }} />
        )}
        {provider && type && (
          <Loaded query={slots}>
            {(open) => (
              <fieldset>
                <legend>{t("appointments.slots")}</legend>
                {open.items.length === 0 && <p className="muted">{t("app.none")}</p>}
                <div className="slots">
                  {open.items.slice(0, 12).map((s) => (
                    <div key={s.start} className="slot">
                      <input type="radio" name="slot" id={`s-${s.start}`} value={s.start} checked={start === s.start}
                        onChange={() => setStart(s.start)} />
                      <label htmlFor={`s-${s.start}`}>{dateTime(s.start)}</label>
                    </div>
                  ))}
                </div>
                {errors.start && <p className="field-error">{errors.start}</p>}
              </fieldset>
            )}
          </Loaded>
        )}
        {!rescheduling && (
          <Field label={t("appointments.reason")} value={reason} required onChange={(e) => setReason(e.target.value)} error={errors.reason} />
        )}
        {error !== null && !errors.start && !errors.reason && <ErrorNotice error={error} />}
        <button type="submit" className="primary" disabled={!start}>
          {t("appointments.confirm")}
        </button>
      </form>
    </Page>
  );
}
