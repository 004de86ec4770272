import { useId, useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../../api/client";
import { ErrorNotice, Field, Loaded, Page, TableWrap, fieldErrors } from "../../../components/ui";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import type { MessageKey } from "../../../i18n/en";
import { Link, navigate } from "../../../router";
import { POLL_STAFF_ROLES, pollBody, pollFieldOf, utcToWallTime, type PollForm } from "../../../feedback-staff";
import { useCohorts } from "../../rollout/Cohorts";
import { StatusTag, useIdeas, useStaffRights } from "./common";

type Poll = Schemas["Poll"];

export function usePolls() {
  const { api } = useApp();
  return useQuery({
    queryKey: ["feedback", "polls"],
    // The ballot counts move while a poll is open: asked again each time the page opens.
    staleTime: 0,
    queryFn: async () => (await unwrap(api.GET("/feedback/polls"))).data,
  });
}

export function PollStateTag({ state }: { state: Poll["state"] }) {
  const { t } = useI18n();
  return (
    <span className={state === "open" ? "tag on" : state === "closed" ? "tag off" : "tag"}>
      {t(`feedbackStaff.polls.state.${state}` as MessageKey)}
    </span>
  );
}

/** The practice's priority polls, and (for a portal lead) a form to start one. */
export default function Polls() {
  const { t, dateTime, number } = useI18n();
  const polls = usePolls();
  const rights = useStaffRights();
  return (
    <Page title={t("feedbackStaff.polls.title")}>
      <p>{t("feedbackStaff.polls.intro")}</p>
      <Loaded query={polls}>
        {(page) =>
          page.items.length ? (
            <TableWrap label={t("feedbackStaff.polls.list")}>
              <table>
                <caption className="visually-hidden">{t("feedbackStaff.polls.list")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("feedbackStaff.polls.pollTitle")}</th>
                    <th scope="col">{t("feedbackStaff.polls.stateColumn")}</th>
                    <th scope="col">{t("feedbackStaff.polls.opensAt")}</th>
                    <th scope="col">{t("feedbackStaff.polls.closesAt")}</th>
                    <th scope="col">{t("feedbackStaff.stratum.staff")}</th>
                    <th scope="col">{t("feedbackStaff.stratum.patients")}</th>
                    <th scope="col">{t("feedbackStaff.stratum.practices")}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((p) => (
                    <tr key={p.pollId}>
                      <th scope="row">
                        <Link to={`/rollout/polls/${p.pollId}`}>{p.title}</Link>
                      </th>
                      <td>
                        <PollStateTag state={p.state} />
                      </td>
                      <td>{dateTime(p.opensAt)}</td>
                      <td>{dateTime(p.closedAt ?? p.closesAt)}</td>
                      <td>{number(p.ballots?.staff ?? 0)}</td>
                      <td>{number(p.ballots?.patients ?? 0)}</td>
                      <td>{number(p.ballots?.practices ?? 0)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          ) : (
            <p className="muted">{t("feedbackStaff.polls.none")}</p>
          )
        }
      </Loaded>
      {rights.manage && <NewPoll />}
    </Page>
  );
}

function emptyForm(timeZone: string, now = Date.now()): PollForm {
  const minute = Math.floor(now / 60_000) * 60_000;
  return {
    title: "",
    question: "",
    ideaIds: [],
    method: "rank",
    topK: "3",
    staffRoles: [],
    cohorts: [],
    practices: false,
    weights: { staff: "1", patients: "1", practices: "1" },
    opensAt: utcToWallTime(minute, timeZone),
    closesAt: utcToWallTime(minute + 14 * 86_400_000, timeZone),
  };
}

const toggle = <T,>(list: T[], value: T, on: boolean) => (on ? [...list, value] : list.filter((x) => x !== value));

function NewPoll() {
  const { api, config } = useApp();
  const { t } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const ideas = useIdeas();
  const cohorts = useCohorts();
  const [form, setForm] = useState<PollForm>(() => emptyForm(config.practiceTimeZone));
  const [key] = useState(() => crypto.randomUUID());
  const [local, setLocal] = useState<Record<string, MessageKey>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const choosable = (ideas.data?.items ?? []).filter((i) => i.status !== "declined");
  const cohortNames = cohorts.data?.items.map((c) => c.name) ?? [];
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    // Ideas, roles and cohorts in the order the form lists them, whatever order they were ticked in.
    const ordered: PollForm = {
      ...form,
      ideaIds: choosable.map((i) => i.ideaId).filter((i) => form.ideaIds.includes(i)),
      staffRoles: POLL_STAFF_ROLES.filter((r) => form.staffRoles.includes(r)),
      cohorts: cohortNames.filter((c) => form.cohorts.includes(c)),
    };
    const checked = pollBody(ordered, config.practiceTimeZone);
    if ("errors" in checked) {
      setLocal(checked.errors);
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      const { data } = await unwrap(api.POST("/feedback/polls", { params: { header: { "Idempotency-Key": key } }, body: checked.body }));
      await queryClient.invalidateQueries({ queryKey: ["feedback", "polls"] });
      navigate(`/rollout/polls/${data.pollId}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const api422: Record<string, string> = {};
  for (const [field, message] of Object.entries(fieldErrors(error))) api422[pollFieldOf(field)] ??= message;
  const errors: Record<string, string> = { ...api422, ...Object.fromEntries(Object.entries(local).map(([k, v]) => [k, t(v)])) };
  const hasFieldErrors = Object.keys(api422).length > 0;
  const weightError = (s: "staff" | "patients" | "practices") => errors[`weights.${s}`];
  const asked = { staff: form.staffRoles.length > 0, patients: form.cohorts.length > 0, practices: form.practices };
  const zoneHint = t("feedbackStaff.polls.zoneHint", { zone: config.practiceTimeZone });
  return (
    <form onSubmit={submit} className="card form fs-poll-form" noValidate aria-labelledby="h-new-poll">
      <h2 id="h-new-poll">{t("feedbackStaff.polls.new")}</h2>
      <Field label={t("feedbackStaff.polls.pollTitle")} value={form.title} maxLength={120} autoComplete="off"
        onChange={(e) => setForm({ ...form, title: e.target.value })} error={errors.title} />
      <Field label={t("feedbackStaff.polls.question")} hint={t("feedbackStaff.polls.questionHint")} multiline value={form.question}
        onChange={(e) => setForm({ ...form, question: e.target.value })} error={errors.question} />
      <fieldset aria-describedby={errors.ideaIds ? `${id}-ideas-error` : undefined}>
        <legend>{t("feedbackStaff.polls.ideas")}</legend>
        {ideas.isPending ? (
          <p className="muted">{t("app.loading")}</p>
        ) : choosable.length ? (
          choosable.map((i) => (
            <div key={i.ideaId} className="field checkbox">
              <input id={`${id}-idea-${i.ideaId}`} type="checkbox" checked={form.ideaIds.includes(i.ideaId)}
                onChange={(e) => setForm({ ...form, ideaIds: toggle(form.ideaIds, i.ideaId, e.target.checked) })} />
              <label htmlFor={`${id}-idea-${i.ideaId}`}>
                {i.title} <StatusTag status={i.status} />
              </label>
            </div>
          ))
        ) : (
          <p className="muted">
            {t("feedbackStaff.polls.noIdeas")} <Link to="/rollout/ideas">{t("feedbackStaff.ideas.title")}</Link>
          </p>
        )}
        {errors.ideaIds && (
          <p id={`${id}-ideas-error`} className="field-error">
            {errors.ideaIds}
          </p>
        )}
      </fieldset>
      <fieldset>
        <legend>{t("feedbackStaff.polls.method")}</legend>
        {(["rank", "approval"] as const).map((m) => (
          <div key={m} className="field radio">
            <input id={`${id}-method-${m}`} type="radio" name={`${id}-method`} checked={form.method === m}
              onChange={() => setForm({ ...form, method: m })} />
            <label htmlFor={`${id}-method-${m}`}>{t(`feedbackStaff.polls.method.${m}` as MessageKey)}</label>
          </div>
        ))}
      </fieldset>
      {form.method === "rank" && (
        <Field label={t("feedbackStaff.polls.topK")} hint={t("feedbackStaff.polls.topKHint")} type="number" inputMode="numeric" min={1}
          max={20} value={form.topK} onChange={(e) => setForm({ ...form, topK: e.target.value })} error={errors.topK} />
      )}
      <fieldset aria-describedby={errors.audience ? `${id}-audience-error` : undefined}>
        <legend>{t("feedbackStaff.polls.audience")}</legend>
        <fieldset>
          <legend>{t("feedbackStaff.polls.staffRoles")}</legend>
          {POLL_STAFF_ROLES.map((r) => (
            <div key={r} className="field checkbox">
              <input id={`${id}-role-${r}`} type="checkbox" checked={form.staffRoles.includes(r)}
                onChange={(e) => setForm({ ...form, staffRoles: toggle(form.staffRoles, r, e.target.checked) })} />
              <label htmlFor={`${id}-role-${r}`}>{t(`role.${r}` as MessageKey)}</label>
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t("feedbackStaff.polls.cohorts")}</legend>
          {cohorts.isPending ? (
            <p className="muted">{t("app.loading")}</p>
          ) : cohortNames.length ? (
            cohortNames.map((c) => (
              <div key={c} className="field checkbox">
                <input id={`${id}-cohort-${c}`} type="checkbox" checked={form.cohorts.includes(c)}
                  onChange={(e) => setForm({ ...form, cohorts: toggle(form.cohorts, c, e.target.checked) })} />
                <label htmlFor={`${id}-cohort-${c}`}>{c}</label>
              </div>
            ))
          ) : (
            <p className="muted">{t("features.noCohorts")}</p>
          )}
        </fieldset>
        <div className="field checkbox">
          <input id={`${id}-practices`} type="checkbox" checked={form.practices} onChange={(e) => setForm({ ...form, practices: e.target.checked })} />
          <label htmlFor={`${id}-practices`}>{t("feedbackStaff.polls.practices")}</label>
        </div>
        {errors.audience && (
          <p id={`${id}-audience-error`} className="field-error">
            {errors.audience}
          </p>
        )}
      </fieldset>
      <fieldset aria-describedby={errors.weights ? `${id}-weights-error` : `${id}-weights-hint`}>
        <legend>{t("feedbackStaff.polls.weights")}</legend>
        <p id={`${id}-weights-hint`} className="hint">
          {t("feedbackStaff.polls.weightsHint")}
        </p>
        <div className="grid">
          {(["staff", "patients", "practices"] as const).map((s) => (
            <Field key={s} label={t(`feedbackStaff.stratum.${s}` as MessageKey)} type="number" inputMode="decimal" min={0} max={100}
              disabled={!asked[s]} value={form.weights[s]}
              onChange={(e) => setForm({ ...form, weights: { ...form.weights, [s]: e.target.value } })} error={weightError(s)} />
          ))}
        </div>
        {errors.weights && (
          <p id={`${id}-weights-error`} className="field-error">
            {errors.weights}
          </p>
        )}
      </fieldset>
      <div className="grid">
        <Field label={t("feedbackStaff.polls.opensAt")} hint={zoneHint} type="datetime-local" value={form.opensAt}
          onChange={(e) => setForm({ ...form, opensAt: e.target.value })} error={errors.opensAt} />
        <Field label={t("feedbackStaff.polls.closesAt")} hint={zoneHint} type="datetime-local" value={form.closesAt}
          onChange={(e) => setForm({ ...form, closesAt: e.target.value })} error={errors.closesAt} />
      </div>
      {Object.keys(local).length > 0 && (
        <p role="alert" className="notice error">
          {t("feedbackStaff.fixFields")}
        </p>
      )}
      {error !== null && !hasFieldErrors && <ErrorNotice error={error} />}
      <button type="submit" className="primary" disabled={busy}>
        {t("feedbackStaff.polls.create")}
      </button>
    </form>
  );
}
