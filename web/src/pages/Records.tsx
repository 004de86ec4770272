import { useQuery } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../api/client";
import { Loaded, NotFound, Page, isNotFound } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { Link, useLocation } from "../router";
import { RecordList } from "./Home";
import { RecordFiles } from "../components/RecordFiles";

export const CATEGORIES: Schemas["RecordCategory"][] = [
  "conditions", "medications", "allergies", "immunizations", "labs", "vitals", "visits", "procedures", "care-plans", "documents", "other",
];

export default function Records({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t, date } = useI18n();
  const { search } = useLocation();
  const category = (CATEGORIES as string[]).includes(search.get("category") ?? "")
    ? (search.get("category") as Schemas["RecordCategory"])
    : "conditions";
  const source = search.get("source") ?? undefined;

  const sources = useQuery({
    queryKey: ["sources", patientId],
    queryFn: async () => (await unwrap(api.GET("/patients/{patientId}/sources", { params: { path: { patientId } } }))).data,
  });
  const records = useQuery({
    queryKey: ["records", patientId, category, source],
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/patients/{patientId}/records", {
            params: { path: { patientId }, query: { category, ...(source ? { source } : {}), limit: 100 } },
          }),
        )
      ).data,
  });
  if (isNotFound(sources.error) || isNotFound(records.error)) return <NotFound />;
  const href = (c: string, s?: string) =>
    `/p/${patientId}/records?category=${c}${s ? `&source=${encodeURIComponent(s)}` : ""}`;

  return (
    <Page title={t("records.title")}>
      <section aria-labelledby="h-sources" className="card">
        <h2 id="h-sources">{t("records.bySource")}</h2>
        <Loaded query={sources}>
          {(s) => (
            <ul className="chips">
              <li>
                <Link to={href(category)} aria-current={!source ? "true" : undefined}>
                  {t("records.allSources")}
                </Link>
              </li>
              {s.items.map((item) => (
                <li key={item.sourceId}>
                  <Link to={href(category, item.sourceId)} aria-current={source === item.sourceId ? "true" : undefined}>
                    {item.name}{" "}
                    <span className="muted">
                      ({t("records.recordsCount", { count: item.records })}, {date(item.lastUpdated)})
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Loaded>
      </section>
      <Loaded query={sources}>{(s) => <CareTeams sources={s.items} />}</Loaded>
      <nav aria-label={t("records.byCategory")} className="tabs">
        <ul>
          {CATEGORIES.map((c) => (
            <li key={c}>
              <Link to={href(c, source)} aria-current={c === category ? "page" : undefined}>
                {t(`category.${c}` as MessageKey)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section aria-labelledby="h-list" className="card">
        <h2 id="h-list">{t(`category.${category}` as MessageKey)}</h2>
        <Loaded query={records}>{(page) => <RecordList items={page.items} patientId={patientId} />}</Loaded>
      </section>
      <RecordFiles patientId={patientId} />
    </Page>
  );
}

type SourceSummary = Schemas["Sources"]["items"][number];

/** Who the patient saw at each source, with their role and place as the source names them. */
export function CareTeams({ sources }: { sources: SourceSummary[] }) {
  const { t } = useI18n();
  if (sources.length === 0) return null;
  return (
    <section aria-labelledby="h-care-team" className="card">
      <h2 id="h-care-team">{t("records.careTeam")}</h2>
      <p className="muted">{t("records.careTeamHint")}</p>
      {sources.map((source, n) => (
        <div key={source.sourceId} className="care-team">
          <h3 id={`h-care-team-${n}`}>{source.name}</h3>
          {source.careTeam.length === 0 ? (
            <p className="muted">{t("records.careTeamNone")}</p>
          ) : (
            <ul className="plain" aria-labelledby={`h-care-team-${n}`}>
              {source.careTeam.map((member, i) => (
                <li key={`${member.name}-${i}`}>
                  <span className="care-team-name">{member.name}</span>
                  {(member.role || member.place) && (
                    <span className="muted"> · {[member.role, member.place].filter(Boolean).join(", ")}</span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </section>
  );
}
