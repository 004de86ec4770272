import { useEffect, useId, useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap, type Schemas } from "../../../api/client";
import { ErrorNotice, Field, Loaded, Page, fieldErrors } from "../../../components/ui";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import type { MessageKey } from "../../../i18n/en";
import { Link } from "../../../router";
import {
  IDEA_FEATURES,
  IDEA_STATUSES,
  ideaEditForm,
  ideaUpdateBody,
  newIdeaBody,
  type IdeaEditForm,
  type IdeaForm,
} from "../../../feedback-staff";
import { StatusTag, useFeatureName, useIdeas, useStaffRights, type Idea } from "./common";

type Feature = Schemas["FeatureName"];
type SuggestionStatus = Schemas["SuggestionStatus"];

/** The practice's ideas (each with its status, and a form to change it), a form for a new one, and the patients' suggestions. */
export default function Ideas() {
  const { t } = useI18n();
  const ideas = useIdeas();
  const rights = useStaffRights();
  return (
    <Page title={t("feedbackStaff.ideas.title")}>
      <p>{t("feedbackStaff.ideas.intro")}</p>
      <Loaded query={ideas}>
        {(page) =>
          page.items.length ? (
            <ul className="fs-idea-list" aria-label={t("feedbackStaff.ideas.list")}>
              {page.items.map((idea) => (
                <li key={idea.ideaId}>
                  <IdeaCard idea={idea} editable={rights.manage} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t("feedbackStaff.ideas.none")}</p>
          )
        }
      </Loaded>
      {rights.manage && <NewIdea />}
      {rights.manage && <Suggestions />}
    </Page>
  );
}

/** The told count after a status change, as people read it. */
export function toldText(t: (k: MessageKey, v?: Record<string, string | number>) => string, told: number): string {
  if (told === 0) return t("feedbackStaff.ideas.toldNone");
  if (told === 1) return t("feedbackStaff.ideas.toldOne");
  return t("feedbackStaff.ideas.told", { count: told });
}

function IdeaCard({ idea, editable }: { idea: Idea; editable: boolean }) {
  const { t, dateTime, number } = useI18n();
  const featureName = useFeatureName();
  const [saved, setSaved] = useState<{ told: number | null } | null>(null);
  const headingId = `h-idea-${idea.ideaId}`;
  return (
    <section className="card fs-idea" id={`idea-${idea.ideaId}`} aria-labelledby={headingId}>
      <h2 id={headingId}>{idea.title}</h2>
      <p>
        <StatusTag status={idea.status} /> <span className="muted">{t("feedbackStaff.ideas.updated", { date: dateTime(idea.updatedAt) })}</span>
      </p>
      <dl className="facts stacked">
        <dt>{t("feedbackStaff.ideas.description")}</dt>
        <dd className="message-text">{idea.description}</dd>
        <dt>{t("feedbackStaff.ideas.benefit")}</dt>
        <dd className="message-text">{idea.benefit}</dd>
        <dt>{t("feedbackStaff.ideas.feature")}</dt>
        <dd>{idea.feature ? <Link to="/rollout/features">{featureName(idea.feature)}</Link> : t("feedbackStaff.ideas.noFeature")}</dd>
        {idea.status === "declined" && idea.declineReason && (
          <>
            <dt>{t("feedbackStaff.ideas.declineReason")}</dt>
            <dd className="message-text">{idea.declineReason}</dd>
          </>
        )}
        {idea.votes !== undefined && (
          <>
            <dt>{t("feedbackStaff.ideas.votes")}</dt>
            <dd>{number(idea.votes)}</dd>
          </>
        )}
        {idea.suggestionId && (
          <>
            <dt>{t("feedbackStaff.ideas.origin")}</dt>
            <dd>{t("feedbackStaff.ideas.fromSuggestion")}</dd>
          </>
        )}
      </dl>
      {saved && (
        <p role="status" className="notice success">
          {t("feedbackStaff.ideas.saved")} {saved.told !== null && toldText(t, saved.told)}
        </p>
      )}
      {editable && (
        <details>
          <summary>{t("feedbackStaff.ideas.edit", { title: idea.title })}</summary>
          <IdeaEditor idea={idea} onSaved={(told) => setSaved({ told })} />
        </details>
      )}
    </section>
  );
}

/** `PUT /feedback/ideas/{ideaId}` with the idea's version in If-Match; the told count comes back when the status changed. */
export function useSaveIdea() {
  const { api } = useApp();
  const queryClient = useQueryClient();
  return async (idea: Pick<Idea, "ideaId" | "version">, body: NonNullable<Extract<ReturnType<typeof ideaUpdateBody>, { body: unknown }>>["body"]) => {
    const { data } = await unwrap(
      api.PUT("/feedback/ideas/{ideaId}", {
        params: { path: { ideaId: idea.ideaId }, header: { "If-Match": `"${idea.version}"` } },
        body: { ...body, feature: body.feature as Feature | undefined },
      }),
    );
    await queryClient.invalidateQueries({ queryKey: ["feedback", "ideas"] });
    return data;
  };
}

export function IdeaEditor({ idea, onSaved }: { idea: Idea; onSaved: (told: number | null) => void }) {
  const { t } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const save = useSaveIdea();
  const [form, setForm] = useState<IdeaEditForm>(() => ideaEditForm(idea));
  const [local, setLocal] = useState<Record<string, MessageKey>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // A new version (this form's change or someone else's): start from it.
  useEffect(() => {
    setForm(ideaEditForm(idea));
  }, [idea.version]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const checked = ideaUpdateBody(form);
    if ("errors" in checked) {
      setLocal(checked.errors);
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      const saved = await save(idea, checked.body);
      onSaved(saved.status !== idea.status ? (saved.told ?? 0) : null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const reload = async () => {
    setError(null);
    await queryClient.invalidateQueries({ queryKey: ["feedback", "ideas"] });
  };
  const errors: Record<string, string> = { ...fieldErrors(error), ...Object.fromEntries(Object.entries(local).map(([k, v]) => [k, t(v)])) };
  const stale = error instanceof ApiError && error.status === 412;
  return (
    <form onSubmit={submit} className="form" noValidate aria-label={t("feedbackStaff.ideas.edit", { title: idea.title })}>
      <IdeaFields form={form} set={(f) => setForm({ ...form, ...f })} errors={errors} />
      <fieldset>
        <legend>{t("feedbackStaff.ideas.status")}</legend>
        <div className="choices">
          {IDEA_STATUSES.map((s) => (
            <div key={s} className="field radio">
              <input id={`${id}-status-${s}`} type="radio" name={`${id}-status`} value={s} checked={form.status === s}
                onChange={() => setForm({ ...form, status: s })} />
              <label htmlFor={`${id}-status-${s}`}>{t(`feedbackStaff.status.${s}` as MessageKey)}</label>
            </div>
          ))}
        </div>
        {errors.status && <p className="field-error">{errors.status}</p>}
      </fieldset>
      {form.status === "declined" && (
        <Field label={t("feedbackStaff.ideas.declineReason")} hint={t("feedbackStaff.ideas.declineReasonHint")} multiline
          value={form.declineReason} onChange={(e) => setForm({ ...form, declineReason: e.target.value })} error={errors.declineReason} />
      )}
      {form.status !== idea.status && <p className="hint">{t("feedbackStaff.ideas.willTell")}</p>}
      {stale && (
        <div role="alert" className="notice error">
          <p className="notice-title">{t("feedbackStaff.ideas.stale")}</p>
          <button type="button" onClick={() => void reload()}>
            {t("feedbackStaff.ideas.reload")}
          </button>
        </div>
      )}
      {error !== null && !stale && Object.keys(fieldErrors(error)).length === 0 && <ErrorNotice error={error} />}
      <button type="submit" className="primary" disabled={busy}>
        {t("feedbackStaff.ideas.save")}
      </button>
    </form>
  );
}

function IdeaFields({ form, set, errors }: { form: IdeaForm; set: (f: Partial<IdeaForm>) => void; errors: Record<string, string> }) {
  const { t } = useI18n();
  const featureName = useFeatureName();
  const id = useId();
  return (
    <>
      <Field label={t("feedbackStaff.ideas.titleField")} value={form.title} maxLength={120} autoComplete="off"
        onChange={(e) => set({ title: e.target.value })} error={errors.title} />
      <Field label={t("feedbackStaff.ideas.description")} hint={t("feedbackStaff.ideas.descriptionHint")} multiline value={form.description}
        onChange={(e) => set({ description: e.target.value })} error={errors.description} />
      <Field label={t("feedbackStaff.ideas.benefit")} hint={t("feedbackStaff.ideas.benefitHint")} multiline value={form.benefit}
        onChange={(e) => set({ benefit: e.target.value })} error={errors.benefit} />
      <div className="field">
        <label htmlFor={`${id}-feature`}>{t("feedbackStaff.ideas.featureOptional")}</label>
        <select id={`${id}-feature`} value={form.feature} onChange={(e) => set({ feature: e.target.value })}
          aria-invalid={errors.feature ? true : undefined} aria-describedby={errors.feature ? `${id}-feature-error` : undefined}>
          <option value="">{t("feedbackStaff.ideas.noFeature")}</option>
          {IDEA_FEATURES.map((f) => (
            <option key={f} value={f}>
              {featureName(f)}
            </option>
          ))}
        </select>
        {errors.feature && (
          <p id={`${id}-feature-error`} className="field-error">
            {errors.feature}
          </p>
        )}
      </div>
    </>
  );
}

const EMPTY: IdeaForm = { title: "", description: "", benefit: "", feature: "" };

function NewIdea() {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<IdeaForm>(EMPTY);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [local, setLocal] = useState<Record<string, MessageKey>>({});
  const [error, setError] = useState<unknown>(null);
  const [added, setAdded] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setAdded(null);
    const checked = newIdeaBody(form);
    if ("errors" in checked) {
      setLocal(checked.errors);
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST("/feedback/ideas", {
          params: { header: { "Idempotency-Key": key } },
          body: { ...checked.body, feature: checked.body.feature as Feature | undefined },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ["feedback", "ideas"] });
      setAdded(data.title);
      setForm(EMPTY);
      setKey(crypto.randomUUID());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors: Record<string, string> = { ...fieldErrors(error), ...Object.fromEntries(Object.entries(local).map(([k, v]) => [k, t(v)])) };
  return (
    <form onSubmit={submit} className="card form" noValidate aria-labelledby="h-new-idea">
      <h2 id="h-new-idea">{t("feedbackStaff.ideas.new")}</h2>
      <IdeaFields form={form} set={(f) => setForm({ ...form, ...f })} errors={errors} />
      {added && (
        <p role="status" className="notice success">
          {t("feedbackStaff.ideas.added", { title: added })}
        </p>
      )}
      {error !== null && Object.keys(fieldErrors(error)).length === 0 && <ErrorNotice error={error} />}
      <button type="submit" className="primary" disabled={busy}>
        {t("feedbackStaff.ideas.add")}
      </button>
    </form>
  );
}

const SUGGESTION_STATUSES: SuggestionStatus[] = ["pending", "accepted", "declined"];

/** The patients' suggestions: pending ones to accept (they become ideas) or decline with a reason. */
function Suggestions() {
  const { api } = useApp();
  const { t } = useI18n();
  const id = useId();
  const [status, setStatus] = useState<SuggestionStatus>("pending");
  const [done, setDone] = useState<string | null>(null);
  const suggestions = useQuery({
    queryKey: ["feedback", "suggestions", status],
    queryFn: async () => (await unwrap(api.GET("/feedback/suggestions", { params: { query: { status } } }))).data,
  });
  return (
    <section className="card" aria-labelledby="h-suggestions">
      <h2 id="h-suggestions">{t("feedbackStaff.suggestions.title")}</h2>
      <p className="muted">{t("feedbackStaff.suggestions.intro")}</p>
      <fieldset className="choice">
        <legend>{t("feedbackStaff.suggestions.show")}</legend>
        <div className="choices">
          {SUGGESTION_STATUSES.map((s) => (
            <div key={s} className="field radio">
              <input id={`${id}-${s}`} type="radio" name={`${id}-status`} checked={status === s} onChange={() => setStatus(s)} />
              <label htmlFor={`${id}-${s}`}>{t(`feedbackStaff.suggestions.status.${s}` as MessageKey)}</label>
            </div>
          ))}
        </div>
      </fieldset>
      {done && (
        <p role="status" className="notice success">
          {done}
        </p>
      )}
      <Loaded query={suggestions}>
        {(page) =>
          page.items.length ? (
            <ul className="fs-suggestions">
              {page.items.map((s) => (
                <li key={s.suggestionId}>
                  <Suggestion suggestion={s} onDone={setDone} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t("feedbackStaff.suggestions.none")}</p>
          )
        }
      </Loaded>
    </section>
  );
}

function Suggestion({ suggestion: s, onDone }: { suggestion: Schemas["Suggestion"]; onDone: (message: string) => void }) {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const decide = async (decision: "accept" | "decline") => {
    setError(null);
    const why = reason.trim();
    if (decision === "decline" && !why) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    try {
      await unwrap(
        api.POST("/patients/{patientId}/suggestions/{suggestionId}/decision", {
          params: { path: { patientId: s.patientId, suggestionId: s.suggestionId } },
          body: decision === "accept" ? { decision } : { decision, reason: why },
        }),
      );
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ["feedback", "suggestions"] }),
        queryClient.invalidateQueries({ queryKey: ["feedback", "ideas"] }),
      ]);
      onDone(t(decision === "accept" ? "feedbackStaff.suggestions.accepted" : "feedbackStaff.suggestions.declined", { title: s.title }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const headingId = `h-suggestion-${s.suggestionId}`;
  const errors = fieldErrors(error);
  return (
    <article aria-labelledby={headingId} className="fs-suggestion">
      <h3 id={headingId}>{s.title}</h3>
      <p className="message-text">{s.description}</p>
      <p className="muted">
        {t("feedbackStaff.suggestions.meta", { date: dateTime(s.createdAt) })} <span className="id">{s.patientId}</span>
      </p>
      {s.status === "accepted" && s.ideaId && (
        <p>
          <a href={`#idea-${s.ideaId}`}>{t("feedbackStaff.suggestions.becameIdea")}</a>
        </p>
      )}
      {s.status === "declined" && s.reason && <p className="message-text">{t("feedbackStaff.suggestions.reason", { reason: s.reason })}</p>}
      {s.status === "pending" &&
        (declining ? (
          <form className="form" noValidate aria-label={t("feedbackStaff.suggestions.declineOne", { title: s.title })}
            onSubmit={(e) => {
              e.preventDefault();
              void decide("decline");
            }}>
            <Field label={t("feedbackStaff.suggestions.declineReason")} hint={t("feedbackStaff.suggestions.declineReasonHint")} multiline
              value={reason} onChange={(e) => setReason(e.target.value)}
              error={missing ? t("feedbackStaff.ideas.declineReasonRequired") : errors.reason} />
            <div className="actions">
              <button type="submit" className="primary" disabled={busy}>
                {t("feedbackStaff.suggestions.decline")}
              </button>
              <button type="button" onClick={() => setDeclining(false)}>
                {t("rollout.cancel")}
              </button>
            </div>
          </form>
        ) : (
          <div className="actions">
            <button type="button" className="primary" disabled={busy} aria-label={t("feedbackStaff.suggestions.acceptOne", { title: s.title })}
              onClick={() => void decide("accept")}>
              {t("feedbackStaff.suggestions.accept")}
            </button>
            <button type="button" aria-label={t("feedbackStaff.suggestions.declineOne", { title: s.title })} onClick={() => setDeclining(true)}>
              {t("feedbackStaff.suggestions.decline")}
            </button>
          </div>
        ))}
      {error !== null && !errors.reason && <ErrorNotice error={error} />}
    </article>
  );
}

