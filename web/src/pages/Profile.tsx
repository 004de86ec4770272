import { useEffect, useRef, useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../api/client";
import { ErrorNotice, Field, Loaded, NotFound, Page, fieldErrors, isNotFound } from "../components/ui";
import { useApp } from "../context";
import { Link } from "../router";
import { useI18n } from "../i18n";
import { usePatientFeatures } from "../features";

export default function Profile({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t, date } = useI18n();
  const queryClient = useQueryClient();
  const features = usePatientFeatures(patientId);
  const profile = useQuery({
    queryKey: ["profile", patientId],
    queryFn: async () => {
      const { data, response } = await unwrap(api.GET("/patients/{patientId}/profile", { params: { path: { patientId } } }));
      return { data, etag: response.headers.get("ETag") ?? "" };
    },
  });
  const [given, setGiven] = useState("");
  const [family, setFamily] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setDone(false);
    try {
      await unwrap(
        api.PATCH("/patients/{patientId}/profile", {
          params: { path: { patientId }, header: { "If-Match": profile.data?.etag ?? "" } },
          body: { legalName: { given, family } },
        }),
      );
      setDone(true);
      await queryClient.invalidateQueries({ queryKey: ["profile", patientId] });
    } catch (e) {
      setError(e);
    }
  };
  if (isNotFound(profile.error)) return <NotFound />;
  const errors = fieldErrors(error);
  return (
    <Page title={t("profile.title")}>
      <Loaded query={profile}>
        {({ data: p }) => (
          <>
            <dl className="card facts">
              <dt>{t("profile.legalName")}</dt>
              <dd>
                {p.legalName.given} {p.legalName.family}
              </dd>
              {p.preferredName && (
                <>
                  <dt>{t("profile.preferredName")}</dt>
                  <dd>{p.preferredName}</dd>
                </>
              )}
              <dt>{t("profile.dateOfBirth")}</dt>
              <dd>{date(p.dateOfBirth)}</dd>
              <dt>{t("profile.contact")}</dt>
              <dd>{[p.contact.email, p.contact.phone].filter(Boolean).join(", ")}</dd>
            </dl>
            {p.changeRequests.filter((c) => c.status === "pending").length > 0 && (
              <section className="card" aria-labelledby="h-pending">
                <h2 id="h-pending">{t("profile.pending")}</h2>
                <ul className="plain">
                  {p.changeRequests
                    .filter((c) => c.status === "pending")
                    .map((c) => (
                      <li key={c.changeId}>
                        {c.requested.legalName && `${c.requested.legalName.given} ${c.requested.legalName.family}`}
                        {c.requested.dateOfBirth && ` ${date(c.requested.dateOfBirth)}`} <span className="muted">({date(c.requestedAt)})</span>
                      </li>
                    ))}
                </ul>
              </section>
            )}
          </>
        )}
      </Loaded>
      <nav aria-labelledby="h-more" className="card">
        <h2 id="h-more">{t("profile.more")}</h2>
        <ul className="plain links">
          <li>
            <Link to={`/p/${patientId}/notifications`}>{t("notifications.title")}</Link>
          </li>
          {patientId === "me" && (
            <>
              {features.on("care-circle") && (
                <li>
                  <Link to={`/p/${patientId}/care-circle`}>{t("careCircle.title")}</Link>
                </li>
              )}
              <li>
                <Link to={`/p/${patientId}/access-log`}>{t("accessLog.title")}</Link>
              </li>
            </>
          )}
        </ul>
      </nav>
      {profile.data && (
        <ContactForm
          patientId={patientId}
          contact={profile.data.data.contact}
          etag={profile.data.etag}
          onSaved={() =>
            Promise.all([
              queryClient.invalidateQueries({ queryKey: ["profile", patientId] }),
              queryClient.invalidateQueries({ queryKey: ["notification-preferences", patientId] }),
            ])
          }
        />
      )}
      <form onSubmit={submit} className="card form" noValidate aria-labelledby="h-name-change">
        <h2 id="h-name-change">{t("profile.requestNameChange")}</h2>
        <Field label={t("profile.given")} value={given} autoComplete="given-name" onChange={(e) => setGiven(e.target.value)}
          error={errors["legalName.given"]} />
        <Field label={t("profile.family")} value={family} autoComplete="family-name" onChange={(e) => setFamily(e.target.value)}
          error={errors["legalName.family"]} />
        {error !== null && !errors["legalName.given"] && !errors["legalName.family"] && (
          <ErrorNotice error={error} retry={() => void profile.refetch()} />
        )}
        {done && (
          <p role="status" className="notice success">
            {t("profile.changeRequested")}
          </p>
        )}
        <button type="submit" className="primary" disabled={!profile.data}>
          {t("profile.save")}
        </button>
      </form>
    </Page>
  );
}

/** Email and mobile number, changed at once (the notifications page links here when one bounces). */
function ContactForm({
  patientId,
  contact,
  etag,
  onSaved,
}: {
  patientId: string;
  contact: Schemas["Contact"];
  etag: string;
  onSaved: () => Promise<unknown>;
}) {
  const { api } = useApp();
  const { t } = useI18n();
  const [email, setEmail] = useState(contact.email ?? "");
  const [phone, setPhone] = useState(contact.phone ?? "");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Arriving from "update the contact details": bring the form into view and focus.
    if (location.hash === "#contact") {
      heading.current?.scrollIntoView?.();
      heading.current?.focus();
    }
  }, []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    const patch: Schemas["ContactPatch"] = {};
    if (email.trim() !== (contact.email ?? "")) patch.email = email.trim() || null;
    if (phone.trim() !== (contact.phone ?? "")) patch.phone = phone.trim() || null;
    try {
      if (Object.keys(patch).length) {
        await unwrap(
          api.PATCH("/patients/{patientId}/profile", {
            params: { path: { patientId }, header: { "If-Match": etag } },
            body: { contact: patch },
          }),
        );
        await onSaved();
      }
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  const emailError = errors["contact.email"];
  const phoneError = errors["contact.phone"];
  return (
    <form id="contact" onSubmit={submit} className="card form" noValidate aria-labelledby="h-contact">
      <h2 id="h-contact" ref={heading} tabIndex={-1}>
        {t("profile.contactTitle")}
      </h2>
      <Field label={t("profile.email")} type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)}
        error={emailError} />
      <Field label={t("profile.phone")} type="tel" autoComplete="tel" value={phone} hint={t("profile.phoneHint")}
        onChange={(e) => setPhone(e.target.value)} error={phoneError} />
      {error !== null && !emailError && !phoneError && <ErrorNotice error={error} />}
      {done && (
        <p role="status" className="notice success">
          {t("profile.contactSaved")}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t("profile.saveContact")}
      </button>
    </form>
  );
}
