import { useId, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../../api/client";
import { ErrorNotice, Field, fieldErrors } from "../../../components/ui";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import type { MessageKey } from "../../../i18n/en";
import { navigate } from "../../../router";
import {
  ANNOUNCE_ROLES,
  AUDIENCE_KINDS,
  announceBody,
  emptyAnnounceForm,
  errorAt,
  type AnnounceForm as Form,
  type StaffRole,
} from "./announce";

const KNOWN_FIELDS = ["title", "body", "link", "audience", "publishAt", "expiresAt", "acknowledgeBy"];

/** "Announce": the text, who it is for, when; staff may be asked to acknowledge it by a date. */
export function AnnounceForm() {
  const { api, config } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const id = useId();
  const [form, setForm] = useState<Form>(emptyAnnounceForm);
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const zone = { zone: config.practiceTimeZone };
  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const checked = announceBody(form, config.practiceTimeZone);
    if ("errors" in checked) {
      setLocal(Object.fromEntries(Object.entries(checked.errors).map(([f, k]) => [f, t(`announce.error.${k}` as MessageKey)])));
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST("/support/announcements", { params: { header: { "Idempotency-Key": idempotencyKey } }, body: checked.body }),
      );
      await queryClient.invalidateQueries({ queryKey: ["support", "announcements"] });
      navigate(`/support/announcements/${encodeURIComponent(data.announcementId)}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const errors = { ...fieldErrors(error), ...local };
  const at = (field: string) => errorAt(errors, field);
  const unplaced = error !== null && !Object.keys(fieldErrors(error)).some((f) => KNOWN_FIELDS.some((k) => f === k || f.startsWith(`${k}.`) || f.startsWith(`${k}[`)));
  const toggleRole = (role: StaffRole, on: boolean) => set({ roles: on ? [...form.roles, role] : form.roles.filter((r) => r !== role) });
  const audienceError = at("audience") && !at("audience.cohort") && !at("audience.roles") && !at("audience.emails") ? at("audience") : undefined;

  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("announce.new")}</h2>
      <p className="muted">{t("announce.newIntro")}</p>
      <form onSubmit={submit} className="form" noValidate aria-labelledby={`${id}-h`}>
        <Field label={t("announce.field.title")} hint={t("announce.field.titleHint")} value={form.title}
          onChange={(e) => set({ title: e.target.value })} error={at("title")} />
        <Field label={t("announce.field.body")} hint={t("announce.field.bodyHint")} multiline value={form.body}
          onChange={(e) => set({ body: e.target.value })} error={at("body")} />
        <Field label={t("announce.field.link")} hint={t("announce.field.linkHint")} type="url" inputMode="url" value={form.link}
          onChange={(e) => set({ link: e.target.value })} error={at("link")} />
        <fieldset aria-describedby={audienceError ? `${id}-audience-error` : undefined}>
          <legend>{t("announce.field.audience")}</legend>
          {AUDIENCE_KINDS.map((kind) => (
            <div key={kind} className="field radio">
              <input id={`${id}-kind-${kind}`} type="radio" name={`${id}-kind`} checked={form.kind === kind} onChange={() => set({ kind })} />
              <label htmlFor={`${id}-kind-${kind}`}>{t(`announce.kind.${kind}` as MessageKey)}</label>
            </div>
          ))}
          {audienceError && (
            <p id={`${id}-audience-error`} className="field-error">
              {audienceError}
            </p>
          )}
        </fieldset>
        {form.kind === "cohort" && (
          <Field label={t("announce.field.cohort")} value={form.cohort} autoCapitalize="none" spellCheck={false}
            onChange={(e) => set({ cohort: e.target.value })} error={at("audience.cohort")} />
        )}
        {form.kind === "staff" && (
          <fieldset aria-describedby={at("audience.roles") ? `${id}-roles-error` : undefined}>
            <legend>{t("announce.field.roles")}</legend>
            {ANNOUNCE_ROLES.map((role) => (
              <div key={role} className="field checkbox">
                <input id={`${id}-role-${role}`} type="checkbox" checked={form.roles.includes(role)} onChange={(e) => toggleRole(role, e.target.checked)} />
                <label htmlFor={`${id}-role-${role}`}>{t(`role.${role}` as MessageKey)}</label>
              </div>
            ))}
            {at("audience.roles") && (
              <p id={`${id}-roles-error`} className="field-error">
                {at("audience.roles")}
              </p>
            )}
          </fieldset>
        )}
        {form.kind === "practices" && (
          <Field label={t("announce.field.emails")} hint={t("announce.field.emailsHint")} multiline value={form.emails}
            autoCapitalize="none" spellCheck={false} onChange={(e) => set({ emails: e.target.value })} error={at("audience.emails")} />
        )}
        <Field label={t("announce.field.publishAt")} hint={t("announce.field.publishAtHint", zone)} type="datetime-local" value={form.publishAt}
          onChange={(e) => set({ publishAt: e.target.value })} error={at("publishAt")} />
        <Field label={t("announce.field.expiresAt")} hint={t("announce.field.expiresAtHint", zone)} type="datetime-local" value={form.expiresAt}
          onChange={(e) => set({ expiresAt: e.target.value })} error={at("expiresAt")} />
        {form.kind === "staff" && (
          <Field label={t("announce.field.acknowledgeBy")} hint={t("announce.field.acknowledgeByHint", zone)} type="datetime-local"
            value={form.acknowledgeBy} onChange={(e) => set({ acknowledgeBy: e.target.value })} error={at("acknowledgeBy")} />
        )}
        {unplaced && <ErrorNotice error={error} />}
        <button type="submit" className="primary" disabled={busy}>
          {t("announce.submit")}
        </button>
      </form>
    </section>
  );
}
