import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../api/client";
import { ErrorNotice, Field, Loaded, NotFound, Page, fieldErrors, isNotFound } from "../components/ui";
import { useApp } from "../context";
import { useAppointments } from "../hooks";
import { usePatientFeatures } from "../features";
import { useI18n } from "../i18n";
import { Link } from "../router";
import { useMessagesAbout } from "./messages/AboutLink";
import { newMessageAbout } from "./messages/about";
import { FeedbackPrompt } from "../components/FeedbackPrompt";

export default function Appointments({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  const upcoming = useAppointments(patientId);
  const features = usePatientFeatures(patientId);
  if (isNotFound(upcoming.error)) return <NotFound />;
  return (
    <Page
      title={t("appointments.title")}
      actions={
        features.on("online-booking") && (
          <Link className="button primary" to={`/p/${patientId}/appointments/book`}>
            {t("appointments.book")}
          </Link>
        )
      }
    >
      <FeedbackPrompt patientId={patientId} feature="online-booking" />
      <h2>{t("appointments.upcoming")}</h2>
      <Loaded query={upcoming}>
        {(page) =>
          page.items.length ? (
            <ul className="plain">
              {page.items.map((a) => (
                <AppointmentCard key={a.appointmentId} appointment={a} patientId={patientId} />
              ))}
            </ul>
          ) : (
            <p className="muted">{t("app.none")}</p>
          )
        }
      </Loaded>
    </Page>
  );
}

function AppointmentCard({ appointment: a, patientId }: { appointment: Schemas["Appointment"]; patientId: string }) {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const [checkingIn, setCheckingIn] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const features = usePatientFeatures(patientId);
  const asks = useMessagesAbout(patientId);
  const cancel = async () => {
    setError(null);
    try {
      await unwrap(
        api.POST("/patients/{patientId}/appointments/{appointmentId}/cancel", {
          params: { path: { patientId, appointmentId: a.appointmentId } },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ["appointments", patientId] });
    } catch (e) {
      setError(e);
    }
  };
  const waitlist = useQuery({
    queryKey: ["waitlist", patientId, a.appointmentId],
    enabled: features.on("waitlist"),
    queryFn: async () => {
      const result = await api.GET("/patients/{patientId}/appointments/{appointmentId}/waitlist", {
        params: { path: { patientId, appointmentId: a.appointmentId } },
      });
      if (result.response.status === 404) return null; // not waiting
      return (await unwrap(Promise.resolve(result))).data;
    },
  });
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      await queryClient.invalidateQueries({ queryKey: ["waitlist", patientId, a.appointmentId] });
      await queryClient.invalidateQueries({ queryKey: ["appointments", patientId] });
    } catch (e) {
      setError(e);
    }
  };
  const path = { params: { path: { patientId, appointmentId: a.appointmentId } } };
  const headingId = `appt-${a.appointmentId}`;
  return (
    <li className="card" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {dateTime(a.start)} {t("appointments.with", { name: a.providerName })}
      </h3>
      <p className="record-meta">
        <span>{a.visitType}</span>
        <span>{a.reason}</span>
        <span>{a.checkedIn ? t("appointments.checkedIn") : t("appointments.booked")}</span>
      </p>
      {waitlist.data && !waitlist.data.offer && <p className="muted">{t("waitlist.waiting")}</p>}
      {waitlist.data?.offer && (
        <div className="notice">
          <p>{t("waitlist.offer", { start: dateTime(waitlist.data.offer.start), until: dateTime(waitlist.data.offer.until) })}</p>
          <button type="button" className="primary"
            onClick={() => void act(() => unwrap(api.POST("/patients/{patientId}/appointments/{appointmentId}/waitlist/accept", path)))}>
            {t("waitlist.accept")}
          </button>
        </div>
      )}
      {error !== null && <ErrorNotice error={error} />}
      <div className="actions">
        {!a.checkedIn && features.on("check-in") && (
          <button type="button" aria-expanded={checkingIn} onClick={() => setCheckingIn(!checkingIn)}>
            {t("appointments.checkIn")}
          </button>
        )}
        {waitlist.data === null && features.on("waitlist") && (
          <button type="button"
            onClick={() => void act(() => unwrap(api.POST("/patients/{patientId}/appointments/{appointmentId}/waitlist", path)))}>
            {t("waitlist.join")}
          </button>
        )}
        {features.on("online-booking") && (
          <Link className="button" to={`/p/${patientId}/appointments/${a.appointmentId}/reschedule`}>
            {t("appointments.reschedule")}
          </Link>
        )}
        {asks && (
          <Link className="button" to={newMessageAbout(patientId, { kind: "appointment", id: a.appointmentId })}>
            {t("messages.askAboutAppointment")}
          </Link>
        )}
        <button type="button" className="danger" onClick={() => void cancel()}>
          {t("appointments.cancel")}
        </button>
      </div>
      {checkingIn && <CheckInForm appointment={a} patientId={patientId} done={() => setCheckingIn(false)} />}
    </li>
  );
}

function CheckInForm({ appointment, patientId, done }: { appointment: Schemas["Appointment"]; patientId: string; done: () => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const visitTypes = useQuery({
    queryKey: ["visit-types"],
    queryFn: async () => (await unwrap(api.GET("/visit-types"))).data,
  });
  const profile = useQuery({
    queryKey: ["profile", patientId, "contact"],
    queryFn: async () => (await unwrap(api.GET("/patients/{patientId}/profile", { params: { path: { patientId } } }))).data,
    retry: false,
  });
  const [phone, setPhone] = useState<string | null>(null);
  const [email, setEmail] = useState<string | null>(null);
  const [carrier, setCarrier] = useState("");
  const [memberId, setMemberId] = useState("");
  const [noInsurance, setNoInsurance] = useState(false);
  const [medications, setMedications] = useState("");
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const questions = visitTypes.data?.items.find((v) => v.id === appointment.visitType)?.questionnaire ?? [];
  const phoneValue = phone ?? profile.data?.contact.phone ?? "";
  const emailValue = email ?? profile.data?.contact.email ?? "";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await unwrap(
        api.POST("/patients/{patientId}/appointments/{appointmentId}/check-in", {
          params: { path: { patientId, appointmentId: appointment.appointmentId } },
          body: {
            contact: { phone: phoneValue, email: emailValue },
            insurance: noInsurance ? null : { carrier, memberId },
            medications: medications
              .split("\n")
              .map((line) => line.trim())
              .filter(Boolean)
              .map((name) => ({ name })),
            answers,
          },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ["appointments", patientId] });
      done();
    } catch (e) {
      setError(e);
    }
  };
  const errors = fieldErrors(error);
  return (
    <form onSubmit={submit} className="form" noValidate>
      <Field label={t("appointments.phone")} type="tel" autoComplete="tel" value={phoneValue} onChange={(e) => setPhone(e.target.value)}
        error={errors["contact.phone"]} />
      <Field label={t("appointments.email")} type="email" autoComplete="email" value={emailValue} onChange={(e) => setEmail(e.target.value)}
        error={errors["contact.email"]} />
      <div className="field checkbox">
        <input id={`noins-${appointment.appointmentId}`} type="checkbox" checked={noInsurance} onChange={(e) => setNoInsurance(e.target.checked)} />
        <label htmlFor={`noins-${appointment.appointmentId}`}>{t("appointments.noInsurance")}</label>
      </div>
      {!noInsurance && (
        <>
          <Field label={t("appointments.carrier")} value={carrier} onChange={(e) => setCarrier(e.target.value)} error={errors["insurance.carrier"]} />
          <Field label={t("appointments.memberId")} value={memberId} onChange={(e) => setMemberId(e.target.value)}
            error={errors["insurance.memberId"]} />
        </>
      )}
      <Field label={t("appointments.medications")} multiline value={medications} onChange={(e) => setMedications(e.target.value)}
        error={errors.medications} />
      {questions.map((q) => (
        <Field key={q.id} label={q.text} required={q.required} value={answers[q.id] ?? ""}
          onChange={(e) => setAnswers({ ...answers, [q.id]: e.target.value })} error={errors[`answers.${q.id}`]} />
      ))}
      {error !== null && <ErrorNotice error={error} />}
      <button type="submit" className="primary">
        {t("appointments.submitCheckIn")}
      </button>
    </form>
  );
}
