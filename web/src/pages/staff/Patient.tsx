import { lazy, Suspense, useState, useSyncExternalStore } from "react";
import { useQuery } from "@tanstack/react-query";
import { ApiError, unwrap, type Schemas } from "../../api/client";
import { getSession, subscribe } from "../../auth/session";
import { ActivationCodeIssuer } from "../../components/ActivationCodeIssuer";
import { ErrorNotice, NotFound, Page } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link } from "../../router";

// The history is for the front desk and the response team only: its code loads with the section.
const PatientNotifications = lazy(() => import("./PatientNotifications"));
// Sharing a health topic is the clinicians' (issue 19): its code loads with the section too.
const ShareTopic = lazy(() => import("../library/ShareTopic"));
// Registering a minor's parent or legal guardian is the front desk's: its code loads with the section.
const Guardians = lazy(() => import("./Guardians"));
// Locking the account and resetting its authenticator (issue 21): the front desk's; admins read the lock.
const AccountAccess = lazy(() => import("./AccountAccess"));

/** The staff view of one patient: who they are, their portal account's code, their notifications. */
export default function StaffPatient({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t, date } = useI18n();
  const groups = useSyncExternalStore(subscribe, getSession)?.claims.groups ?? [];
  const frontDesk = groups.includes("front-desk");
  const seesNotifications = frontDesk || groups.includes("response-team") || groups.includes("admins");
  const readsProfile = frontDesk || groups.includes("clinicians") || groups.includes("response-team");
  const profile = useQuery({
    queryKey: ["profile", patientId],
    enabled: readsProfile,
    queryFn: async () => {
      const { data, response } = await unwrap(api.GET("/patients/{patientId}/profile", { params: { path: { patientId } } }));
      return { data, etag: response.headers.get("ETag") ?? "" };
    },
  });
  const [contacts, setContacts] = useState<Schemas["NotificationContacts"] | undefined>(undefined);
  if (profile.error instanceof ApiError && profile.error.status === 404) return <NotFound />;
  const p = profile.data?.data;
  const title = p ? `${p.legalName.given} ${p.legalName.family}` : t("staffPatient.title");
  return (
    <Page title={title}>
      {readsProfile &&
        (profile.isPending ? (
          <p role="status" className="muted">
            {t("app.loading")}
          </p>
        ) : p ? (
          <dl className="card facts">
            <dt>{t("profile.dateOfBirth")}</dt>
            <dd>{date(p.dateOfBirth)}</dd>
            <dt>{t("profile.email")}</dt>
            <dd>{p.contact.email ?? "—"}</dd>
            <dt>{t("profile.phone")}</dt>
            <dd>{p.contact.phone ?? "—"}</dd>
          </dl>
        ) : (
          <ErrorNotice error={profile.error} retry={() => void profile.refetch()} />
        ))}
      {frontDesk && p && (
        <section className="card" aria-labelledby="h-activation">
          <h2 id="h-activation">{t("staffPatient.activation")}</h2>
          <ActivationCodeIssuer patientId={patientId} contact={p.contact} contacts={contacts} />
        </section>
      )}
      {(frontDesk || groups.includes("clinicians")) && (
        <RecordLinks patientId={patientId} readsRecord={groups.includes("clinicians")} />
      )}
      {(frontDesk || groups.includes("admins")) && (
        <Suspense
          fallback={
            <p role="status" className="muted">
              {t("app.loading")}
            </p>
          }
        >
          <AccountAccess patientId={patientId} name={title} manage={frontDesk} />
        </Suspense>
      )}
      {frontDesk && p && (
        <Suspense
          fallback={
            <p role="status" className="muted">
              {t("app.loading")}
            </p>
          }
        >
          <Guardians patientId={patientId} dateOfBirth={p.dateOfBirth} />
        </Suspense>
      )}
      {groups.includes("clinicians") && (
        <Suspense
          fallback={
            <p role="status" className="muted">
              {t("app.loading")}
            </p>
          }
        >
          <ShareTopic patientId={patientId} />
        </Suspense>
      )}
      {seesNotifications && (
        <Suspense
          fallback={
            <p role="status" className="muted">
              {t("app.loading")}
            </p>
          }
        >
          <PatientNotifications patientId={patientId} onContacts={setContacts} />
        </Suspense>
      )}
    </Page>
  );
}

/**
 * The patient's health record from their staff page: clinicians read it; the front desk, who may
 * bring a file in but not read the record, sees what came of each import.
 */
function RecordLinks({ patientId, readsRecord }: { patientId: string; readsRecord: boolean }) {
  const { t } = useI18n();
  const base = `/p/${encodeURIComponent(patientId)}/records`;
  return (
    <section className="card" aria-labelledby="h-record-links">
      <h2 id="h-record-links">{t("imports.staffSection")}</h2>
      <ul className="plain">
        {readsRecord && (
          <li>
            <Link to={base}>{t("imports.openRecord")}</Link>
          </li>
        )}
        <li>
          <Link to={`${base}/imports`}>{t("imports.link")}</Link>
          <p className="hint">{t("imports.staffHint")}</p>
        </li>
      </ul>
    </section>
  );
}
