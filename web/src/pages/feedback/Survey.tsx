import { useRef, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { ErrorNotice, NotFound, Page, isNotFound } from "../../components/ui";
import { useApp } from "../../context";
import {
  SUS_SCALE,
  SUS_STATEMENTS,
  isAlreadyAnswered,
  isSurveyClosed,
  susAnswerKey,
  susAnswers,
  susStatementKey,
} from "../../feedback";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { useMyFeedback } from "./Feedback";

/** The System Usability Scale: ten statements, each from "strongly disagree" to "strongly agree". */
export default function Survey({ patientId, surveyId }: { patientId: string; surveyId: string }) {
  const { api } = useApp();
  const { t, number, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const mine = useMyFeedback(patientId);
  const [answers, setAnswers] = useState<(number | null)[]>(() => Array.from({ length: SUS_STATEMENTS }, () => null));
  const [missing, setMissing] = useState<number[]>([]);
  const [score, setScore] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  if (isNotFound(mine.error) || isNotFound(error)) return <NotFound />;
  const survey = mine.data?.surveys.find((s) => s.surveyId === surveyId);
  const answeredBefore = survey?.answered && score === null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const checked = susAnswers(answers);
    if (!checked.ok) {
      setMissing(checked.missing);
      // The first statement still to answer takes the focus.
      form.current?.querySelector<HTMLInputElement>(`input[name="sus-${checked.missing[0]! + 1}"]`)?.focus();
      return;
    }
    setMissing([]);
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST("/patients/{patientId}/feedback/surveys/{surveyId}/response", {
          params: { path: { patientId, surveyId } },
          body: { answers: checked.answers },
        }),
      );
      setScore(data.score);
      void queryClient.invalidateQueries({ queryKey: ["my-feedback", patientId] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const back = (
    <p>
      <Link to={`/p/${patientId}/feedback`}>{t("feedback.backToFeedback")}</Link>
    </p>
  );
  return (
    <Page title={t("feedback.sus.title")}>
      {score !== null ? (
        <div role="status" className="notice success">
          <p className="notice-title">{t("feedback.sus.thanks")}</p>
          <p>{t("feedback.sus.score", { score: number(score) })}</p>
          {back}
        </div>
      ) : answeredBefore || isAlreadyAnswered(error) ? (
        <div role={error ? "alert" : undefined} className="notice">
          <p>{t("feedback.sus.already")}</p>
          {back}
        </div>
      ) : (
        <form ref={form} onSubmit={submit} className="form sus" noValidate aria-label={t("feedback.sus.title")}>
          <p>{t("feedback.sus.intro")}</p>
          {survey && <p className="muted">{t("feedback.surveys.closes", { date: dateTime(survey.closesAt) })}</p>}
          {missing.length > 0 && (
            <p role="alert" className="notice error">
              {t("feedback.sus.answerAll", { count: missing.length })}
            </p>
          )}
          {answers.map((value, i) => {
            const n = i + 1;
            const unanswered = missing.includes(i);
            return (
              <fieldset
                key={n}
                className="card choice sus-statement"
                aria-describedby={unanswered ? `sus-${n}-error` : undefined}
              >
                <legend>
                  {n}. {t(susStatementKey(n))}
                </legend>
                <div className="choices">
                  {SUS_SCALE.map((v) => (
                    <div key={v} className="field radio">
                      <input
                        id={`sus-${n}-${v}`}
                        type="radio"
                        name={`sus-${n}`}
                        value={v}
                        checked={value === v}
                        aria-invalid={unanswered ? true : undefined}
                        onChange={() => {
                          setAnswers(answers.map((a, j) => (j === i ? v : a)));
                          setMissing(missing.filter((m) => m !== i));
                        }}
                      />
                      <label htmlFor={`sus-${n}-${v}`}>{t(susAnswerKey(v))}</label>
                    </div>
                  ))}
                </div>
                {unanswered && (
                  <p id={`sus-${n}-error`} className="field-error">
                    {t("feedback.sus.chooseOne")}
                  </p>
                )}
              </fieldset>
            );
          })}
          {error !== null &&
            (isSurveyClosed(error) ? (
              <p role="alert" className="notice error">
                {t("feedback.sus.closed")}
              </p>
            ) : (
              <ErrorNotice error={error} />
            ))}
          <button type="submit" className="primary" disabled={busy}>
            {t("feedback.sus.send")}
          </button>
        </form>
      )}
    </Page>
  );
}
