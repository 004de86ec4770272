import { useEffect, useState, useSyncExternalStore, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../api/client";
import { getSession, isPatient, subscribe } from "../auth/session";
import { ErrorNotice, Loaded, NotFound, Page, fieldErrors, isNotFound } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import {
  CHOICES,
  KINDS,
  contactKey,
  formFromPreferences,
  kindError,
  preferencesChange,
  smsSelectable,
  timeOfDay,
  type Channels,
  type Kind,
} from "../notifications";
import { Link } from "../router";

export default function NotificationSettings({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const key = ["notification-preferences", patientId];
  const prefs = useQuery({
    queryKey: key,
    queryFn: async () =>
      (await unwrap(api.GET("/patients/{patientId}/notification-preferences", { params: { path: { patientId } } }))).data,
  });
  if (isNotFound(prefs.error)) return <NotFound />;
  return (
    <Page title={t("notifications.title")}>
      <p>{t("notifications.intro")}</p>
      <Loaded query={prefs}>
        {(p) => (
          <>
            <PreferencesForm
              patientId={patientId}
              prefs={p}
              onSaved={(saved) => queryClient.setQueryData(key, saved)}
            />
            {p.updatedAt && <p className="muted">{t("notifications.updatedAt", { date: dateTime(p.updatedAt) })}</p>}
          </>
        )}
      </Loaded>
    </Page>
  );
}

function PreferencesForm({
  patientId,
  prefs,
  onSaved,
}: {
  patientId: string;
  prefs: Schemas["NotificationPreferences"];
  onSaved: (saved: Schemas["NotificationPreferences"]) => void;
}) {
  const { api } = useApp();
  const { t, locale } = useI18n();
  const session = useSyncExternalStore(subscribe, getSession);
  const own = patientId === "me" || (session ? isPatient(session.claims) : false);
  const saved = formFromPreferences(prefs);
  const [form, setForm] = useState<Channels>(saved);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  // A fresh answer (after saving, or read again) resets the form to what is stored.
  const savedKey = JSON.stringify(saved);
  useEffect(() => setForm(JSON.parse(savedKey) as Channels), [savedKey]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      const { data } = await unwrap(
        api.PUT("/patients/{patientId}/notification-preferences", {
          params: { path: { patientId } },
          body: preferencesChange(saved, form),
        }),
      );
      onSaved(data);
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  const hasKindErrors = KINDS.some((k) => kindError(errors, k));
  const q = prefs.quietHours;
  return (
    <form onSubmit={submit} className="form notification-form" noValidate>
      {!own && <p className="notice">{t("notifications.caregiverNote")}</p>}
      {KINDS.map((kind) => (
        <KindChoice
          key={kind}
          kind={kind}
          value={form[kind]}
          error={kindError(errors, kind)}
          smsOk={smsSelectable(prefs.contacts.phone, form[kind])}
          onChange={(choice) => {
            setDone(false);
            setForm({ ...form, [kind]: choice });
          }}
        />
      ))}
      <section className="card" aria-labelledby="h-security">
        <h2 id="h-security">{t("notifications.securityTitle")}</h2>
        <p>{t("notifications.security")}</p>
      </section>
      <section className="card" aria-labelledby="h-quiet">
        <h2 id="h-quiet">{t("notifications.quietHoursTitle")}</h2>
        <p>
          {t("notifications.quietHours", {
            start: timeOfDay(q.start, locale),
            end: timeOfDay(q.end, locale),
            zone: q.timeZone.replace(/_/g, " "),
          })}
        </p>
      </section>
      <ContactsStatus contacts={prefs.contacts} patientId={patientId} own={own} />
      {error !== null && hasKindErrors && (
        <p role="alert" className="notice error">
          {t("notifications.fixErrors")}
        </p>
      )}
      {error !== null && !hasKindErrors && <ErrorNotice error={error} />}
      {done && (
        <p role="status" className="notice success">
          {t("notifications.saved")}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t("notifications.save")}
      </button>
    </form>
  );
}

function KindChoice({
  kind,
  value,
  error,
  smsOk,
  onChange,
}: {
  kind: Kind;
  value: Schemas["NotificationChannelChoice"];
  error: string | undefined;
  smsOk: boolean;
  onChange: (choice: Schemas["NotificationChannelChoice"]) => void;
}) {
  const { t } = useI18n();
  const errorId = `pref-${kind}-error`;
  const hintId = `pref-${kind}-hint`;
  const describedBy = [!smsOk ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <fieldset className="card choice" aria-describedby={describedBy}>
      <legend>{t(`notifications.kind.${kind}` as MessageKey)}</legend>
      <div className="choices">
        {CHOICES.map((choice) => {
          const id = `pref-${kind}-${choice}`;
          return (
            <div key={choice} className="field radio">
              <input
                id={id}
                type="radio"
                name={`pref-${kind}`}
                value={choice}
                checked={value === choice}
                disabled={choice === "sms" && !smsOk}
                onChange={() => onChange(choice)}
              />
              <label htmlFor={id}>{t(`notifications.channel.${choice}` as MessageKey)}</label>
            </div>
          );
        })}
      </div>
      {!smsOk && (
        <p id={hintId} className="hint">
          {t("notifications.smsNeedsPhone")}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** Whether the addresses on file can be reached, with the way to fix them. */
export function ContactsStatus({
  contacts,
  patientId,
  own,
}: {
  contacts: Schemas["NotificationContacts"];
  patientId: string;
  own: boolean;
}) {
  const { t, date } = useI18n();
  const trouble = contacts.email.status !== "ok" || contacts.phone.status !== "ok";
  // The patient fixes them in the profile; a caregiver's own address is the practice's to change.
  const canEdit = own;
  return (
    <section className="card" aria-labelledby="h-contacts">
      <h2 id="h-contacts">{t("notifications.contactsTitle")}</h2>
      <ul className="plain">
        {(["email", "phone"] as const).map((which) => {
          const c = contacts[which];
          return (
            <li key={which} className={c.status === "undeliverable" ? "contact-trouble" : undefined}>
              {t(contactKey(which, c), c.since ? { date: date(c.since) } : undefined)}
            </li>
          );
        })}
      </ul>
      {trouble &&
        (canEdit ? (
          <p>
            <Link to={`/p/${patientId}/profile#contact`}>{t("notifications.updateContact")}</Link>
          </p>
        ) : (
          <p className="muted">{t("notifications.askPractice")}</p>
        ))}
    </section>
  );
}
