import { useId, useMemo, useState, type FormEvent } from "react";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../../api/client";
import { LineChart } from "../../../components/LineChart";
import { ErrorNotice, Field, Loaded, LoadedList, Page, TableWrap, fieldErrors } from "../../../components/ui";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import type { MessageKey } from "../../../i18n/en";
import { IDEA_FEATURES, SUS_BANDS, dayAfter, ratingSeries, ratingTable } from "../../../feedback-staff";
import { daysBefore } from "../../../rollout";
import { startOfDayIn, todayIn } from "../../../time";
import { useCohorts } from "../../rollout/Cohorts";
import { useFeatureName, useStaffRights } from "./common";

type Feature = Schemas["FeatureName"];
type Comment = Schemas["FeedbackComment"];

const COMMENTS_PAGE = 20;

/** What patients make of the features: averages over time, their comments (with the practice's answers), and usability surveys. */
export default function Feedback() {
  const { t } = useI18n();
  const rights = useStaffRights();
  return (
    <Page title={t("feedbackStaff.feedback.title")}>
      <p>{t("feedbackStaff.feedback.intro")}</p>
      <Ratings />
      {rights.comments && <Comments />}
      <Surveys manage={rights.manage} />
    </Page>
  );
}

type Filter = { feature: string; cohort: string; from: string; to: string };

type CohortProps = { value: string; onChange: (v: string) => void; label: string; error?: string | undefined };

/** The cohort filter: a choice of the practice's cohorts for a portal lead (who may list them), else typed. */
function CohortChoice({ canList, ...props }: CohortProps & { canList: boolean }) {
  const { t } = useI18n();
  if (canList) return <CohortSelect {...props} />;
  const { value, onChange, label, error } = props;
  return (
    <Field label={label} hint={t("feedbackStaff.feedback.cohortHint")} value={value === "all" ? "" : value} autoComplete="off" spellCheck={false}
      onChange={(e) => onChange(e.target.value.trim() || "all")} error={error} />
  );
}

function CohortSelect({ value, onChange, label, error }: CohortProps) {
  const { t } = useI18n();
  const id = useId();
  const cohorts = useCohorts();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="all">{t("adoption.all")}</option>
        {(cohorts.data?.items ?? []).map((c) => (
          <option key={c.name} value={c.name}>
            {c.name}
          </option>
        ))}
      </select>
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}

function Ratings() {
  const { api, config } = useApp();
  const { t } = useI18n();
  const featureName = useFeatureName();
  const rights = useStaffRights();
  const id = useId();
  const [form, setForm] = useState<Filter>(() => {
    const today = todayIn(config.practiceTimeZone);
    return { feature: "", cohort: "all", from: daysBefore(today, 29), to: today };
  });
  const [filter, setFilter] = useState<Filter>(form);
  const summary = useQuery({
    queryKey: ["feedback", "ratings", filter],
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/feedback/ratings", {
            params: {
              query: {
                from: filter.from,
                to: filter.to,
                cohort: filter.cohort,
                ...(filter.feature ? { feature: filter.feature as Feature } : {}),
              },
            },
          }),
        )
      ).data,
  });
  const errors = fieldErrors(summary.error);
  const show = (event: FormEvent) => {
    event.preventDefault();
    setFilter({ ...form });
  };
  const cohortName = (c: string) => (c === "all" ? t("adoption.all") : c);
  return (
    <section className="card" aria-labelledby="h-ratings">
      <h2 id="h-ratings">{t("feedbackStaff.ratings.title")}</h2>
      <form onSubmit={show} className="form" noValidate aria-label={t("feedbackStaff.ratings.filter")}>
        <div className="grid">
          <div className="field">
            <label htmlFor={`${id}-feature`}>{t("feedbackStaff.feedback.feature")}</label>
            <select id={`${id}-feature`} value={form.feature} onChange={(e) => setForm({ ...form, feature: e.target.value })}>
              <option value="">{t("feedbackStaff.feedback.allFeatures")}</option>
              {IDEA_FEATURES.map((f) => (
                <option key={f} value={f}>
                  {featureName(f)}
                </option>
              ))}
            </select>
          </div>
          <CohortChoice canList={rights.manage} label={t("adoption.cohort")} value={form.cohort} onChange={(cohort) => setForm({ ...form, cohort })} error={errors.cohort} />
          <Field label={t("adoption.from")} type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} error={errors.from} />
          <Field label={t("adoption.to")} type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} error={errors.to} />
        </div>
        <button type="submit" className="primary">
          {t("adoption.show")}
        </button>
      </form>
      {summary.error && Object.keys(errors).length ? null : (
        <Loaded query={summary}>
          {(data) =>
            data.items.length ? (
              <RatingFigures rows={data.items} cohort={filter.cohort} cohortName={cohortName} />
            ) : (
              <p className="muted">{t("feedbackStaff.ratings.none")}</p>
            )
          }
        </Loaded>
      )}
    </section>
  );
}

function RatingFigures({ rows, cohort, cohortName }: { rows: Schemas["RatingSummaryRow"][]; cohort: string; cohortName: (c: string) => string }) {
  const { t, date, number } = useI18n();
  const featureName = useFeatureName();
  const id = useId();
  const lines = useMemo(() => ratingTable(rows), [rows]);
  const features = useMemo((): string[] => [...new Set(rows.map((r) => r.feature))].sort(), [rows]);
  const [chosen, setChosen] = useState<string>("");
  const feature = features.includes(chosen) ? chosen : features[0]!;
  const series = ratingSeries(rows, feature, cohort);
  const label = t("feedbackStaff.ratings.chartLabel", { feature: featureName(feature), cohort: cohortName(cohort), count: series.length });
  return (
    <>
      <h3>{label}</h3>
      {features.length > 1 && (
        <div className="field">
          <label htmlFor={`${id}-chart`}>{t("feedbackStaff.ratings.chartFeature")}</label>
          <select id={`${id}-chart`} value={feature} onChange={(e) => setChosen(e.target.value)}>
            {features.map((f) => (
              <option key={f} value={f}>
                {featureName(f)}
              </option>
            ))}
          </select>
        </div>
      )}
      <LineChart
        label={label}
        format={number}
        low={1}
        high={5}
        points={series.map((p) => ({ date: p.day, value: p.value, label: `${date(p.day)}: ${number(p.value)} (${p.count})` }))}
      />
      <TableWrap label={t("feedbackStaff.ratings.table")}>
        <table>
          <caption>{t("feedbackStaff.ratings.table")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("adoption.day")}</th>
              <th scope="col">{t("feedbackStaff.feedback.feature")}</th>
              <th scope="col">{t("adoption.cohort")}</th>
              <th scope="col">{t("feedbackStaff.ratings.count")}</th>
              <th scope="col">{t("feedbackStaff.ratings.average")}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={`${l.day}-${l.feature}-${l.cohort}`}>
                <th scope="row">{date(l.day)}</th>
                <td>{featureName(l.feature)}</td>
                <td>{cohortName(l.cohort)}</td>
                <td>{number(l.count)}</td>
                <td>{number(l.average)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}

function Comments() {
  const { api } = useApp();
  const { t } = useI18n();
  const featureName = useFeatureName();
  const id = useId();
  const [feature, setFeature] = useState("");
  const comments = useInfiniteQuery({
    queryKey: ["feedback", "comments", feature],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      (
        await unwrap(
          api.GET("/feedback/comments", {
            params: {
              query: {
                limit: COMMENTS_PAGE,
                ...(feature ? { feature: feature as Feature } : {}),
                ...(pageParam ? { cursor: pageParam } : {}),
              },
            },
          }),
        )
      ).data,
    getNextPageParam: (last) => last.nextCursor || undefined,
  });
  const items = comments.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="card" aria-labelledby="h-comments">
      <h2 id="h-comments">{t("feedbackStaff.comments.title")}</h2>
      <p className="muted">{t("feedbackStaff.comments.intro")}</p>
      <div className="field">
        <label htmlFor={`${id}-feature`}>{t("feedbackStaff.feedback.feature")}</label>
        <select id={`${id}-feature`} value={feature} onChange={(e) => setFeature(e.target.value)}>
          <option value="">{t("feedbackStaff.feedback.allFeatures")}</option>
          {IDEA_FEATURES.map((f) => (
            <option key={f} value={f}>
              {featureName(f)}
            </option>
          ))}
        </select>
      </div>
      <LoadedList query={comments} items={items} empty={t("feedbackStaff.comments.none")} more={t("feedbackStaff.comments.more")}>
        {(rows) => (
          <ul className="fs-comments">
            {rows.map((c) => (
              <li key={c.feedbackId}>
                <CommentCard comment={c} />
              </li>
            ))}
          </ul>
        )}
      </LoadedList>
    </section>
  );
}

function switchText(s: Schemas["FeedbackSwitchState"], t: (k: MessageKey, v?: Record<string, string | number>) => string): string {
  const why = t(`feedbackStaff.switchReason.${s.reason}` as MessageKey, { cohort: s.cohort ?? "", role: s.role ?? "" });
  return `${s.on ? t("feedbackStaff.comments.switchOn") : t("feedbackStaff.comments.switchOff")} (${why})`;
}

function CommentCard({ comment: c }: { comment: Comment }) {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const featureName = useFeatureName();
  const queryClient = useQueryClient();
  const [text, setText] = useState(c.answer?.text ?? "");
  const [missing, setMissing] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const headingId = `h-comment-${c.feedbackId}`;
  const answer = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSent(false);
    const value = text.trim();
    setMissing(!value);
    if (!value) return;
    setBusy(true);
    try {
      await unwrap(
        api.POST("/patients/{patientId}/feedback/{feedbackId}/answer", {
          params: { path: { patientId: c.patientId, feedbackId: c.feedbackId } },
          body: { text: value },
        }),
      );
      setSent(true);
      await queryClient.invalidateQueries({ queryKey: ["feedback", "comments"] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  return (
    <article className="fs-comment" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {featureName(c.feature)}: {t("feedbackStaff.comments.rating", { rating: c.rating })}
      </h3>
      <p className="message-text">{c.comment}</p>
      <dl className="facts stacked">
        <dt>{t("feedbackStaff.comments.at")}</dt>
        <dd>{dateTime(c.at)}</dd>
        <dt>{t("adoption.cohort")}</dt>
        <dd>{c.cohorts.length ? c.cohorts.join(", ") : "—"}</dd>
        <dt>{t("feedbackStaff.comments.switch")}</dt>
        <dd>{switchText(c.switchState, t)}</dd>
        <dt>{t("cohort.patientId")}</dt>
        <dd className="id">{c.patientId}</dd>
      </dl>
      {c.answer && (
        <div className="fs-answer">
          <p className="notice-title">{t("feedbackStaff.comments.answered", { date: dateTime(c.answer.at) })}</p>
          <p className="message-text">{c.answer.text}</p>
        </div>
      )}
      {sent && (
        <p role="status" className="notice success">
          {t("feedbackStaff.comments.sent")}
        </p>
      )}
      <form onSubmit={answer} className="form" noValidate aria-label={t("feedbackStaff.comments.answerFor", { feature: featureName(c.feature), date: dateTime(c.at) })}>
        <Field label={c.answer ? t("feedbackStaff.comments.changeAnswer") : t("feedbackStaff.comments.answer")}
          hint={t("feedbackStaff.comments.answerHint")} multiline value={text} onChange={(e) => setText(e.target.value)}
          error={missing ? t("feedbackStaff.required") : errors.text} />
        {error !== null && !errors.text && <ErrorNotice error={error} />}
        <button type="submit" className="primary" disabled={busy}>
          {t("feedbackStaff.comments.send")}
        </button>
      </form>
    </article>
  );
}

function Surveys({ manage }: { manage: boolean }) {
  const { api } = useApp();
  const { t, dateTime, number } = useI18n();
  const [open, setOpen] = useState<string | null>(null);
  const surveys = useQuery({
    queryKey: ["feedback", "surveys"],
    queryFn: async () => (await unwrap(api.GET("/feedback/surveys"))).data,
  });
  return (
    <section className="card" aria-labelledby="h-surveys">
      <h2 id="h-surveys">{t("feedbackStaff.surveys.title")}</h2>
      <p className="muted">{t("feedbackStaff.surveys.intro")}</p>
      <Loaded query={surveys}>
        {(page) =>
          page.items.length ? (
            <TableWrap label={t("feedbackStaff.surveys.list")}>
              <table>
                <caption className="visually-hidden">{t("feedbackStaff.surveys.list")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("adoption.cohort")}</th>
                    <th scope="col">{t("feedbackStaff.surveys.closesAt")}</th>
                    <th scope="col">{t("feedbackStaff.surveys.responses")}</th>
                    <th scope="col">{t("feedbackStaff.surveys.meanScore")}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t("feedbackStaff.surveys.details")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((s) => (
                    <tr key={s.surveyId}>
                      <th scope="row">{s.cohort}</th>
                      <td>{dateTime(s.closesAt)}</td>
                      <td>{number(s.responses)}</td>
                      <td>{s.meanScore !== undefined ? number(s.meanScore) : "—"}</td>
                      <td>
                        <button type="button" aria-expanded={open === s.surveyId}
                          aria-label={t("feedbackStaff.surveys.showOne", { cohort: s.cohort, date: dateTime(s.closesAt) })}
                          onClick={() => setOpen(open === s.surveyId ? null : s.surveyId)}>
                          {t("feedbackStaff.surveys.show")}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          ) : (
            <p className="muted">{t("feedbackStaff.surveys.none")}</p>
          )
        }
      </Loaded>
      {open && <SurveyDetail surveyId={open} />}
      {manage && <OpenSurvey />}
    </section>
  );
}

function SurveyDetail({ surveyId }: { surveyId: string }) {
  const { api } = useApp();
  const { t, dateTime, number } = useI18n();
  const survey = useQuery({
    queryKey: ["feedback", "survey", surveyId],
    queryFn: async () => (await unwrap(api.GET("/feedback/surveys/{surveyId}", { params: { path: { surveyId } } }))).data,
  });
  return (
    <Loaded query={survey}>
      {(s) => {
        const caption = t("feedbackStaff.surveys.bandsCaption", { cohort: s.cohort });
        return (
          <div className="fs-survey-detail">
            <h3>{t("feedbackStaff.surveys.detailTitle", { cohort: s.cohort })}</h3>
            <dl className="facts stacked">
              <dt>{t("feedbackStaff.surveys.opensAt")}</dt>
              <dd>{dateTime(s.opensAt)}</dd>
              <dt>{t("feedbackStaff.surveys.closesAt")}</dt>
              <dd>{dateTime(s.closesAt)}</dd>
              <dt>{t("feedbackStaff.surveys.responses")}</dt>
              <dd>{number(s.responses)}</dd>
              <dt>{t("feedbackStaff.surveys.meanScore")}</dt>
              <dd>{s.meanScore !== undefined ? number(s.meanScore) : "—"}</dd>
            </dl>
            <TableWrap label={caption}>
              <table>
                <caption>{caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("feedbackStaff.surveys.band")}</th>
                    <th scope="col">{t("feedbackStaff.surveys.reading")}</th>
                    <th scope="col">{t("feedbackStaff.surveys.responses")}</th>
                  </tr>
                </thead>
                <tbody>
                  {SUS_BANDS.map((b) => (
                    <tr key={b}>
                      <th scope="row">{b}</th>
                      <td>{t(`feedbackStaff.surveys.bandReading.${b}` as MessageKey)}</td>
                      <td>{number(s.scores[b])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </div>
        );
      }}
    </Loaded>
  );
}

function OpenSurvey() {
  const { api, config } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const cohorts = useCohorts();
  const id = useId();
  const [form, setForm] = useState(() => ({ cohort: "", closes: daysBefore(todayIn(config.practiceTimeZone), -14) }));
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [local, setLocal] = useState<Record<string, string>>({});
  const [opened, setOpened] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setOpened(null);
    const missing: Record<string, string> = {};
    if (!form.cohort) missing.cohort = t("feedbackStaff.required");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(form.closes)) missing.closesAt = t("feedbackStaff.required");
    setLocal(missing);
    if (Object.keys(missing).length) return;
    setBusy(true);
    try {
      // Open until the end of the chosen day at the practice.
      const closesAt = startOfDayIn(dayAfter(form.closes), config.practiceTimeZone);
      await unwrap(api.POST("/feedback/surveys", { params: { header: { "Idempotency-Key": key } }, body: { cohort: form.cohort, closesAt } }));
      await queryClient.invalidateQueries({ queryKey: ["feedback", "surveys"] });
      setOpened(form.cohort);
      setKey(crypto.randomUUID());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = { ...fieldErrors(error), ...local };
  return (
    <form onSubmit={submit} className="form fs-survey-open" noValidate aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t("feedbackStaff.surveys.new")}</h3>
      <div className="field">
        <label htmlFor={`${id}-cohort`}>{t("adoption.cohort")}</label>
        <select id={`${id}-cohort`} value={form.cohort} onChange={(e) => setForm({ ...form, cohort: e.target.value })}
          aria-invalid={errors.cohort ? true : undefined} aria-describedby={errors.cohort ? `${id}-cohort-error` : undefined}>
          <option value="">{t("feedbackStaff.surveys.chooseCohort")}</option>
          {(cohorts.data?.items ?? []).map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
        {errors.cohort && (
          <p id={`${id}-cohort-error`} className="field-error">
            {errors.cohort}
          </p>
        )}
      </div>
      <Field label={t("feedbackStaff.surveys.closesOn")} hint={t("feedbackStaff.surveys.closesOnHint")} type="date" value={form.closes}
        onChange={(e) => setForm({ ...form, closes: e.target.value })} error={errors.closesAt} />
      {opened && (
        <p role="status" className="notice success">
          {t("feedbackStaff.surveys.opened", { cohort: opened })}
        </p>
      )}
      {error !== null && !errors.cohort && !errors.closesAt && <ErrorNotice error={error} />}
      <button type="submit" className="primary" disabled={busy}>
        {t("feedbackStaff.surveys.open")}
      </button>
    </form>
  );
}
