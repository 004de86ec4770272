import { useEffect, useRef, useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap, type Schemas } from "../../../api/client";
import { ErrorNotice, Field, Loaded, NotFound, Page, TableWrap, fieldErrors, isNotFound } from "../../../components/ui";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import type { MessageKey } from "../../../i18n/en";
import { Link } from "../../../router";
import { ideaEditForm, ideaUpdateBody, voteUrl } from "../../../feedback-staff";
import { StatusTag, saveText, useIdeas, useStaffRights } from "./common";
import { toldText, useSaveIdea } from "./Ideas";
import { PollStateTag } from "./Polls";

type Poll = Schemas["Poll"];
type Results = Schemas["PollResults"];
type Stratum = Schemas["PollStratum"];

/** One poll: what it asks and of whom, closing it, the practices' links, and the results per group and overall. */
export default function PollPage({ pollId }: { pollId: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const rights = useStaffRights();
  const poll = useQuery({
    queryKey: ["feedback", "poll", pollId],
    // Ballots come in all the time: asked again each time the page opens.
    staleTime: 0,
    queryFn: async () => (await unwrap(api.GET("/feedback/polls/{pollId}", { params: { path: { pollId } } }))).data,
  });
  if (isNotFound(poll.error)) return <NotFound />;
  return (
    <Page title={poll.data?.title ?? t("feedbackStaff.poll.title")} actions={<Link to="/rollout/polls">{t("feedbackStaff.poll.back")}</Link>}>
      <Loaded query={poll}>
        {(p) => (
          <>
            <Definition poll={p} />
            {rights.manage && p.state !== "closed" && <ClosePoll poll={p} />}
            {p.audience.practices && <PracticeLinks poll={p} manage={rights.manage} />}
            <PollResults poll={p} manage={rights.manage} />
          </>
        )}
      </Loaded>
    </Page>
  );
}

function Definition({ poll: p }: { poll: Poll }) {
  const { t, dateTime, number } = useI18n();
  const ideas = useIdeas();
  const title = (id: string) => ideas.data?.items.find((i) => i.ideaId === id)?.title ?? id;
  const roles = p.audience.staffRoles.map((r) => t(`role.${r}` as MessageKey));
  return (
    <section className="card" aria-labelledby="h-poll-definition">
      <h2 id="h-poll-definition">{t("feedbackStaff.poll.definition")}</h2>
      <p>
        <PollStateTag state={p.state} />
      </p>
      <p className="message-text">{p.question}</p>
      <dl className="facts stacked">
        <dt>{t("feedbackStaff.polls.method")}</dt>
        <dd>{p.method === "rank" ? t("feedbackStaff.poll.rankTop", { k: p.topK }) : t("feedbackStaff.polls.method.approval")}</dd>
        <dt>{t("feedbackStaff.polls.ideasShort")}</dt>
        <dd>
          <ol className="fs-plain-list">
            {p.ideaIds.map((id) => (
              <li key={id}>{title(id)}</li>
            ))}
          </ol>
        </dd>
        <dt>{t("feedbackStaff.polls.staffRoles")}</dt>
        <dd>{roles.length ? roles.join(", ") : "—"}</dd>
        <dt>{t("feedbackStaff.polls.cohorts")}</dt>
        <dd>{p.audience.cohorts.length ? p.audience.cohorts.join(", ") : "—"}</dd>
        <dt>{t("feedbackStaff.stratum.practices")}</dt>
        <dd>{p.audience.practices ? t("feedbackStaff.yes") : t("feedbackStaff.no")}</dd>
        <dt>{t("feedbackStaff.polls.weights")}</dt>
        <dd>{weightsText(p.weights, t, number)}</dd>
        <dt>{t("feedbackStaff.polls.opensAt")}</dt>
        <dd>{dateTime(p.opensAt)}</dd>
        <dt>{p.closedAt ? t("feedbackStaff.poll.closedAt") : t("feedbackStaff.polls.closesAt")}</dt>
        <dd>{dateTime(p.closedAt ?? p.closesAt)}</dd>
        <dt>{t("feedbackStaff.poll.ballots")}</dt>
        <dd>
          {t("feedbackStaff.poll.ballotCounts", {
            staff: number(p.ballots?.staff ?? 0),
            patients: number(p.ballots?.patients ?? 0),
            practices: number(p.ballots?.practices ?? 0),
          })}
        </dd>
      </dl>
    </section>
  );
}

function weightsText(w: Schemas["PollWeights"], t: (k: MessageKey, v?: Record<string, string | number>) => string, number: (n: number) => string) {
  return (["staff", "patients", "practices"] as const).map((s) => `${t(`feedbackStaff.stratum.${s}` as MessageKey)} ${number(w[s])}`).join(" · ");
}

function useRefreshPoll(pollId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["feedback", "poll", pollId] }),
      queryClient.invalidateQueries({ queryKey: ["feedback", "poll-results", pollId] }),
      queryClient.invalidateQueries({ queryKey: ["feedback", "polls"] }),
    ]);
}

function ClosePoll({ poll }: { poll: Poll }) {
  const { api } = useApp();
  const { t } = useI18n();
  const refresh = useRefreshPoll(poll.pollId);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  const close = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await unwrap(
        api.POST("/feedback/polls/{pollId}/close", {
          params: { path: { pollId: poll.pollId }, header: { "If-Match": `"${poll.version}"` } },
        }),
      );
      setConfirming(false);
      await refresh();
    } catch (e) {
      if (e instanceof ApiError && (e.status === 412 || e.status === 409)) await refresh();
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const stale = error instanceof ApiError && error.status === 412;
  return (
    <section className="card" aria-labelledby="h-poll-close">
      <h2 id="h-poll-close">{t("feedbackStaff.poll.closeTitle")}</h2>
      {confirming ? (
        <div className="confirm">
          <form onSubmit={close} className="form" noValidate aria-label={t("feedbackStaff.poll.closeTitle")}>
            <p className="notice-title">{t("feedbackStaff.poll.closeConfirm", { title: poll.title })}</p>
            <div className="actions">
              <button ref={confirmButton} type="submit" className="primary danger-fill" disabled={busy}>
                {t("feedbackStaff.poll.closeDo")}
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                {t("rollout.cancel")}
              </button>
            </div>
          </form>
        </div>
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          {t("feedbackStaff.poll.close")}
        </button>
      )}
      {stale ? (
        <p role="alert" className="notice error">
          {t("feedbackStaff.poll.stale")}
        </p>
      ) : (
        error !== null && <ErrorNotice error={error} />
      )}
    </section>
  );
}

function PracticeLinks({ poll, manage }: { poll: Poll; manage: boolean }) {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const refresh = useRefreshPoll(poll.pollId);
  const [name, setName] = useState("");
  const [missing, setMissing] = useState(false);
  const [created, setCreated] = useState<{ practiceName: string; url: string } | null>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setCopied(null);
    const practiceName = name.trim();
    setMissing(!practiceName);
    if (!practiceName) return;
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST("/feedback/polls/{pollId}/links", { params: { path: { pollId: poll.pollId } }, body: { practiceName } }),
      );
      setCreated({ practiceName: data.practiceName, url: voteUrl(data, location.origin) });
      setName("");
      await refresh();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  const errors = fieldErrors(error);
  const links = poll.links ?? [];
  return (
    <section className="card" aria-labelledby="h-poll-links">
      <h2 id="h-poll-links">{t("feedbackStaff.links.title")}</h2>
      <p className="muted">{t("feedbackStaff.links.intro")}</p>
      {links.length ? (
        <TableWrap label={t("feedbackStaff.links.title")}>
          <table>
            <caption className="visually-hidden">{t("feedbackStaff.links.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("feedbackStaff.links.practice")}</th>
                <th scope="col">{t("feedbackStaff.links.createdAt")}</th>
                <th scope="col">{t("feedbackStaff.links.voted")}</th>
              </tr>
            </thead>
            <tbody>
              {links.map((l) => (
                <tr key={l.linkId}>
                  <th scope="row">{l.practiceName}</th>
                  <td>{dateTime(l.createdAt)}</td>
                  <td>{l.voted ? t("feedbackStaff.links.hasVoted") : t("feedbackStaff.links.notVoted")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <p className="muted">{t("feedbackStaff.links.none")}</p>
      )}
      {created && (
        <div role="status" className="notice success fs-link-once">
          <p className="notice-title">{t("feedbackStaff.links.created", { practice: created.practiceName })}</p>
          <p>{t("feedbackStaff.links.onlyOnce")}</p>
          <label htmlFor="poll-link-url">{t("feedbackStaff.links.url")}</label>
          <input id="poll-link-url" className="id" readOnly value={created.url} onFocus={(e) => e.target.select()} />
          <div className="actions">
            <button type="button" onClick={() => void copy()}>
              {t("feedbackStaff.links.copy")}
            </button>
          </div>
          {copied !== null && <p>{copied ? t("feedbackStaff.links.copied") : t("feedbackStaff.links.copyFailed")}</p>}
        </div>
      )}
      {manage && poll.state !== "closed" && (
        <form onSubmit={create} className="form" noValidate aria-label={t("feedbackStaff.links.new")}>
          <Field label={t("feedbackStaff.links.practiceName")} value={name} maxLength={120} autoComplete="off"
            onChange={(e) => setName(e.target.value)} error={missing ? t("feedbackStaff.required") : errors.practiceName} />
          {error !== null && !errors.practiceName && <ErrorNotice error={error} />}
          <button type="submit" className="primary" disabled={busy}>
            {t("feedbackStaff.links.create")}
          </button>
        </form>
      )}
    </section>
  );
}

function PollResults({ poll, manage }: { poll: Poll; manage: boolean }) {
  const { api } = useApp();
  const { t, number } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const results = useQuery({
    queryKey: ["feedback", "poll-results", poll.pollId],
    staleTime: 0,
    queryFn: async () => {
      const { data } = await unwrap(
        api.GET("/feedback/polls/{pollId}/results", { params: { path: { pollId: poll.pollId }, query: { format: "json" } } }),
      );
      if (typeof data === "string") throw new Error("poll results: CSV where JSON was asked for");
      return data as Results;
    },
  });
  const download = async () => {
    setError(null);
    try {
      const { data } = await unwrap(
        api.GET("/feedback/polls/{pollId}/results", {
          params: { path: { pollId: poll.pollId }, query: { format: "csv" } },
          parseAs: "text",
        }),
      );
      saveText(data as unknown as string, `poll-${poll.pollId}.csv`);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" aria-labelledby="h-poll-results">
      <h2 id="h-poll-results">{poll.state === "closed" ? t("feedbackStaff.results.title") : t("feedbackStaff.results.soFar")}</h2>
      <div className="actions">
        <button type="button" onClick={() => void download()}>
          {t("feedbackStaff.results.download")}
        </button>
      </div>
      {error !== null && <ErrorNotice error={error} />}
      <Loaded query={results}>
        {(r) => (
          <>
            <p className="muted">
              {r.method === "rank" ? t("feedbackStaff.results.howRank", { k: poll.topK }) : t("feedbackStaff.results.howApproval")}
            </p>
            {r.strata.map((s) => (
              <StratumTable key={s.stratum} stratum={s} />
            ))}
            <Overall results={r} manage={manage} />
            <p className="muted">{t("feedbackStaff.results.weightsUsed", { weights: weightsText(poll.weights, t, number) })}</p>
          </>
        )}
      </Loaded>
    </section>
  );
}

function StratumTable({ stratum: s }: { stratum: Schemas["PollStratumResult"] }) {
  const { t, number } = useI18n();
  const group = t(`feedbackStaff.stratum.${s.stratum as Stratum}` as MessageKey);
  const caption =
    s.ballots === 1
      ? t("feedbackStaff.results.stratumCaptionOne", { group, weight: number(s.weight) })
      : t("feedbackStaff.results.stratumCaption", { group, ballots: number(s.ballots), weight: number(s.weight) });
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("feedbackStaff.results.rank")}</th>
            <th scope="col">{t("feedbackStaff.results.idea")}</th>
            <th scope="col">{t("feedbackStaff.results.points")}</th>
          </tr>
        </thead>
        <tbody>
          {s.ranking.map((row) => (
            <tr key={row.ideaId}>
              <td>{s.ballots ? row.rank : "—"}</td>
              <th scope="row">{row.title}</th>
              <td>{number(row.points)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function Overall({ results, manage }: { results: Results; manage: boolean }) {
  const { t, number } = useI18n();
  const ideas = useIdeas();
  const [done, setDone] = useState<string | null>(null);
  const caption = t("feedbackStaff.results.overall");
  const anyBallots = results.strata.some((s) => s.ballots > 0);
  return (
    <>
      {done && (
        <p role="status" className="notice success">
          {done}
        </p>
      )}
      <TableWrap label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t("feedbackStaff.results.rank")}</th>
              <th scope="col">{t("feedbackStaff.results.idea")}</th>
              <th scope="col">{t("feedbackStaff.results.score")}</th>
              <th scope="col">{t("feedbackStaff.ideas.status")}</th>
            </tr>
          </thead>
          <tbody>
            {results.overall.map((row) => {
              const idea = ideas.data?.items.find((i) => i.ideaId === row.ideaId);
              return (
                <tr key={row.ideaId}>
                  <td>{anyBallots ? row.rank : "—"}</td>
                  <th scope="row">{row.title}</th>
                  <td>{number(row.score)}</td>
                  <td>
                    {idea && <StatusTag status={idea.status} />}
                    {manage && idea?.status === "proposed" && (
                      <MarkPlanned ideaId={row.ideaId} title={row.title} onDone={setDone} />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}

/** The idea edit, in one press: the idea as it now is (fresh, for its version), status `planned`. */
function MarkPlanned({ ideaId, title, onDone }: { ideaId: string; title: string; onDone: (message: string) => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const save = useSaveIdea();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mark = async () => {
    setError(null);
    setBusy(true);
    try {
      const { data: idea } = await unwrap(api.GET("/feedback/ideas/{ideaId}", { params: { path: { ideaId } } }));
      const checked = ideaUpdateBody({ ...ideaEditForm(idea), status: "planned", declineReason: "" });
      if ("errors" in checked) throw new Error("the idea as stored does not validate");
      const saved = await save(idea, checked.body);
      onDone(`${t("feedbackStaff.results.planned", { title })} ${toldText(t, saved.told ?? 0)}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {" "}
      <button type="button" disabled={busy} aria-label={t("feedbackStaff.results.markPlannedOne", { title })} onClick={() => void mark()}>
        {t("feedbackStaff.results.markPlanned")}
      </button>
      {error !== null && (
        <ErrorNotice
          error={error instanceof ApiError && error.status === 412 ? new ApiError(412, { type: "x", title: t("feedbackStaff.ideas.stale"), status: 412 }) : error}
        />
      )}
    </>
  );
}
