import { useQuery } from "@tanstack/react-query";
import { unwrap } from "../api/client";
import { Loaded, NotFound, Page, isNotFound } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";

export default function AccessLog({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const log = useQuery({
    queryKey: ["access-log", patientId],
    queryFn: async () =>
      (await unwrap(api.GET("/patients/{patientId}/access-log", { params: { path: { patientId }, query: { limit: 50 } } }))).data,
  });
  if (isNotFound(log.error)) return <NotFound />;
  return (
    <Page title={t("accessLog.title")}>
      <Loaded query={log}>
        {(page) =>
          page.items.length ? (
            <ol className="plain access-log">
              {page.items.map((e) => (
                <li key={e.eventId} className="record">
                  <div className="record-main">
                    <span>{e.description}</span>
                    {e.outcome === "denied" && <strong className="badge">{t("accessLog.denied")}</strong>}
                  </div>
                  <div className="record-meta">
                    <span>{dateTime(e.at)}</span>
                  </div>
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">{t("app.none")}</p>
          )
        }
      </Loaded>
    </Page>
  );
}
