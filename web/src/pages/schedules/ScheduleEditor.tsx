import { Fragment, useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap } from "../../api/client";
import { ErrorNotice, Loaded, NotFound, Page, fieldErrors, isNotFound } from "../../components/ui";
import { getSession } from "../../auth/session";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link, useLocation } from "../../router";
import { keys, useProvider, useSchedule, useVisitTypes, type Provider } from "./api";
import EditProvider from "./EditProvider";
import { ErrorSummary, useFieldMessage } from "./parts";
import ReadOnlyHours from "./ReadOnlyHours";
import {
  DAYS,
  changed,
  fieldPlaces,
  gridTimes,
  inputId,
  newKey,
  nextRange,
  rowErrorId,
  rowErrors,
  toDoc,
  toForm,
  weeklyPath,
  type Day,
  type Namer,
  type Published,
  type Range,
  type ScheduleForm,
} from "./schedule";
import "./schedules.css";

// One provider's published availability, edited and published again (`PUT
// /staff/providers/{providerId}/schedule` with the version read in `If-Match`): weekly hours per
// weekday (several ranges a day), closed dates, hours for single dates and one-off blocks;
// and the provider itself ("Edit provider"). Clinicians read the same schedule, without the
// controls that change it.

export default function ScheduleEditor({ providerId }: { providerId: string }) {
  const { t } = useI18n();
  const provider = useProvider(providerId);
  const schedule = useSchedule(providerId);
  const { search } = useLocation();
  // A reload after a conflict starts a fresh form even when the version read is the same.
  const [generation, setGeneration] = useState(0);
  // Only the front desk changes providers and their hours (the API refuses anyone else).
  const editor = (getSession()?.claims.groups ?? []).includes("front-desk");
  if (isNotFound(provider.error) || isNotFound(schedule.error)) return <NotFound />;
  return (
    <Loaded query={provider}>
      {(p) => (
        <Page title={t("schedules.editor.title", { name: p.name })}>
          <p>
            <Link to="/staff/schedules">{t("schedules.back")}</Link>
          </p>
          {search.get("added") && !schedule.data?.publishedAt && (
            <p role="status" className="notice success">
              {t("schedules.added", { name: p.name })}
            </p>
          )}
          <Loaded query={schedule}>
            {(published) => (
              <>
                <Facts provider={p} published={published} />
                {editor ? (
                  <>
                    <Editor
                      key={generation}
                      provider={p}
                      published={published}
                      onReload={async () => {
                        await schedule.refetch();
                        setGeneration((g) => g + 1);
                      }}
                    />
                    <EditProvider provider={p} onReload={async () => (await provider.refetch()).data} />
                  </>
                ) : (
                  <ReadOnlyHours published={published} />
                )}
              </>
            )}
          </Loaded>
        </Page>
      )}
    </Loaded>
  );
}

function Facts({ provider, published }: { provider: Provider; published: Published }) {
  const { t, dateTime } = useI18n();
  const visitTypes = useVisitTypes();
  const typeName = (id: string) => {
    const v = visitTypes.data?.items.find((x) => x.id === id);
    return v ? t("schedules.visitType", { name: v.name, minutes: v.minutes }) : id;
  };
  return (
    <div className="card">
      <dl className="facts">
        <dt>{t("schedules.col.specialty")}</dt>
        <dd>{provider.specialty}</dd>
        <dt>{t("schedules.newPatients")}</dt>
        <dd>{provider.acceptingNewPatients ? t("schedules.acceptingNew") : t("schedules.notAcceptingNew")}</dd>
        <dt>{t("schedules.offers")}</dt>
        <dd>{provider.visitTypes.map(typeName).join(", ")}</dd>
      </dl>
      <p>{t("schedules.zone", { zone: published.timeZone })}</p>
      <p>
        {published.publishedAt
          ? t("schedules.published", { when: dateTime(published.publishedAt), version: published.version })
          : t("schedules.unpublished")}
      </p>
    </div>
  );
}

const hidden = (text: string) => <span className="visually-hidden"> ({text})</span>;

function Editor({
  provider,
  published: read,
  onReload,
}: {
  provider: Provider;
  published: Published;
  onReload: () => Promise<void>;
}) {
  // What the form started from: the schedule as read, then as this form last published it.
  const [published, setPublished] = useState<Published>(read);
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const message = useFieldMessage();
  const base = `s${useId().replace(/[^a-zA-Z0-9_-]/g, "")}`;
  const zone = published.timeZone;
  const [form, setFormState] = useState<ScheduleForm>(() => toForm(published, zone));
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [focusNext, setFocusNext] = useState<string | null>(null);
  const dirty = useMemo(() => changed(form, published, zone), [form, published, zone]);

  useEffect(() => {
    if (dirty) setSaved(false);
  }, [dirty]);
  useEffect(() => {
    if (focusNext) document.getElementById(focusNext)?.focus();
    setFocusNext(null);
  }, [focusNext]);

  /** A change of a value keeps the errors shown; adding or removing a row moves the API's indices, so it clears them. */
  const setForm = (next: ScheduleForm, structural = false) => {
    setFormState(next);
    if (structural) {
      setError(null);
      setLocal({});
    }
  };

  const dayName = (day: Day) => t(`schedules.day.${day}`);
  const namer: Namer = {
    day: dayName,
    range: (n) => t("schedules.range", { n }),
    start: t("schedules.start"),
    end: t("schedules.end"),
    hours: t("schedules.dateHours.hours"),
    closedDate: (n) => t("schedules.closed.date", { n }),
    dateHours: (n) => t("schedules.dateHours.entry", { n }),
    date: t("schedules.dateHours.date"),
    block: (n) => t("schedules.blocks.entry", { n }),
  };
  const places = fieldPlaces(form, base, namer);
  const apiErrors = Object.fromEntries(Object.entries(fieldErrors(error)).map(([f, m]) => [f, message(m)!]));
  const errors: Record<string, string> = { ...apiErrors, ...local };
  const placed = Object.keys(apiErrors).some((f) => places[f]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setStale(false);
    const { doc, problems } = toDoc(form, zone);
    setLocal(Object.fromEntries(Object.entries(problems).map(([f, k]) => [f, t(k)])));
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.PUT("/staff/providers/{providerId}/schedule", {
          params: { path: { providerId: provider.providerId }, header: { "If-Match": `"${published.version}"` } },
          body: doc,
        }),
      );
      // The form becomes what was published, and the next publish sends its version.
      queryClient.setQueryData(keys.schedule(provider.providerId), data);
      setPublished(data);
      setFormState(toForm(data, zone));
      setSaved(true);
      await queryClient.invalidateQueries({ queryKey: ["slots"] });
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) setStale(true);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  /** Focus an input of a row just added (once it is on the page). */
  const focus = (key: string, part: "start" | "date") => setFocusNext(inputId(base, key, part));

  // Weekly hours ---------------------------------------------------------------------------
  const setDay = (day: Day, ranges: Range[], structural = false) => setForm({ ...form, weekly: { ...form.weekly, [day]: ranges } }, structural);

  // A list section's rows: replace one (structural when rows inside it come or go: a date's
  // hours), remove one, add one (made from a new key, focusing its first input).
  const rowsOf = <K extends ListKey>(list: K) => ({
    update: (index: number, row: ScheduleForm[K][number], structural = false) =>
      setForm({ ...form, [list]: form[list].map((x, i) => (i === index ? row : x)) }, structural),
    remove: (index: number) => setForm({ ...form, [list]: form[list].filter((_, i) => i !== index) }, true),
    add: (make: (key: string) => ScheduleForm[K][number], first: "start" | "date") => {
      const key = newKey();
      setForm({ ...form, [list]: [...form[list], make(key)] }, true);
      focus(key, first);
    },
  });
  const closedDates = rowsOf("closedDates");
  const dateHours = rowsOf("dateHours");
  const blocks = rowsOf("blocks");

  return (
    <form onSubmit={submit} className="form schedule-form" noValidate aria-label={t("schedules.editor.title", { name: provider.name })}>
      <ErrorSummary errors={errors} places={places} />
      {stale && (
        <div role="alert" className="notice error">
          <p className="notice-title">{t("schedules.stale.title")}</p>
          <p>{t("schedules.stale.detail")}</p>
          <button type="button" onClick={() => void onReload()}>
            {t("schedules.stale.reload")}
          </button>
        </div>
      )}

      <section className="card" aria-labelledby={`${base}-weekly`}>
        <h2 id={`${base}-weekly`}>{t("schedules.weekly.title")}</h2>
        <p className="hint">{t("schedules.weekly.intro")}</p>
        {errors.weekly && <p className="field-error">{errors.weekly}</p>}
        {DAYS.map((day) => {
          const ranges = form.weekly[day];
          return (
            <fieldset key={day} className="schedule-day">
              <legend>{dayName(day)}</legend>
              {ranges.length === 0 && <p className="muted">{t("schedules.closedDay")}</p>}
              {ranges.map((r, n) => (
                <RangeRow
                  key={r.key}
                  base={base}
                  range={r}
                  name={`${dayName(day)}, ${namer.range(n + 1)}`}
                  errors={rowErrors(errors, weeklyPath(form, day, n))}
                  onChange={(next) => setDay(day, ranges.map((x) => (x.key === r.key ? next : x)))}
                  onRemove={() => setDay(day, ranges.filter((x) => x.key !== r.key), true)}
                />
              ))}
              <button
                type="button"
                aria-label={t("schedules.addRangeOn", { what: dayName(day) })}
                onClick={() => {
                  const added = nextRange(ranges);
                  setDay(day, [...ranges, added], true);
                  focus(added.key, "start");
                }}
              >
                {t("schedules.addRange")}
              </button>
            </fieldset>
          );
        })}
      </section>

      <ListSection
        id={`${base}-closed`}
        title={t("schedules.closed.title")}
        intro={t("schedules.closed.intro")}
        error={errors.closedDates}
        rows={form.closedDates}
        empty={t("schedules.closed.none")}
        addLabel={t("schedules.closed.add")}
        onAdd={() => closedDates.add((key) => ({ key, date: "" }), "date")}
      >
        {(c, i) => {
          const name = namer.closedDate(i + 1);
          const id = inputId(base, c.key, "date");
          const problem = rowErrors(errors, `closedDates[${i}]`).date;
          return (
            <div className="schedule-row">
              <div className="field">
                <label htmlFor={id}>{name}</label>
                <input id={id} type="date" value={c.date} aria-invalid={problem ? true : undefined}
                  aria-describedby={problem ? `${id}-error` : undefined} onChange={(e) => closedDates.update(i, { ...c, date: e.target.value })} />
                {problem && <p id={`${id}-error`} className="field-error">{problem}</p>}
              </div>
              <RemoveButton what={name} onClick={() => closedDates.remove(i)} />
            </div>
          );
        }}
      </ListSection>

      <ListSection
        id={`${base}-dated`}
        title={t("schedules.dateHours.title")}
        intro={t("schedules.dateHours.intro")}
        error={errors.dateHours}
        rows={form.dateHours}
        empty={t("schedules.dateHours.none")}
        addLabel={t("schedules.dateHours.add")}
        onAdd={() => dateHours.add((key) => ({ key, date: "", hours: [nextRange([])] }), "date")}
      >
        {(entry, i) => {
          const name = namer.dateHours(i + 1);
          const id = inputId(base, entry.key, "date");
          const problems = rowErrors(errors, `dateHours[${i}]`);
          const described = [problems.date && `${id}-error`, problems.row && rowErrorId(base, entry.key)].filter(Boolean).join(" ") || undefined;
          return (
            <fieldset className="schedule-day">
              <legend>{name}</legend>
              <div className="field">
                <label htmlFor={id}>
                  {t("schedules.dateHours.date")}
                  {hidden(name)}
                </label>
                <input id={id} type="date" value={entry.date} aria-invalid={problems.date || problems.row ? true : undefined}
                  aria-describedby={described} onChange={(e) => dateHours.update(i, { ...entry, date: e.target.value })} />
                {problems.date && <p id={`${id}-error`} className="field-error">{problems.date}</p>}
                {problems.row && <p id={rowErrorId(base, entry.key)} className="field-error">{problems.row}</p>}
              </div>
              {entry.hours.map((r, j) => (
                <RangeRow
                  key={r.key}
                  base={base}
                  range={r}
                  name={`${name}, ${namer.range(j + 1)}`}
                  errors={rowErrors(errors, `dateHours[${i}].hours[${j}]`)}
                  onChange={(next) => dateHours.update(i, { ...entry, hours: entry.hours.map((x) => (x.key === r.key ? next : x)) })}
                  onRemove={() => dateHours.update(i, { ...entry, hours: entry.hours.filter((x) => x.key !== r.key) }, true)}
                />
              ))}
              <div className="schedule-actions">
                <button
                  type="button"
                  aria-label={t("schedules.addRangeOn", { what: name })}
                  onClick={() => {
                    const added = nextRange(entry.hours);
                    dateHours.update(i, { ...entry, hours: [...entry.hours, added] }, true);
                    focus(added.key, "start");
                  }}
                >
                  {t("schedules.addRange")}
                </button>
                <RemoveButton what={name} onClick={() => dateHours.remove(i)} />
              </div>
            </fieldset>
          );
        }}
      </ListSection>

      <ListSection
        id={`${base}-blocks`}
        title={t("schedules.blocks.title")}
        intro={t("schedules.blocks.intro")}
        error={errors.blocks}
        rows={form.blocks}
        empty={t("schedules.blocks.none")}
        addLabel={t("schedules.blocks.add")}
        onAdd={() => blocks.add((key) => ({ key, start: "", end: "" }), "start")}
      >
        {(b, i) => {
          const name = namer.block(i + 1);
          const problems = rowErrors(errors, `blocks[${i}]`);
          return (
            <fieldset className="schedule-day">
              <legend>{name}</legend>
              <div className="schedule-row">
                {(["start", "end"] as const).map((part) => {
                  const id = inputId(base, b.key, part);
                  const problem = problems[part];
                  return (
                    <div key={part} className="field">
                      <label htmlFor={id}>
                        {part === "start" ? t("schedules.start") : t("schedules.end")}
                        {hidden(name)}
                      </label>
                      <input id={id} type="datetime-local" value={b[part]} aria-invalid={problem ? true : undefined}
                        aria-describedby={problem ? `${id}-error` : undefined} onChange={(e) => blocks.update(i, { ...b, [part]: e.target.value })} />
                      {problem && <p id={`${id}-error`} className="field-error">{problem}</p>}
                    </div>
                  );
                })}
                <RemoveButton what={name} onClick={() => blocks.remove(i)} />
              </div>
            </fieldset>
          );
        }}
      </ListSection>

      {error !== null && !placed && <ErrorNotice error={error} />}
      <div className="card schedule-save">
        <p role="status" className={saved && !dirty ? "notice success" : dirty ? "notice" : "muted"}>
          {dirty
            ? t("schedules.dirty")
            : saved
              ? t("schedules.saved")
              : ""}
        </p>
        <div className="schedule-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t("schedules.saving") : t("schedules.save")}
          </button>
          {dirty && (
            <button type="button" onClick={() => setForm(toForm(published, zone), true)}>
              {t("schedules.discard")}
            </button>
          )}
        </div>
      </div>
    </form>
  );
}

type ListKey = "closedDates" | "dateHours" | "blocks";

/** A section of rows (closed dates, hours for dates, blocks): its rows, `empty` when there are none, and an add button. */
function ListSection<T extends { key: string }>({
  id,
  title,
  intro,
  error,
  rows,
  empty,
  addLabel,
  onAdd,
  children,
}: {
  id: string;
  title: string;
  intro: string;
  error: string | undefined;
  rows: T[];
  empty: string;
  addLabel: string;
  onAdd: () => void;
  children: (row: T, index: number) => ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <p className="hint">{intro}</p>
      {error && <p className="field-error">{error}</p>}
      {rows.length === 0 && <p className="muted">{empty}</p>}
      {rows.map((row, i) => (
        <Fragment key={row.key}>{children(row, i)}</Fragment>
      ))}
      <button type="button" onClick={onAdd}>
        {addLabel}
      </button>
    </section>
  );
}

function RemoveButton({ what, onClick }: { what: string; onClick: () => void }) {
  const { t } = useI18n();
  return (
    <button type="button" className="link-button" aria-label={t("schedules.removeWhat", { what })} onClick={onClick}>
      {t("schedules.remove")}
    </button>
  );
}

/** One range of hours: two selects on the 20-minute grid, its errors beside them. */
function RangeRow({
  base,
  range,
  name,
  errors,
  onChange,
  onRemove,
}: {
  base: string;
  range: Range;
  name: string;
  errors: { start?: string | undefined; end?: string | undefined; row?: string | undefined };
  onChange: (next: Range) => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const rowError = rowErrorId(base, range.key);
  return (
    <div className="schedule-range">
      <div className="schedule-row">
        {(["start", "end"] as const).map((part) => {
          const id = inputId(base, range.key, part);
          const problem = errors[part];
          const options = gridTimes(part);
          if (!options.includes(range[part])) options.unshift(range[part]);
          const described = [problem && `${id}-error`, errors.row && rowError].filter(Boolean).join(" ") || undefined;
          return (
            <div key={part} className="field">
              <label htmlFor={id}>
                {part === "start" ? t("schedules.start") : t("schedules.end")}
                {hidden(name)}
              </label>
              <select id={id} value={range[part]} aria-invalid={problem || errors.row ? true : undefined} aria-describedby={described}
                onChange={(e) => onChange({ ...range, [part]: e.target.value })}>
                {options.map((time) => (
                  <option key={time} value={time}>
                    {time}
                  </option>
                ))}
              </select>
              {problem && <p id={`${id}-error`} className="field-error">{problem}</p>}
            </div>
          );
        })}
        <RemoveButton what={name} onClick={onRemove} />
      </div>
      {errors.row && <p id={rowError} className="field-error">{errors.row}</p>}
    </div>
  );
}
