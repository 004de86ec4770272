import { useQuery } from "@tanstack/react-query";
import { useMessagesAbout } from "./messages/AboutLink";
import { newMessageAbout } from "./messages/about";
import { unwrap } from "../api/client";
import { Loaded, NotFound, Page, isNotFound } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { Link } from "../router";
import { valueText } from "./Home";

export default function RecordDetail({ patientId, recordId }: { patientId: string; recordId: string }) {
  const { api } = useApp();
  const { t, date, number } = useI18n();
  const asks = useMessagesAbout(patientId);
  const record = useQuery({
    queryKey: ["record", patientId, recordId],
    queryFn: async () =>
      (await unwrap(api.GET("/patients/{patientId}/records/{recordId}", { params: { path: { patientId, recordId } } }))).data,
  });
  if (isNotFound(record.error)) return <NotFound />;
  return (
    <Page title={record.data?.title ?? t("records.title")}>
      <p>
        <Link to={`/p/${patientId}/records?category=${record.data?.category ?? "conditions"}`}>{t("app.back")}</Link>
      </p>
      <Loaded query={record}>
        {(r) => {
          const value = valueText(r, number);
          return (
            <>
              <dl className="card facts">
                <dt>{t("messages.category")}</dt>
                <dd>{t(`category.${r.category}` as MessageKey)}</dd>
                {value && (
                  <>
                    <dt>{t("records.value")}</dt>
                    <dd>
                      {value}
                      {r.value?.low !== undefined && r.value?.high !== undefined && ` (${number(r.value.low)}–${number(r.value.high)})`}
                    </dd>
                  </>
                )}
                {r.date && (
                  <>
                    <dt>{t("records.date")}</dt>
                    <dd>{date(r.date)}</dd>
                  </>
                )}
                {r.status && (
                  <>
                    <dt>{t("records.status")}</dt>
                    <dd>{r.status}</dd>
                  </>
                )}
                {r.code?.code && (
                  <>
                    <dt>{t("records.code")}</dt>
                    <dd>
                      {r.code.display ?? ""} ({r.code.code})
                    </dd>
                  </>
                )}
              </dl>
              {r.explanation && <p className="card explanation">{r.explanation}</p>}
              {asks && (
                <p>
                  <Link className="button" to={newMessageAbout(patientId, { kind: "record", id: r.recordId })}>
                    {t("messages.askAboutRecord")}
                  </Link>
                </p>
              )}
              <section className="card" aria-labelledby="h-rec-sources">
                <h2 id="h-rec-sources">{t("records.sources")}</h2>
                <ul className="plain">
                  {(r.sources.length ? r.sources : [{ ...r.source, recordId: r.recordId }]).map((s) => (
                    <li key={`${s.sourceId}-${s.recordId}`}>
                      {s.name}
                      {"date" in s && s.date ? ` · ${date(s.date)}` : ""}
                    </li>
                  ))}
                </ul>
              </section>
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}
