import type { Schemas } from "../api/client";
import { Loaded, NotFound, Page, SourceLabel, isNotFound } from "../components/ui";
import { allows, useAppointments, useConversations, useScopes, useSummary } from "../hooks";
import { usePatientFeatures } from "../features";
import { useI18n } from "../i18n";
import { Link } from "../router";
import { FeedbackPrompt } from "../components/FeedbackPrompt";
import { FirstSignInTour } from "../components/Tour";

type Rec = Schemas["Record"];

export function recordSources(record: Rec): string[] {
  const names = record.sources.map((s) => s.name);
  return names.length ? names : [record.source.name];
}

export function valueText(record: Rec, number: (n: number) => string): string | null {
  const v = record.value;
  if (!v) return null;
  if (v.components?.length) {
    return v.components.map((c) => (c.value !== undefined ? `${number(c.value)}` : (c.text ?? ""))).join("/") +
      (v.components[0]?.unit ? ` ${v.components[0].unit}` : "");
  }
  if (v.value !== undefined) return `${number(v.value)}${v.unit ? ` ${v.unit}` : ""}`;
  return v.text ?? null;
}

export function RecordList({ items, patientId }: { items: Rec[]; patientId: string }) {
  const { t, date, number } = useI18n();
  if (!items.length) return <p className="muted">{t("app.none")}</p>;
  return (
    <ul className="records">
      {items.map((r) => {
        const value = valueText(r, number);
        const loinc = r.code?.system === "http://loinc.org" ? r.code.code : undefined;
        return (
          <li key={r.recordId} className="record">
            <div className="record-main">
              <Link className="record-title" to={`/p/${patientId}/records/item/${encodeURIComponent(r.recordId)}`}>
                {r.title}
              </Link>
              {value && <span className="record-value">{value}</span>}
            </div>
            <div className="record-meta">
              {r.date && <span>{date(r.date)}</span>}
              {r.status && <span>{r.status}</span>}
              <SourceLabel names={recordSources(r)} />
              {loinc && (r.category === "labs" || r.category === "vitals") && (
                <Link to={`/p/${patientId}/records/series/${encodeURIComponent(loinc)}`}>
                  {t("records.showChart")}
                  <span className="visually-hidden">: {r.title}</span>
                </Link>
              )}
            </div>
            {r.explanation && <p className="explanation">{r.explanation}</p>}
          </li>
        );
      })}
    </ul>
  );
}

export default function Home({ patientId }: { patientId: string }) {
  const { t, dateTime } = useI18n();
  const { scopes, pending } = useScopes(patientId);
  const records = allows(scopes, "records");
  const features = usePatientFeatures(patientId);
  const messages = allows(scopes, "messages") && features.on("messaging");
  const appointments = allows(scopes, "appointments");
  const summary = useSummary(patientId, !pending && records);
  const conversations = useConversations(patientId, !pending && !features.pending && messages);
  const upcoming = useAppointments(patientId, !pending && appointments);

  const firstError = [summary, conversations, upcoming].find((q) => q.error)?.error;
  if (isNotFound(firstError) || (!pending && scopes !== null && scopes.length === 0)) return <NotFound />;

  return (
    <Page title={t("home.title")}>
      <FirstSignInTour />
      <FeedbackPrompt patientId={patientId} />
      <div className="grid">
        {records && (
          <Loaded query={summary}>
            {(s) => (
              <>
                <section className="card" aria-labelledby="h-problems">
                  <h2 id="h-problems">{t("home.activeProblems")}</h2>
                  <RecordList items={s.activeProblems} patientId={patientId} />
                </section>
                <section className="card" aria-labelledby="h-meds">
                  <h2 id="h-meds">{t("home.medications")}</h2>
                  <RecordList items={s.currentMedications} patientId={patientId} />
                </section>
                <section className="card" aria-labelledby="h-allergies">
                  <h2 id="h-allergies">{t("home.allergies")}</h2>
                  <RecordList items={s.allergies} patientId={patientId} />
                </section>
                <section className="card" aria-labelledby="h-vitals">
                  <h2 id="h-vitals">{t("home.latestVitals")}</h2>
                  <RecordList items={s.latestVitals} patientId={patientId} />
                </section>
                <section className="card" aria-labelledby="h-results">
                  <h2 id="h-results">{t("home.recentResults")}</h2>
                  <RecordList items={s.recentResults} patientId={patientId} />
                </section>
              </>
            )}
          </Loaded>
        )}
        {appointments && (
          <section className="card" aria-labelledby="h-visits">
            <h2 id="h-visits">{t("home.upcomingVisits")}</h2>
            <Loaded query={upcoming}>
              {(page) =>
                page.items.length ? (
                  <ul className="plain">
                    {page.items.slice(0, 3).map((a) => (
                      <li key={a.appointmentId}>
                        <Link to={`/p/${patientId}/appointments`}>{dateTime(a.start)}</Link>{" "}
                        {t("appointments.with", { name: a.providerName })}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="muted">{t("app.none")}</p>
                )
              }
            </Loaded>
          </section>
        )}
        {messages && (
          <section className="card" aria-labelledby="h-unread">
            <h2 id="h-unread">{t("home.unreadMessages")}</h2>
            <Loaded query={conversations}>
              {(page) => (
                <p>
                  <Link to={`/p/${patientId}/messages`}>{t("home.unreadCount", { count: page.totalUnread })}</Link>
                </p>
              )}
            </Loaded>
          </section>
        )}
      </div>
    </Page>
  );
}
