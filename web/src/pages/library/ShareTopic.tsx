import { useMemo, useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { ErrorNotice, Field, LoadedList, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { libraryKeys, useLibrary } from "./api";
import { titleIn } from "./topic";
import "../training/training.css";

// "Share a health topic" on the staff patient page (clinicians): choose an active topic of the
// library, add a note, and the patient finds it first in their education page (and is told by
// their notification choices); what is shared is listed, and can be taken back.

export default function ShareTopic({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  return (
    <section className="card share-topic" aria-labelledby="h-share-topic">
      <h2 id="h-share-topic">{t("assignTopic.title")}</h2>
      <p className="hint">{t("assignTopic.intro")}</p>
      <AssignForm patientId={patientId} />
      <Assigned patientId={patientId} />
    </section>
  );
}

function AssignForm({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const library = useLibrary();
  const [find, setFind] = useState("");
  const [topicId, setTopicId] = useState("");
  const [note, setNote] = useState("");
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const active = useMemo(
    () =>
      (library.data ?? [])
        .filter((x) => x.status === "active")
        .map((x) => ({ topicId: x.topicId, title: titleIn(x, locale), other: x.content.es?.title ?? "", codes: x.codes.map((c) => c.code) }))
        .sort((a, b) => a.title.localeCompare(b.title, locale)),
    [library.data, locale],
  );
  const needle = find.trim().toLowerCase();
  const options = needle
    ? active.filter((x) => [x.title, x.other, x.topicId, ...x.codes].some((h) => h.toLowerCase().includes(needle)))
    : active;
  // The chosen topic stays chosen while the search narrows the list.
  const chosen = active.find((x) => x.topicId === topicId);
  const shown = chosen && !options.includes(chosen) ? [chosen, ...options] : options;

  const assign = async (event: FormEvent) => {
    event.preventDefault();
    setSaid(null);
    if (!topicId) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    setError(null);
    try {
      const { response } = await unwrap(
        api.POST("/staff/patients/{patientId}/education", {
          params: { path: { patientId }, header: { "Idempotency-Key": key } },
          body: { topicId, ...(note.trim() ? { note: note.trim() } : {}) },
        }),
      );
      setSaid(t(response.status === 201 ? "assignTopic.shared" : "assignTopic.updated", { title: chosen?.title ?? topicId }));
      setNote("");
      setTopicId("");
      setFind("");
      setKey(crypto.randomUUID());
      await queryClient.invalidateQueries({ queryKey: libraryKeys.assigned(patientId) });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  const topicError = missing ? t("assignTopic.chooseTopic") : errors.topicId;
  return (
    <form className="form" noValidate onSubmit={assign} aria-labelledby="h-share-form">
      <h3 id="h-share-form">{t("assignTopic.formTitle")}</h3>
      {library.error ? <ErrorNotice error={library.error} retry={() => void library.refetch()} /> : null}
      <Field label={t("assignTopic.find")} hint={t("assignTopic.findHint")} type="search" value={find} autoComplete="off" onChange={(e) => setFind(e.target.value)} />
      <div className="field">
        <label htmlFor="share-topic">{t("assignTopic.topic")}</label>
        <select id="share-topic" value={topicId} onChange={(e) => setTopicId(e.target.value)} disabled={library.isPending}
          aria-invalid={topicError ? true : undefined} aria-describedby={topicError ? "share-topic-error" : "share-topic-count"}>
          <option value="">{library.isPending ? t("app.loading") : t("assignTopic.choose")}</option>
          {shown.map((x) => (
            <option key={x.topicId} value={x.topicId}>
              {x.title}
            </option>
          ))}
        </select>
        <p id="share-topic-count" className="hint" aria-live="polite">
          {t("assignTopic.matching", { count: options.length })}
        </p>
        {topicError && (
          <p id="share-topic-error" className="field-error">
            {topicError}
          </p>
        )}
      </div>
      <Field label={t("assignTopic.note")} hint={t("assignTopic.noteHint")} multiline maxLength={1000} value={note}
        onChange={(e) => setNote(e.target.value)} error={errors.note} />
      {error !== null && Object.keys(errors).length === 0 && <ErrorNotice error={error} />}
      {said && (
        <p role="status" className="notice success">
          {said}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t("assignTopic.assign")}
        </button>
      </div>
    </form>
  );
}

/** What the practice has shared with this patient (the `assigned` reasons of their topics). */
function Assigned({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const topics = useQuery({
    queryKey: libraryKeys.assigned(patientId),
    staleTime: 0,
    queryFn: async () => (await unwrap(api.GET("/patients/{patientId}/education", { params: { path: { patientId } } }))).data.items,
  });
  const [error, setError] = useState<unknown>(null);
  const [said, setSaid] = useState<string | null>(null);
  const unassign = async (topicId: string, title: string) => {
    setError(null);
    setSaid(null);
    try {
      await unwrap(api.DELETE("/staff/patients/{patientId}/education/{topicId}", { params: { path: { patientId, topicId } } }));
      setSaid(t("assignTopic.removed", { title }));
      await queryClient.invalidateQueries({ queryKey: libraryKeys.assigned(patientId) });
    } catch (e) {
      setError(e);
    }
  };
  const assigned = (topics.data ?? []).flatMap((item) => {
    const reason = item.reasons.find((r) => r.kind === "assigned");
    return reason ? [{ item, reason }] : [];
  });
  return (
    <div className="assigned-topics">
      <h3 id="h-shared">{t("assignTopic.sharedList")}</h3>
      {said && (
        <p role="status" className="notice success">
          {said}
        </p>
      )}
      {error !== null && <ErrorNotice error={error} />}
      <LoadedList query={topics} items={assigned} empty={t("assignTopic.noneShared")}>
        {(rows) => (
          <ul className="plain" aria-labelledby="h-shared">
            {rows.map(({ item, reason }) => (
              <li key={item.topicId} className="record">
                <p className="record-title">{item.title}</p>
                {"note" in reason && reason.note && <p>{reason.note}</p>}
                <p className="muted">
                  {"assignedBy" in reason && reason.assignedBy && reason.assignedAt
                    ? t("assignTopic.by", { name: reason.assignedBy.name, date: dateTime(reason.assignedAt) })
                    : null}
                </p>
                <button type="button" onClick={() => void unassign(item.topicId, item.title)}>
                  {t("assignTopic.unassign")}
                  <span className="visually-hidden"> {item.title}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </LoadedList>
    </div>
  );
}
