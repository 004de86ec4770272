import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { ErrorNotice, Loaded, NotFound, Page, fieldErrors, isNotFound } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { keys, useTrainingModule, workOf, type AttemptResult, type ModuleDetail } from "./api";
import { ModuleStatus, useCapabilityText } from "./parts";
import { QuizForm } from "./QuizForm";
import "./training.css";

// One training module: its sections to read, then the quiz. A pass completes the module and
// opens the work it gates; a fail says which answers were wrong and why, and may be tried again.

export default function TrainingModule({ moduleId }: { moduleId: string }) {
  const { t } = useI18n();
  const module = useTrainingModule(moduleId);
  if (isNotFound(module.error)) return <NotFound />;
  return (
    <Page title={module.data?.title ?? t("training.title")}>
      <p>
        <Link to="/staff/training">{t("training.back")}</Link>
      </p>
      <Loaded query={module}>{(m) => <ModuleBody module={m} />}</Loaded>
    </Page>
  );
}

function ModuleBody({ module: m }: { module: ModuleDetail }) {
  const { api } = useApp();
  const { t, date } = useI18n();
  const queryClient = useQueryClient();
  const unlocks = useCapabilityText();
  const [result, setResult] = useState<AttemptResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const progress = result?.progress ?? m.progress ?? null;
  const completed = progress?.status === "completed" || progress?.status === "waived";
  const work = workOf(m.capability);

  const submit = async (body: { answers: Record<string, string> }) => {
    setBusy(true);
    setError(null);
    try {
      const { data } = await unwrap(
        api.POST("/staff/training/{moduleId}/attempts", { params: { path: { moduleId: m.moduleId } }, body }),
      );
      setResult(data);
      // A pass may open work refused a moment ago (the inbox, the review queue): ask again.
      await (data.passed ? queryClient.invalidateQueries() : queryClient.invalidateQueries({ queryKey: keys.all }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const quizErrors = Object.keys(fieldErrors(error)).length > 0;

  return (
    <>
      <p>{m.summary}</p>
      <dl className="card facts">
        <dt>{t("training.minutes")}</dt>
        <dd>{t("training.minutesValue", { minutes: m.minutes })}</dd>
        <dt>{t("training.col.unlocks")}</dt>
        <dd>{unlocks(m.capability)}</dd>
        <dt>{t("training.col.status")}</dt>
        <dd>
          <ModuleStatus status={progress?.status ?? "not-assigned"} />
          {progress?.completedAt && <span className="muted"> {t("training.on", { date: date(progress.completedAt) })}</span>}
        </dd>
        {progress?.score !== undefined && progress?.score !== null && (
          <>
            <dt>{t("training.col.score")}</dt>
            <dd>{t("training.percent", { score: progress.score })}</dd>
          </>
        )}
        {progress?.waiver && (
          <>
            <dt>{t("training.waiver")}</dt>
            <dd>{t("training.waivedBecause", { name: progress.waiver.byName, reason: progress.waiver.reason })}</dd>
          </>
        )}
      </dl>
      {completed && (
        <div className="notice success" role={result?.passed ? "status" : undefined}>
          <p className="notice-title">{t("training.completed.title")}</p>
          <p>{m.capability ? t("training.completed.unlocks", { work: unlocks(m.capability) }) : t("training.completed.basics")}</p>
          {work && (
            <p>
              <Link to={work}>{t(`training.goTo.${m.capability as "message-inbox" | "identity-review" | "rollout"}`)}</Link>
            </p>
          )}
        </div>
      )}
      {m.sections.map((s, i) => (
        <section key={i} className="card training-section" aria-labelledby={`section-${i}`}>
          <h2 id={`section-${i}`}>{s.heading}</h2>
          {s.body
            .split(/\n+/)
            .filter((p) => p.trim())
            .map((p, j) => (
              <p key={j}>{p}</p>
            ))}
        </section>
      ))}
      <div className="card">
        <QuizForm
          key={attempt}
          quiz={m.quiz}
          busy={busy}
          error={error}
          result={result}
          onSubmit={(body) => void submit(body)}
          onRetry={() => {
            setResult(null);
            setError(null);
            setAttempt(attempt + 1);
          }}
        />
        {error !== null && !quizErrors && <ErrorNotice error={error} />}
      </div>
    </>
  );
}
