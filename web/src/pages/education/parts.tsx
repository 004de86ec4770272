import { useId, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ErrorNotice } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { Link } from "../../router";
import { recordVote, voteHelpful, type PatientTopic, type TopicReason } from "./api";
import "./education.css";

// The parts of a health topic: why it is shown, the trusted page, and "Was this helpful?".

export const educationPath = (patientId: string) => `/p/${patientId}/education`;

/** One reason in words: the record it matched (and where it came from), or who shared it. */
function Reason({ reason, title }: { reason: TopicReason; title: string }) {
  const { t, date } = useI18n();
  if (reason.kind === "assigned") {
    return (
      <>
        <p>{t("education.reason.assigned", { name: reason.assignedBy?.name ?? "", date: reason.assignedAt ? date(reason.assignedAt) : "" })}</p>
        {reason.note && (
          <figure className="education-note">
            <figcaption>{t("education.reason.assignedNote")}</figcaption>
            <blockquote>{reason.note}</blockquote>
          </figure>
        )}
      </>
    );
  }
  return (
    <>
      <p>{t(`education.reason.${reason.kind}` as MessageKey, { name: reason.display ?? title })}</p>
      {reason.sourceName && <p className="muted">{t("education.reason.source", { source: reason.sourceName })}</p>}
    </>
  );
}

export function Reasons({ topic }: { topic: PatientTopic }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <section className="education-why" aria-labelledby={id}>
      <h3 id={id}>{t("education.why")}</h3>
      {topic.reasons.length ? (
        <ul className="education-reasons">
          {topic.reasons.map((r, i) => (
            <li key={`${r.kind}-${r.recordId ?? r.assignedAt ?? i}`}>
              <Reason reason={r} title={topic.title} />
            </li>
          ))}
        </ul>
      ) : (
        <p>{t("education.reason.none")}</p>
      )}
    </section>
  );
}

/** The trusted page, in a new tab (the portal stays open behind it). */
export function ReadMore({ topic }: { topic: PatientTopic }) {
  const { t } = useI18n();
  return (
    <p>
      <a href={topic.url} target="_blank" rel="noopener noreferrer">
        {t("education.readMore")}
        <span className="visually-hidden"> {t("education.readMoreAbout", { title: topic.title })}</span>
      </a>
    </p>
  );
}

/** "Was this helpful? Yes / No": one vote per topic, which a later answer replaces. */
export function HelpfulVote({ patientId, topic }: { patientId: string; topic: PatientTopic }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [thanked, setThanked] = useState(false);
  const vote = async (helpful: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const saved = await voteHelpful(api, patientId, topic.topicId, helpful);
      recordVote(queryClient, patientId, topic.topicId, saved.helpful);
      setThanked(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="education-helpful" role="group" aria-labelledby={id}>
      <p id={id} className="education-helpful-question">
        {t("education.helpful.question")}
        <span className="visually-hidden"> {topic.title}</span>
      </p>
      <div className="education-helpful-buttons">
        {([true, false] as const).map((answer) => (
          <button
            key={String(answer)}
            type="button"
            aria-pressed={topic.helpful === answer}
            disabled={busy}
            onClick={() => void vote(answer)}
          >
            {t(answer ? "education.helpful.yes" : "education.helpful.no")}
          </button>
        ))}
      </div>
      <p role="status" className="muted">
        {thanked ? t("education.helpful.thanks") : ""}
      </p>
      {error !== null && <ErrorNotice error={error} />}
    </div>
  );
}

/** A topic as a card of the list (its title opens the topic) or as the topic's own page. */
export function TopicBody({ patientId, topic, heading }: { patientId: string; topic: PatientTopic; heading?: "link" }) {
  const { t, locale } = useI18n();
  const headingId = `topic-${topic.topicId}`;
  const fallback = topic.language !== locale;
  return (
    <article className="education-topic" aria-labelledby={heading ? headingId : undefined}>
      {heading && (
        <h2 id={headingId} lang={topic.language}>
          <Link to={`${educationPath(patientId)}/${encodeURIComponent(topic.topicId)}`}>{topic.title}</Link>
        </h2>
      )}
      <p>
        <span className="tag">{t(`education.kind.${topic.kind}` as MessageKey)}</span>
      </p>
      {fallback && <p className="muted">{t("education.fallback")}</p>}
      <p lang={topic.language}>{topic.summary}</p>
      <ReadMore topic={topic} />
      <Reasons topic={topic} />
      <HelpfulVote patientId={patientId} topic={topic} />
    </article>
  );
}
