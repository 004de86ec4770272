import { useQuery } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../api/client";
import { Loaded, NotFound, Page, TableWrap, isNotFound } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { importedBy, importsPath } from "./parts";

/** One past import's whole report: totals, per source, per type of record, problems and every entry. */
export default function ImportReport({ patientId, importId }: { patientId: string; importId: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const detail = useQuery({
    queryKey: ["imports", patientId, importId],
    queryFn: async () =>
      (await unwrap(api.GET("/patients/{patientId}/imports/{importId}", { params: { path: { patientId, importId } } }))).data,
  });
  if (isNotFound(detail.error)) return <NotFound />;
  return (
    <Page title={t("imports.report.title")}>
      <p>
        <Link to={importsPath(patientId)}>{t("imports.report.back")}</Link>
      </p>
      <Loaded query={detail}>{(d) => <Report detail={d} />}</Loaded>
    </Page>
  );
}

type Detail = { importedAt: string; importedBy?: Schemas["ImportedBy"]; report: Schemas["ImportReport"] };

function Report({ detail }: { detail: Detail }) {
  const { t, dateTime, number } = useI18n();
  const { report } = detail;
  const perType = Object.entries(report.perType ?? {});
  const merged = perType.reduce((n, [, c]) => n + c.merged, 0);
  return (
    <>
      <section className="card" aria-labelledby="h-import-summary">
        <h2 id="h-import-summary">{dateTime(detail.importedAt)}</h2>
        <p>{t("imports.report.when", { date: dateTime(detail.importedAt), by: importedBy(t, detail.importedBy) })}</p>
        <p>
          {t("imports.report.totals", {
            entries: number(report.entries),
            imported: number(report.importedTotal),
            merged: number(merged),
            skipped: number(report.skippedTotal),
            refused: number(report.errorCount),
          })}
        </p>
        <p className="muted">
          {t("imports.report.kind", { type: report.bundleType })} · {t(`imports.report.check.${report.patientCheck}`)}
        </p>
      </section>

      {report.sources.length > 0 && (
        <section className="card" aria-labelledby="h-import-sources">
          <h2 id="h-import-sources">{t("imports.report.sources")}</h2>
          <ul>
            {report.sources.map((s) => (
              <li key={s.sourceId}>{t("imports.report.sourceLine", { name: s.name, count: number(s.imported) })}</li>
            ))}
          </ul>
        </section>
      )}

      {perType.length > 0 && (
        <section className="card" aria-labelledby="h-import-types">
          <h2 id="h-import-types">{t("imports.report.perType")}</h2>
          <TableWrap label={t("imports.report.perType")}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("imports.report.col.type")}</th>
                  <th scope="col">{t("imports.report.col.sent")}</th>
                  <th scope="col">{t("imports.col.imported")}</th>
                  <th scope="col">{t("imports.col.merged")}</th>
                  <th scope="col">{t("imports.col.skipped")}</th>
                  <th scope="col">{t("imports.col.refused")}</th>
                </tr>
              </thead>
              <tbody>
                {perType.map(([type, c]) => (
                  <tr key={type}>
                    <th scope="row">{type}</th>
                    <td>{number(c.sent)}</td>
                    <td>{number(c.imported)}</td>
                    <td>{number(c.merged)}</td>
                    <td>{number(c.skipped)}</td>
                    <td>{number(c.refused)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </section>
      )}

      {report.skipped.length > 0 && (
        <section className="card" aria-labelledby="h-import-skipped">
          <h2 id="h-import-skipped">{t("imports.report.skipped")}</h2>
          <ul>
            {report.skipped.map((s, n) => (
              <li key={n}>{t("imports.report.skippedLine", { type: s.resourceType, count: number(s.count), reason: s.reason })}</li>
            ))}
          </ul>
        </section>
      )}

      <Problems id="h-import-errors" title={t("imports.report.errors")} items={report.errors} count={report.errorCount} />
      <Problems id="h-import-warnings" title={t("imports.report.warnings")} items={report.warnings} count={report.warningCount} />

      {report.entryOutcomes.length > 0 && (
        <section className="card" aria-labelledby="h-import-entries">
          <h2 id="h-import-entries">{t("imports.report.entries", { count: number(report.entryOutcomeCount) })}</h2>
          <details>
            <summary>{t("imports.report.showEntries")}</summary>
            {report.entryOutcomes.length < report.entryOutcomeCount && (
              <p className="muted">
                {t("imports.report.firstOf", { shown: number(report.entryOutcomes.length), count: number(report.entryOutcomeCount) })}
              </p>
            )}
            <TableWrap label={t("imports.report.entries", { count: number(report.entryOutcomeCount) })}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("imports.report.col.entry")}</th>
                    <th scope="col">{t("imports.report.col.type")}</th>
                    <th scope="col">{t("imports.report.col.outcome")}</th>
                    <th scope="col">{t("imports.report.col.why")}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.entryOutcomes.map((o) => (
                    <tr key={o.entry}>
                      <th scope="row">{o.entry}</th>
                      <td>{o.resourceType}</td>
                      <td>{t(`imports.outcome.${o.outcome}`)}</td>
                      <td>{o.reason ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </details>
        </section>
      )}
    </>
  );
}

/** Refused entries or warnings, each naming its entry (the message names the element's path). */
function Problems({ id, title, items, count }: { id: string; title: string; items: Schemas["EntryProblem"][]; count: number }) {
  const { t, number } = useI18n();
  if (count === 0) return null;
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>
        {title} ({number(count)})
      </h2>
      {items.length < count && <p className="muted">{t("imports.report.firstOf", { shown: number(items.length), count: number(count) })}</p>}
      <ul>
        {items.map((p, n) => (
          <li key={n}>{t("imports.report.problem", { entry: p.entry, type: p.resourceType, message: p.message })}</li>
        ))}
      </ul>
    </section>
  );
}
