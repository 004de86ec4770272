import { useState, type FormEvent } from "react";
import { ApiError } from "../../api/client";
import { ErrorNotice } from "../../components/ui";
import { RankedChoices } from "../../components/RankedChoices";
import { ballotChoices, ideaStatusKey, isPollClosed, sortPolls, type PollForRespondent } from "../../feedback";
import { useI18n } from "../../i18n";
import { Link } from "../../router";

// The pieces every respondent's poll screens share: the ballot form, the outcome of a closed
// poll, and the list of polls. The screens differ only in the call that casts the ballot.

/** Sends a ballot; resolves with the HTTP status (201 first ballot, 200 replaced). */
export type CastBallot = (choices: string[]) => Promise<number>;

export function PollOutcome({ poll, limit }: { poll: PollForRespondent; limit?: number }) {
  const { t } = useI18n();
  const statusOf = new Map(poll.ideas.map((i) => [i.ideaId, i.status]));
  if (!poll.outcome?.length) return <p className="muted">{t("feedback.poll.noOutcome")}</p>;
  return (
    <ol className="outcome">
      {[...poll.outcome]
        .sort((a, b) => a.rank - b.rank)
        .slice(0, limit ?? poll.outcome.length)
        .map((row) => {
          const status = ideaStatusKey(statusOf.get(row.ideaId));
          return (
            <li key={row.ideaId} value={row.rank}>
              {row.title}
              {status && statusOf.get(row.ideaId) !== "proposed" && (
                <>
                  {" "}
                  <span className="tag">{t(status)}</span>
                </>
              )}
            </li>
          );
        })}
    </ol>
  );
}

/** The respondent's ballot as recorded, in words. */
function CurrentBallot({ poll }: { poll: PollForRespondent }) {
  const { t, dateTime } = useI18n();
  if (!poll.myBallot) return null;
  const titles = new Map(poll.ideas.map((i) => [i.ideaId, i.title]));
  const names = poll.myBallot.choices.map((c) => titles.get(c) ?? c);
  return (
    <section className="card" aria-labelledby="h-current-ballot">
      <h2 id="h-current-ballot">{t("feedback.ballot.current")}</h2>
      <p className="muted">{t("feedback.ballot.castAt", { date: dateTime(poll.myBallot.castAt) })}</p>
      {poll.method === "rank" ? (
        <ol>
          {names.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ol>
      ) : (
        <ul>
          {names.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {poll.state === "open" && <p>{t("feedback.ballot.replaceUntil", { date: dateTime(poll.closesAt) })}</p>}
    </section>
  );
}

/** A poll as a respondent sees it: the question, then the ballot (open), or the outcome (closed). */
export function PollBallot({ poll, cast, onCast }: { poll: PollForRespondent; cast: CastBallot; onCast?: () => void }) {
  const { t, dateTime } = useI18n();
  const [choices, setChoices] = useState<string[]>(() => ballotChoices(poll, poll.myBallot?.choices ?? []));
  const [outcome, setOutcome] = useState<"first" | "replaced" | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    setError(null);
    const ballot = ballotChoices(poll, choices);
    if (!ballot.length) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    try {
      const status = await cast(ballot);
      setOutcome(status === 201 ? "first" : "replaced");
      onCast?.();
    } catch (e) {
      setError(e);
      // A closed poll: read it again, so its outcome shows.
      if (isPollClosed(e)) onCast?.();
    } finally {
      setBusy(false);
    }
  };

  const closed = poll.state === "closed";
  const failure =
    error === null ? null : isPollClosed(error) ? (
      <div role="alert" className="notice error">
        <p className="notice-title">{t("feedback.ballot.closed")}</p>
        {error instanceof ApiError && error.problem.detail && <p>{error.problem.detail}</p>}
      </div>
    ) : (
      <ErrorNotice error={error} />
    );
  return (
    <>
      <p className="poll-question">{poll.question}</p>
      <p className="record-meta">
        <span>
          {closed
            ? t("feedback.poll.closedOn", { date: dateTime(poll.closesAt) })
            : poll.state === "scheduled"
              ? t("feedback.poll.opensOn", { date: dateTime(poll.opensAt) })
              : t("feedback.poll.closesOn", { date: dateTime(poll.closesAt) })}
        </span>
      </p>
      {closed ? (
        <>
          {failure}
          <section className="card" aria-labelledby="h-outcome">
            <h2 id="h-outcome">{t("feedback.poll.outcome")}</h2>
            <p className="hint">{t("feedback.poll.outcomeHint")}</p>
            <PollOutcome poll={poll} />
          </section>
          <CurrentBallot poll={poll} />
        </>
      ) : poll.state === "scheduled" ? (
        <section className="card" aria-labelledby="h-poll-ideas">
          <h2 id="h-poll-ideas">{t("feedback.poll.ideas")}</h2>
          <ul className="plain idea-list">
            {poll.ideas.map((i) => (
              <li key={i.ideaId} className="idea">
                <h3 className="idea-title">{i.title}</h3>
                <p className="idea-description">{i.description}</p>
                <p className="idea-benefit">
                  <strong>{t("feedback.rank.benefit")}</strong> {i.benefit}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <>
          <CurrentBallot poll={poll} />
          <form onSubmit={submit} className="ballot" noValidate aria-label={t("feedback.ballot.form")}>
            <RankedChoices
              ideas={poll.ideas}
              method={poll.method}
              topK={poll.topK}
              value={choices}
              onChange={(next) => {
                setChoices(next);
                setMissing(false);
                setOutcome(null);
              }}
              disabled={busy}
              errorId={missing ? "ballot-missing" : undefined}
            />
            {missing && (
              <p id="ballot-missing" role="alert" className="field-error">
                {t("feedback.ballot.chooseOne")}
              </p>
            )}
            {failure}
            {outcome && (
              <p role="status" className="notice success">
                {t(outcome === "first" ? "feedback.ballot.thanks" : "feedback.ballot.replaced")}
              </p>
            )}
            <button type="submit" className="primary" disabled={busy}>
              {t("feedback.ballot.send")}
            </button>
          </form>
        </>
      )}
    </>
  );
}

/** The polls of one respondent: open ones to vote in, coming ones, closed ones with their outcome. */
export function PollList({ polls, href }: { polls: PollForRespondent[]; href: (pollId: string) => string }) {
  const { t, dateTime } = useI18n();
  const { open, scheduled, closed } = sortPolls(polls);
  if (!polls.length) return <p className="muted">{t("feedback.polls.none")}</p>;
  return (
    <>
      {open.length > 0 && (
        <ul className="plain">
          {open.map((p) => (
            <li key={p.pollId} className="poll-item">
              <h3>{p.title}</h3>
              <p className="record-meta">
                <span>{t("feedback.poll.closesOn", { date: dateTime(p.closesAt) })}</span>
                <span>{p.myBallot ? t("feedback.polls.voted") : t("feedback.polls.notVoted")}</span>
              </p>
              <p>
                <Link
                  to={href(p.pollId)}
                  aria-label={`${p.myBallot ? t("feedback.polls.change") : t("feedback.polls.vote")}: ${p.title}`}
                >
                  {p.myBallot ? t("feedback.polls.change") : t("feedback.polls.vote")}
                </Link>
              </p>
            </li>
          ))}
        </ul>
      )}
      {scheduled.length > 0 && (
        <ul className="plain">
          {scheduled.map((p) => (
            <li key={p.pollId} className="poll-item">
              <h3>{p.title}</h3>
              <p className="record-meta">
                <span>{t("feedback.poll.opensOn", { date: dateTime(p.opensAt) })}</span>
              </p>
            </li>
          ))}
        </ul>
      )}
      {closed.length > 0 && (
        <ul className="plain">
          {closed.map((p) => (
            <li key={p.pollId} className="poll-item">
              <h3>
                <Link to={href(p.pollId)}>{p.title}</Link>
              </h3>
              <p className="record-meta">
                <span>{t("feedback.poll.closedOn", { date: dateTime(p.closesAt) })}</span>
              </p>
              <p className="muted">{t("feedback.polls.outcome")}</p>
              <PollOutcome poll={p} limit={3} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
