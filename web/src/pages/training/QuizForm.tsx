import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { fieldErrors } from "../../components/ui";
import { useI18n } from "../../i18n";
import { attemptBody, reviewOf, splitQuizErrors, unanswered, type Answers, type Quiz, type ReviewItem } from "./quiz";

/** The answer to one attempt, as the form shows it. */
export interface QuizResult {
  score: number;
  passed: boolean;
  correct: number;
  total: number;
  review: ReviewItem[];
}

/**
 * A module's quiz: one radio group per question (a fieldset and its legend), every question
 * required. Errors (unanswered here, or the API's `answers.<questionId>`) sit beside the question
 * they name; after an attempt each question shows whether it was right and why.
 */
export function QuizForm({
  quiz,
  onSubmit,
  busy = false,
  error = null,
  result = null,
  onRetry,
}: {
  quiz: Quiz;
  onSubmit: (body: { answers: Answers }) => void;
  busy?: boolean;
  error?: unknown;
  result?: QuizResult | null;
  onRetry?: () => void;
}) {
  const { t } = useI18n();
  const base = useId();
  const [answers, setAnswers] = useState<Answers>({});
  const [missing, setMissing] = useState<string[]>([]);
  const summary = useRef<HTMLDivElement>(null);
  const api = splitQuizErrors(quiz, fieldErrors(error));
  const errors: Record<string, string> = { ...api.byQuestion };
  for (const id of missing) errors[id] ??= t("training.quiz.choose");
  const listed = quiz.questions.filter((q) => errors[q.questionId]);
  const signature = listed.map((q) => `${q.questionId}:${errors[q.questionId]}`).join("|");
  useEffect(() => {
    if (signature) summary.current?.focus();
  }, [signature]);
  const done = result !== null;
  const qid = (questionId: string) => `${base}-${questionId}`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (done || busy) return;
    const gaps = unanswered(quiz, answers);
    setMissing(gaps);
    if (gaps.length) return;
    onSubmit(attemptBody(quiz, answers));
  };
  const retry = () => {
    setAnswers({});
    setMissing([]);
    onRetry?.();
  };

  return (
    <form className="form quiz" noValidate onSubmit={submit} aria-labelledby={`${base}-title`}>
      <h2 id={`${base}-title`}>{t("training.quiz.title")}</h2>
      <p className="hint">{t("training.quiz.intro", { count: quiz.questions.length, passMark: quiz.passMark })}</p>
      {listed.length > 0 && (
        <div ref={summary} className="notice error error-summary" role="alert" tabIndex={-1}>
          <p className="notice-title">{t("training.quiz.summary")}</p>
          <ul>
            {listed.map((q) => (
              <li key={q.questionId}>
                <a
                  href={`#${qid(q.questionId)}-0`}
                  onClick={(e) => {
                    e.preventDefault();
                    document.getElementById(`${qid(q.questionId)}-0`)?.focus();
                  }}
                >
                  {t("training.quiz.questionN", { n: quiz.questions.indexOf(q) + 1 })}: {errors[q.questionId]}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {quiz.questions.map((q, index) => {
        const message = errors[q.questionId];
        const review = reviewOf(result?.review, q.questionId);
        const describedBy = [message ? `${qid(q.questionId)}-error` : null, review ? `${qid(q.questionId)}-review` : null]
          .filter(Boolean)
          .join(" ");
        return (
          <fieldset key={q.questionId} className="choice quiz-question" aria-describedby={describedBy || undefined}>
            <legend>
              <span className="visually-hidden">{t("training.quiz.questionN", { n: index + 1 })}: </span>
              <span aria-hidden="true">{index + 1}. </span>
              {q.text}
            </legend>
            <div className="choices">
              {q.choices.map((c, i) => {
                const id = `${qid(q.questionId)}-${i}`;
                return (
                  <div key={c.choiceId} className="field radio">
                    <input
                      id={id}
                      type="radio"
                      name={qid(q.questionId)}
                      value={c.choiceId}
                      checked={answers[q.questionId] === c.choiceId}
                      disabled={done}
                      aria-invalid={message ? true : undefined}
                      onChange={() => {
                        setAnswers({ ...answers, [q.questionId]: c.choiceId });
                        setMissing(missing.filter((m) => m !== q.questionId));
                      }}
                    />
                    <label htmlFor={id}>{c.text}</label>
                  </div>
                );
              })}
            </div>
            {message && (
              <p id={`${qid(q.questionId)}-error`} className="field-error">
                {message}
              </p>
            )}
            {review && (
              <p id={`${qid(q.questionId)}-review`} className={review.correct ? "review right" : "review wrong"}>
                <strong>{review.correct ? t("training.quiz.right") : t("training.quiz.wrong")}</strong> {review.explanation}
              </p>
            )}
          </fieldset>
        );
      })}
      {api.other.length > 0 && (
        <div role="alert" className="notice error">
          {api.other.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </div>
      )}
      {result && (
        <div role="status" className={result.passed ? "notice success" : "notice error"}>
          <p className="notice-title">{result.passed ? t("training.result.passed") : t("training.result.failed")}</p>
          <p>{t("training.result.score", { score: result.score, correct: result.correct, total: result.total, passMark: quiz.passMark })}</p>
        </div>
      )}
      <div className="actions">
        {!done && (
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t("training.quiz.sending") : t("training.quiz.submit")}
          </button>
        )}
        {done && !result.passed && (
          <button type="button" className="primary" onClick={retry}>
            {t("training.quiz.retry")}
          </button>
        )}
      </div>
    </form>
  );
}
