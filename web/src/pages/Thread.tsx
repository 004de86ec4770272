import { lazy, Suspense, useEffect, useState, useSyncExternalStore, type FormEvent } from "react";
import { getSession, subscribe } from "../auth/session";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../api/client";
import { ErrorNotice, Field, Loaded, NotFound, Page, fieldErrors, isNotFound } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { Link } from "../router";
import { AboutLink } from "./messages/AboutLink";

function authorName(author: Schemas["Author"], you: string): string {
  if (author.kind === "patient") return author.name ?? you;
  return [author.name, author.role].filter(Boolean).join(", ") || author.kind;
}

// Assigning to a colleague is staff work: its code loads only on the staff thread.
const AssignColleague = lazy(() => import("./staff/AssignColleague"));

const MESSAGE_CATEGORIES: Schemas["MessageCategory"][] = ["medical-question", "appointment", "prescription", "billing", "portal-help"];

export default function Thread({ patientId, conversationId, staff = false }: { patientId: string; conversationId: string; staff?: boolean }) {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const me = useSyncExternalStore(subscribe, getSession)?.claims.sub;
  const key = ["thread", patientId, conversationId];
  const thread = useQuery({
    queryKey: key,
    queryFn: async () => {
      const { data, response } = await unwrap(
        api.GET("/patients/{patientId}/conversations/{conversationId}/messages", {
          params: { path: { patientId, conversationId }, query: { limit: 100 } },
        }),
      );
      return { ...data, etag: response.headers.get("ETag") ?? "" };
    },
  });
  const [moveTo, setMoveTo] = useState<Schemas["MessageCategory"] | "">("");
  const setStatus = (status: "closed" | "waiting-on-patient") => update({ status });
  const update = async (body: Schemas["ConversationPatch"]) => {
    setError(null);
    try {
      await unwrap(
        api.PATCH("/patients/{patientId}/conversations/{conversationId}", {
          params: { path: { patientId, conversationId }, header: { "If-Match": thread.data?.etag ?? "" } },
          body,
        }),
      );
      await Promise.all([queryClient.invalidateQueries({ queryKey: key }), queryClient.invalidateQueries({ queryKey: ["inbox"] })]);
    } catch (e) {
      setError(e);
    }
  };
  const unread = thread.data?.conversation.patientUnread ?? 0;
  useEffect(() => {
    // The patient (or their caregiver) has now seen the answers: mark them read.
    if (staff || unread === 0) return;
    void unwrap(api.POST("/patients/{patientId}/conversations/{conversationId}/read", { params: { path: { patientId, conversationId } } }))
      .then(() => queryClient.invalidateQueries({ queryKey: ["conversations", patientId] }))
      .catch(() => undefined);
  }, [api, patientId, conversationId, staff, unread, queryClient]);

  const [reply, setReply] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSent(false);
    try {
      await unwrap(
        api.POST("/patients/{patientId}/conversations/{conversationId}/messages", {
          params: { path: { patientId, conversationId } },
          body: { message: reply },
        }),
      );
      setReply("");
      setSent(true);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: key }),
        queryClient.invalidateQueries({ queryKey: ["conversations", patientId] }),
        queryClient.invalidateQueries({ queryKey: ["inbox"] }),
      ]);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (isNotFound(thread.error)) return <NotFound />;
  const errors = fieldErrors(error);
  const back = staff ? "/staff/inbox" : `/p/${patientId}/messages`;
  return (
    <Page title={thread.data?.conversation.subject ?? t("messages.title")}>
      <p className="actions">
        <Link to={back}>{t("app.back")}</Link>
        {staff && <Link to={`/staff/patients/${patientId}`}>{t("staffPatient.open")}</Link>}
      </p>
      <Loaded query={thread}>
        {(data) => (
          <>
            <p className="record-meta">
              <span>{t(`messages.cat.${data.conversation.category}` as MessageKey)}</span>
              <span>{t(`messages.status.${data.conversation.status}` as MessageKey)}</span>
              {staff && data.conversation.assignee && (
                <span>{t("staff.assignee", { name: data.conversation.assignee.name ?? data.conversation.assignee.sub })}</span>
              )}
            </p>
            {data.conversation.about && <AboutLink patientId={patientId} about={data.conversation.about} />}
            <ol className="thread">
              {data.items.map((m) => (
                <li key={m.seq} className={m.author.kind === "staff" ? "message staff" : "message"}>
                  <p className="message-head">
                    <strong>{authorName(m.author, t("messages.you"))}</strong> <span className="muted">{dateTime(m.sentAt)}</span>
                  </p>
                  <p className="message-text">{m.text}</p>
                </li>
              ))}
            </ol>
          </>
        )}
      </Loaded>
      <form onSubmit={send} className="card form" noValidate>
        <Field label={t("messages.reply")} multiline required value={reply} onChange={(e) => setReply(e.target.value)} error={errors.message} />
        {error !== null && Object.keys(errors).length === 0 && <ErrorNotice error={error} />}
        {sent && (
          <p role="status" className="visually-hidden">
            {t("profile.saved")}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !reply.trim()}>
          {t("messages.sendReply")}
        </button>
      </form>
      {staff && thread.data && thread.data.conversation.status !== "closed" && (
        <div className="actions">
          <button type="button" onClick={() => void setStatus("waiting-on-patient")}>
            {t("staff.waitOnPatient")}
          </button>
          <button type="button" onClick={() => void setStatus("closed")}>
            {t("staff.close")}
          </button>
          {me && thread.data.conversation.assignee?.sub !== me && (
            <button type="button" onClick={() => void update({ assignee: me })}>
              {t("staff.assignToMe")}
            </button>
          )}
          <div className="field inline">
            <label htmlFor="move-to">{t("staff.moveTo")}</label>
            <select id="move-to" value={moveTo} onChange={(e) => setMoveTo(e.target.value as Schemas["MessageCategory"])}>
              <option value="" />
              {MESSAGE_CATEGORIES.filter((c) => c !== thread.data?.conversation.category).map((c) => (
                <option key={c} value={c}>
                  {t(`messages.cat.${c}` as MessageKey)}
                </option>
              ))}
            </select>
            <button type="button" disabled={!moveTo} onClick={() => moveTo && void update({ category: moveTo })}>
              {t("staff.move")}
            </button>
          </div>
        </div>
      )}
      {staff && thread.data && thread.data.conversation.status !== "closed" && (
        <Suspense fallback={null}>
          <AssignColleague
            patientId={patientId}
            conversationId={conversationId}
            category={thread.data.conversation.category}
            etag={thread.data.etag}
            assignee={thread.data.conversation.assignee?.sub}
            me={me}
            onChanged={() => Promise.all([queryClient.invalidateQueries({ queryKey: key }), queryClient.invalidateQueries({ queryKey: ["inbox"] })])}
          />
        </Suspense>
      )}
    </Page>
  );
}
