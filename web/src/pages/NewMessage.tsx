import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../api/client";
import { ErrorNotice, Field, Page, fieldErrors } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { Link, navigate, useLocation } from "../router";
import { AboutLink } from "./messages/AboutLink";
import { categoryFor, parseAbout } from "./messages/about";

// Help with the portal itself is a problem report now (the quick-response team follows it up and
// says when it is fixed); `portal-help` conversations from before stay readable and answerable.
const CATEGORIES: Schemas["MessageCategory"][] = ["medical-question", "appointment", "prescription", "billing"];

export default function NewMessage({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  // Opened from a record or an appointment: the conversation is about it (`?about=kind:id`).
  const about = parseAbout(useLocation().search.get("about"));
  const [category, setCategory] = useState<Schemas["MessageCategory"]>(categoryFor(about));
  const [subject, setSubject] = useState("");
  const [message, setMessage] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // One key per message written: a retry after a lost answer is not sent twice.
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { data } = await unwrap(
        api.POST("/patients/{patientId}/conversations", {
          params: { path: { patientId }, header: { "Idempotency-Key": idempotencyKey } },
          body: { category, subject, message, ...(about ? { about } : {}) },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ["conversations", patientId] });
      navigate(`/p/${patientId}/messages/${data.conversation.conversationId}`, { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  return (
    <Page title={t("messages.new")}>
      <p>
        {t("messages.portalHelpMoved")} <Link to={`/p/${patientId}/reports`}>{t("messages.portalHelpLink")}</Link>
      </p>
      <form onSubmit={submit} className="card form" noValidate>
        {about && <AboutLink patientId={patientId} about={about} />}
        <div className="field">
          <label htmlFor="category">{t("messages.category")}</label>
          <select id="category" value={category} onChange={(e) => setCategory(e.target.value as Schemas["MessageCategory"])}>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`messages.cat.${c}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <Field label={t("messages.subject")} required value={subject} onChange={(e) => setSubject(e.target.value)} error={errors.subject} />
        <Field label={t("messages.message")} multiline required value={message} onChange={(e) => setMessage(e.target.value)}
          error={errors.message} />
        {error !== null && Object.keys(errors).length === 0 && <ErrorNotice error={error} />}
        <button type="submit" className="primary" disabled={busy}>
          {t("messages.send")}
        </button>
      </form>
    </Page>
  );
}
