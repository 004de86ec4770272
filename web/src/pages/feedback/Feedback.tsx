import { useId, useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../api/client";
import { ErrorNotice, Field, Loaded, NotFound, Page, fieldErrors, isNotFound } from "../../components/ui";
import { useApp } from "../../context";
import { RATINGS, ideaStatusKey, ratableFeatures, ratingKey, updateWords } from "../../feedback";
import { featureKey, usePatientFeatures, type Feature } from "../../features";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { PollList } from "./Ballot";

// A patient's (or their caregiver's) feedback page: the polls and surveys they are asked to
// answer, a rating of a feature, a suggestion, and what the practice did with it all.

export function useMyFeedback(patientId: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: ["my-feedback", patientId],
    queryFn: async () => (await unwrap(api.GET("/patients/{patientId}/feedback", { params: { path: { patientId } } }))).data,
  });
}

export function usePatientPolls(patientId: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: ["patient-polls", patientId],
    queryFn: async () => (await unwrap(api.GET("/patients/{patientId}/polls", { params: { path: { patientId } } }))).data,
  });
}

export default function Feedback({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  const mine = useMyFeedback(patientId);
  const polls = usePatientPolls(patientId);
  const queryClient = useQueryClient();
  if (isNotFound(mine.error) || isNotFound(polls.error)) return <NotFound />;
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["my-feedback", patientId] });
  return (
    <Page title={t("feedback.title")}>
      <p>{t("feedback.intro")}</p>
      <section className="card" aria-labelledby="h-polls">
        <h2 id="h-polls">{t("feedback.polls.title")}</h2>
        <Loaded query={polls}>{(page) => <PollList polls={page.items} href={(id) => `/p/${patientId}/polls/${id}`} />}</Loaded>
      </section>
      <Loaded query={mine}>{(data) => <Surveys patientId={patientId} surveys={data.surveys} />}</Loaded>
      <RateForm patientId={patientId} onSent={refresh} />
      <SuggestForm patientId={patientId} />
      <Loaded query={mine}>
        {(data) => (
          <>
            <Updates updates={data.updates} />
            <Ratings ratings={data.ratings} />
          </>
        )}
      </Loaded>
    </Page>
  );
}

function Surveys({ patientId, surveys }: { patientId: string; surveys: Schemas["MySurvey"][] }) {
  const { t, dateTime } = useI18n();
  const now = new Date().toISOString();
  const open = surveys.filter((s) => !s.answered && s.closesAt > now);
  if (!open.length) return null;
  return (
    <section className="card" aria-labelledby="h-surveys">
      <h2 id="h-surveys">{t("feedback.surveys.title")}</h2>
      <p>{t("feedback.surveys.intro")}</p>
      <ul className="plain">
        {open.map((s) => (
          <li key={s.surveyId}>
            <Link to={`/p/${patientId}/surveys/${s.surveyId}`}>{t("feedback.surveys.answer")}</Link>{" "}
            <span className="muted">{t("feedback.surveys.closes", { date: dateTime(s.closesAt) })}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A 1–5 rating as a radio group (shared with the prompt). */
export function RatingChoice({
  name,
  legend,
  value,
  onChange,
  error,
  disabled,
}: {
  name: string;
  legend: string;
  value: number | null;
  onChange: (value: number) => void;
  error?: string | undefined;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const base = useId();
  return (
    <fieldset className="choice rating" aria-describedby={error ? `${base}-error` : undefined}>
      <legend>{legend}</legend>
      <div className="choices">
        {RATINGS.map((r) => (
          <div key={r} className="field radio">
            <input
              id={`${base}-${r}`}
              type="radio"
              name={name}
              value={r}
              checked={value === r}
              disabled={disabled}
              aria-invalid={error ? true : undefined}
              onChange={() => onChange(r)}
            />
            <label htmlFor={`${base}-${r}`}>{t(ratingKey(r))}</label>
          </div>
        ))}
      </div>
      {error && (
        <p id={`${base}-error`} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function RateForm({ patientId, onSent }: { patientId: string; onSent: () => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const features = usePatientFeatures(patientId);
  const choices = features.pending ? [] : ratableFeatures(features.on);
  const [feature, setFeature] = useState<Feature | "">("");
  const [rating, setRating] = useState<number | null>(null);
  const [comment, setComment] = useState("");
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    setError(null);
    const missing: Record<string, string> = {};
    if (!feature) missing.feature = t("feedback.rate.chooseFeature");
    if (rating === null) missing.rating = t("feedback.rate.chooseRating");
    setLocal(missing);
    if (Object.keys(missing).length || !feature || rating === null) return;
    setBusy(true);
    try {
      await unwrap(
        api.POST("/patients/{patientId}/feedback/ratings", {
          params: { path: { patientId }, header: { "Idempotency-Key": key } },
          body: { feature, rating, ...(comment.trim() ? { comment: comment.trim() } : {}), prompted: false },
        }),
      );
      setDone(true);
      setFeature("");
      setRating(null);
      setComment("");
      setKey(crypto.randomUUID());
      onSent();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = { ...fieldErrors(error), ...local };
  const serverOnly = error !== null && Object.keys(fieldErrors(error)).length === 0;
  return (
    <form onSubmit={submit} className="card form" noValidate aria-labelledby="h-rate">
      <h2 id="h-rate">{t("feedback.rate.title")}</h2>
      <p className="hint">{t("feedback.rate.intro")}</p>
      <div className="field">
        <label htmlFor="rate-feature">{t("feedback.rate.feature")}</label>
        <select
          id="rate-feature"
          value={feature}
          aria-invalid={errors.feature ? true : undefined}
          aria-describedby={errors.feature ? "rate-feature-error" : undefined}
          onChange={(e) => setFeature(e.target.value as Feature | "")}
        >
          <option value="">{t("feedback.rate.pick")}</option>
          {choices.map((f) => (
            <option key={f} value={f}>
              {t(featureKey(f))}
            </option>
          ))}
        </select>
        {errors.feature && (
          <p id="rate-feature-error" className="field-error">
            {errors.feature}
          </p>
        )}
      </div>
      <RatingChoice name="rating" legend={t("feedback.rate.rating")} value={rating} onChange={setRating} error={errors.rating} />
      <Field
        label={t("feedback.rate.comment")}
        hint={t("feedback.rate.commentHint")}
        multiline
        maxLength={2000}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        error={errors.comment}
      />
      {serverOnly && <ErrorNotice error={error} />}
      {done && (
        <p role="status" className="notice success">
          {t("feedback.rate.sent")}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t("feedback.rate.send")}
      </button>
    </form>
  );
}

function SuggestForm({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const [form, setForm] = useState({ title: "", description: "" });
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    setError(null);
    const missing: Record<string, string> = {};
    if (!form.title.trim()) missing.title = t("feedback.suggest.titleRequired");
    if (!form.description.trim()) missing.description = t("feedback.suggest.descriptionRequired");
    setLocal(missing);
    if (Object.keys(missing).length) return;
    setBusy(true);
    try {
      await unwrap(
        api.POST("/patients/{patientId}/suggestions", {
          params: { path: { patientId }, header: { "Idempotency-Key": key } },
          body: { title: form.title.trim(), description: form.description.trim() },
        }),
      );
      setDone(true);
      setForm({ title: "", description: "" });
      setKey(crypto.randomUUID());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = { ...fieldErrors(error), ...local };
  const serverOnly = error !== null && Object.keys(fieldErrors(error)).length === 0;
  return (
    <form onSubmit={submit} className="card form" noValidate aria-labelledby="h-suggest">
      <h2 id="h-suggest">{t("feedback.suggest.title")}</h2>
      <p className="hint">{t("feedback.suggest.intro")}</p>
      <Field
        label={t("feedback.suggest.ideaTitle")}
        maxLength={120}
        value={form.title}
        onChange={(e) => setForm({ ...form, title: e.target.value })}
        error={errors.title}
      />
      <Field
        label={t("feedback.suggest.description")}
        multiline
        maxLength={2000}
        value={form.description}
        onChange={(e) => setForm({ ...form, description: e.target.value })}
        error={errors.description}
      />
      {serverOnly && <ErrorNotice error={error} />}
      {done && (
        <p role="status" className="notice success">
          {t("feedback.suggest.sent")}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t("feedback.suggest.send")}
      </button>
    </form>
  );
}

function Updates({ updates }: { updates: Schemas["FeedbackUpdate"][] }) {
  const { t, dateTime } = useI18n();
  return (
    <section className="card" aria-labelledby="h-updates">
      <h2 id="h-updates">{t("feedback.updates.title")}</h2>
      {updates.length ? (
        <ul className="plain updates">
          {updates.map((u, i) => {
            const words = updateWords(u);
            const status = ideaStatusKey(u.status);
            return (
              <li key={`${u.at}-${i}`} className="update">
                <span className="muted">{dateTime(u.at)}</span>{" "}
                {t(words.key, { ...words.vars, status: status ? t(status) : (u.status ?? "") })}
                {/* Why an idea was declined, or a suggestion not taken up (newer API answers carry it). */}
                {(u as { reason?: string }).reason && (
                  <>
                    {" "}
                    {t("feedback.update.reason", { reason: (u as { reason?: string }).reason! })}
                  </>
                )}
                {u.kind === "feedback-answered" && u.feedbackId && (
                  <>
                    {" "}
                    <a href={`#feedback-${u.feedbackId}`}>{t("feedback.updates.seeAnswer")}</a>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">{t("feedback.updates.none")}</p>
      )}
    </section>
  );
}

function Ratings({ ratings }: { ratings: Schemas["Feedback"][] }) {
  const { t, dateTime } = useI18n();
  return (
    <section className="card" aria-labelledby="h-ratings">
      <h2 id="h-ratings">{t("feedback.mine.title")}</h2>
      {ratings.length ? (
        <ul className="plain">
          {ratings.map((r) => (
            <li key={r.feedbackId} id={`feedback-${r.feedbackId}`} className="rating-item" tabIndex={-1}>
              <h3>
                {t(featureKey(r.feature))}: {t("feedback.mine.stars", { rating: r.rating })}
              </h3>
              <p className="record-meta">
                <span>{dateTime(r.at)}</span>
              </p>
              {r.comment && <p className="message-text">{r.comment}</p>}
              {r.answer ? (
                <div className="message staff">
                  <p className="message-head">
                    <strong>{t("feedback.mine.answer", { date: dateTime(r.answer.at) })}</strong>
                  </p>
                  <p className="message-text">{r.answer.text}</p>
                </div>
              ) : (
                r.comment && <p className="muted">{t("feedback.mine.noAnswer")}</p>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("feedback.mine.none")}</p>
      )}
    </section>
  );
}
