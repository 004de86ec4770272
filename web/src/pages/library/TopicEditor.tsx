import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap } from "../../api/client";
import { ErrorNotice, Field, Loaded, NotFound, Page, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { Link, navigate } from "../../router";
import { libraryKeys, useLibrary, type Topic } from "./api";
import { bodyOf, emptyForm, etagOf, formOf, KINDS, SYSTEMS, titleIn, type CodeSystem, type Kind, type Text, type TopicForm } from "./topic";
import "../training/training.css";

// A topic of the education library: both languages' title, plain-language summary and link, the
// record codes it matches, and (medications) the ingredient names it matches. A change is saved
// under If-Match: someone else's change in between is reported and the topic read again.

export default function TopicEditor({ topicId }: { topicId?: string }) {
  const { t, locale } = useI18n();
  const library = useLibrary(topicId !== undefined);
  // Said above the form: a save (or a stale edit) reads the topic again, which starts the form anew.
  const [said, setSaid] = useState<"saved" | "stale" | null>(null);
  if (topicId === undefined) {
    return (
      <Page title={t("library.new.title")}>
        <BackLink />
        <TopicFormView initial={emptyForm()} />
      </Page>
    );
  }
  const topic = library.data?.find((x) => x.topicId === topicId);
  if (library.data && !topic) return <NotFound />;
  return (
    <Page title={topic ? t("library.edit.title", { title: titleIn(topic, locale) }) : t("library.title")}>
      <BackLink />
      <Loaded query={library}>
        {() =>
          topic ? (
            <>
              <TopicFacts topic={topic} />
              {said === "stale" && (
                <p role="alert" className="notice error">
                  {t("library.stale")}
                </p>
              )}
              {said === "saved" && (
                <p role="status" className="notice success">
                  {t("library.saved")}
                </p>
              )}
              {/* A new version (saved here or elsewhere) starts the form again from what is stored. */}
              <TopicFormView
                key={topic.version}
                initial={formOf(topic)}
                topic={topic}
                justCreated={said === null && new URLSearchParams(location.search).get("created") === "1"}
                onChange={() => setSaid(null)}
                onStale={() => setSaid("stale")}
                onSaved={() => setSaid("saved")}
              />
              {topic.status === "active" && <Retire topic={topic} />}
            </>
          ) : null
        }
      </Loaded>
    </Page>
  );
}

function BackLink() {
  const { t } = useI18n();
  return (
    <p>
      <Link to="/staff/education">{t("library.back")}</Link>
    </p>
  );
}

function TopicFacts({ topic }: { topic: Topic }) {
  const { t, dateTime } = useI18n();
  return (
    <dl className="card facts">
      <dt>{t("library.col.status")}</dt>
      <dd>
        <span className={topic.status === "active" ? "tag on" : "tag off"}>{t(`library.status.${topic.status}` as MessageKey)}</span>
      </dd>
      <dt>{t("library.col.origin")}</dt>
      <dd>{t(`library.origin.${topic.origin}` as MessageKey)}</dd>
      {topic.updatedAt && (
        <>
          <dt>{t("library.updated")}</dt>
          <dd>{topic.updatedBy ? t("library.updatedBy", { date: dateTime(topic.updatedAt), name: topic.updatedBy.name }) : dateTime(topic.updatedAt)}</dd>
        </>
      )}
      <dt>{t("library.col.helpful")}</dt>
      <dd>{topic.helpful ? t("library.helpfulTally", { yes: topic.helpful.yes, no: topic.helpful.no }) : "—"}</dd>
    </dl>
  );
}

function TopicFormView({
  initial,
  topic,
  justCreated = false,
  onChange,
  onStale,
  onSaved,
}: {
  initial: TopicForm;
  topic?: Topic;
  justCreated?: boolean;
  onChange?: () => void;
  onStale?: () => void;
  onSaved?: () => void;
}) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<TopicForm>(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const creating = topic === undefined;
  const errors = fieldErrors(error);
  if (creating && error instanceof ApiError && error.status === 409 && !errors.topicId) errors.topicId = t("library.idTaken");

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    onChange?.();
    const body = bodyOf(form);
    try {
      if (creating) {
        const { data } = await unwrap(api.POST("/staff/education/topics", { body }));
        await queryClient.invalidateQueries({ queryKey: libraryKeys.topics });
        navigate(`/staff/education/${encodeURIComponent(data.topicId)}?created=1`);
        return;
      }
      const { topicId: _id, ...change } = body;
      await unwrap(
        api.PUT("/staff/education/topics/{topicId}", {
          params: { path: { topicId: topic.topicId }, header: { "If-Match": etagOf(topic) } },
          body: change,
        }),
      );
      onSaved?.();
      await queryClient.invalidateQueries({ queryKey: libraryKeys.topics });
    } catch (e) {
      if (!creating && e instanceof ApiError && (e.status === 412 || e.status === 409)) {
        onStale?.();
        await queryClient.invalidateQueries({ queryKey: libraryKeys.topics });
      }
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const setText = (lang: "en" | "es", key: keyof Text) => (e: { target: { value: string } }) =>
    setForm({ ...form, [lang]: { ...form[lang], [key]: e.target.value } });
  // A stale edit is said above the form (it is read again); anything else without a field, here.
  const stale = !creating && error instanceof ApiError && (error.status === 412 || error.status === 409);
  const unplaced = error !== null && !stale && Object.keys(errors).length === 0;

  return (
    <form className="card form topic-form" noValidate onSubmit={save} aria-labelledby="h-topic-form">
      <h2 id="h-topic-form">{creating ? t("library.new.title") : t("library.edit.heading")}</h2>
      {!creating && justCreated && (
        <p role="status" className="notice success">
          {t("library.created")}
        </p>
      )}
      {creating && (
        <Field label={t("library.field.topicId")} hint={t("library.field.topicIdHint")} value={form.topicId} autoComplete="off" spellCheck={false}
          onChange={(e) => setForm({ ...form, topicId: e.target.value })} error={errors.topicId} />
      )}
      <div className="field">
        <label htmlFor="topic-kind">{t("library.field.kind")}</label>
        <select id="topic-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as Kind })}
          aria-invalid={errors.kind ? true : undefined} aria-describedby={errors.kind ? "topic-kind-error" : undefined}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`library.kind.${k}`)}
            </option>
          ))}
        </select>
        {errors.kind && (
          <p id="topic-kind-error" className="field-error">
            {errors.kind}
          </p>
        )}
      </div>
      {(["en", "es"] as const).map((lang) => (
        <fieldset key={lang}>
          <legend>{t(`library.lang.${lang}`)}</legend>
          {lang === "es" && <p className="hint">{t("library.esHint")}</p>}
          <Field label={t("library.field.title")} value={form[lang].title} onChange={setText(lang, "title")} error={errors[`content.${lang}.title`]} lang={lang} />
          <Field label={t("library.field.summary")} hint={t("library.field.summaryHint")} multiline value={form[lang].summary}
            onChange={setText(lang, "summary")} error={errors[`content.${lang}.summary`]} lang={lang} />
          <Field label={t("library.field.url")} hint={t("library.field.urlHint")} type="url" value={form[lang].url}
            onChange={setText(lang, "url")} error={errors[`content.${lang}.url`] ?? errors[`content.${lang}`]} />
        </fieldset>
      ))}
      <CodesField form={form} setForm={setForm} errors={errors} />
      <IngredientsField form={form} setForm={setForm} errors={errors} />
      {unplaced && <ErrorNotice error={error} />}
      {Object.keys(errors).length > 0 && (
        <p role="alert" className="notice error">
          {t("library.fixErrors")}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {creating ? t("library.new.save") : t("library.edit.save")}
        </button>
      </div>
    </form>
  );
}

type FormProps = { form: TopicForm; setForm: (form: TopicForm) => void; errors: Record<string, string> };

function CodesField({ form, setForm, errors }: FormProps) {
  const { t } = useI18n();
  const set = (i: number, change: Partial<TopicForm["codes"][number]>) =>
    setForm({ ...form, codes: form.codes.map((c, j) => (j === i ? { ...c, ...change } : c)) });
  return (
    <fieldset>
      <legend>{t("library.codes")}</legend>
      <p className="hint">{t("library.codesHint")}</p>
      {errors.codes && <p className="field-error">{errors.codes}</p>}
      <ul className="plain code-rows">
        {form.codes.map((c, i) => {
          const error = errors[`codes[${i}].code`] ?? errors[`codes[${i}].system`] ?? errors[`codes[${i}]`];
          return (
            <li key={i} className="field inline">
              <label htmlFor={`code-system-${i}`} className="visually-hidden">
                {t("library.codeSystemN", { n: i + 1 })}
              </label>
              <select id={`code-system-${i}`} value={c.system} onChange={(e) => set(i, { system: e.target.value as CodeSystem })}>
                {SYSTEMS.map((s) => (
                  <option key={s} value={s}>
                    {t(`library.system.${s}`)}
                  </option>
                ))}
              </select>
              <label htmlFor={`code-${i}`} className="visually-hidden">
                {t("library.codeN", { n: i + 1 })}
              </label>
              <input id={`code-${i}`} value={c.code} autoComplete="off" spellCheck={false} onChange={(e) => set(i, { code: e.target.value })}
                aria-invalid={error ? true : undefined} aria-describedby={error ? `code-${i}-error` : undefined} />
              <button type="button" onClick={() => setForm({ ...form, codes: form.codes.filter((_, j) => j !== i) })}>
                {t("library.remove")}
                <span className="visually-hidden"> {t("library.codeN", { n: i + 1 })}</span>
              </button>
              {error && (
                <p id={`code-${i}-error`} className="field-error">
                  {error}
                </p>
              )}
            </li>
          );
        })}
      </ul>
      <button type="button" onClick={() => setForm({ ...form, codes: [...form.codes, { system: form.codes.at(-1)?.system ?? "icd10cm", code: "" }] })}>
        {t("library.addCode")}
      </button>
    </fieldset>
  );
}

function IngredientsField({ form, setForm, errors }: FormProps) {
  const { t } = useI18n();
  return (
    <fieldset>
      <legend>{t("library.ingredients")}</legend>
      <p className="hint">{t("library.ingredientsHint")}</p>
      {errors.ingredients && <p className="field-error">{errors.ingredients}</p>}
      <ul className="plain code-rows">
        {form.ingredients.map((name, i) => {
          const error = errors[`ingredients[${i}]`];
          return (
            <li key={i} className="field inline">
              <label htmlFor={`ingredient-${i}`} className="visually-hidden">
                {t("library.ingredientN", { n: i + 1 })}
              </label>
              <input id={`ingredient-${i}`} value={name} autoComplete="off"
                onChange={(e) => setForm({ ...form, ingredients: form.ingredients.map((x, j) => (j === i ? e.target.value : x)) })}
                aria-invalid={error ? true : undefined} aria-describedby={error ? `ingredient-${i}-error` : undefined} />
              <button type="button" onClick={() => setForm({ ...form, ingredients: form.ingredients.filter((_, j) => j !== i) })}>
                {t("library.remove")}
                <span className="visually-hidden"> {t("library.ingredientN", { n: i + 1 })}</span>
              </button>
              {error && (
                <p id={`ingredient-${i}-error`} className="field-error">
                  {error}
                </p>
              )}
            </li>
          );
        })}
      </ul>
      <button type="button" onClick={() => setForm({ ...form, ingredients: [...form.ingredients, ""] })}>
        {t("library.addIngredient")}
      </button>
    </fieldset>
  );
}

/** Retiring hides a topic from patients (kept for history); asked twice. */
function Retire({ topic }: { topic: Topic }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const retire = async () => {
    setError(null);
    try {
      await unwrap(api.DELETE("/staff/education/topics/{topicId}", { params: { path: { topicId: topic.topicId } } }));
      setAsking(false);
      await queryClient.invalidateQueries({ queryKey: libraryKeys.topics });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" aria-labelledby="h-retire">
      <h2 id="h-retire">{t("library.retire.title")}</h2>
      <p>{t("library.retire.intro")}</p>
      {error !== null && <ErrorNotice error={error} />}
      {asking ? (
        <div className="actions confirm">
          <button type="button" className="danger" onClick={() => void retire()}>
            {t("library.retire.confirm")}
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            {t("onboarding.cancel")}
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => setAsking(true)}>
          {t("library.retire.button")}
        </button>
      )}
    </section>
  );
}
