import { useSyncExternalStore } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { getSession, isStaff, subscribe } from "../../auth/session";
import { unwrap } from "../../api/client";
import { LoadedList, NotFound, Page, TableWrap, isNotFound } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { importPath, importedBy, sourceNames } from "./parts";

const PAGE = 20;

/** Past imports of this health record, newest first, with their totals; older ones on demand. */
export default function Imports({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t, dateTime, number } = useI18n();
  const session = useSyncExternalStore(subscribe, getSession);
  const staff = session ? isStaff(session.claims) : false;
  const imports = useInfiniteQuery({
    queryKey: ["imports", patientId],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      (
        await unwrap(
          api.GET("/patients/{patientId}/imports", {
            params: { path: { patientId }, query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
          }),
        )
      ).data,
    getNextPageParam: (last) => last.nextCursor || undefined,
  });
  if (isNotFound(imports.error)) return <NotFound />;
  const items = imports.data?.pages.flatMap((p) => p.items) ?? [];
  const caption = t("imports.caption");
  return (
    <Page title={t("imports.title")}>
      <p>
        {/* Staff came from the patient's staff page (the front desk may not read the record itself). */}
        {staff ? (
          <Link to={`/staff/patients/${patientId}`}>{t("imports.backToPatient")}</Link>
        ) : (
          <Link to={`/p/${patientId}/records`}>{t("app.back")}</Link>
        )}
      </p>
      <p>{t("imports.intro")}</p>
      <LoadedList query={imports} items={items} empty={t("imports.none")} more={t("imports.more")}>
        {(rows) => (
          <TableWrap label={caption}>
            <table>
              <caption>{caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("imports.col.when")}</th>
                  <th scope="col">{t("imports.col.by")}</th>
                  <th scope="col">{t("imports.col.sources")}</th>
                  <th scope="col">{t("imports.col.entries")}</th>
                  <th scope="col">{t("imports.col.imported")}</th>
                  <th scope="col">{t("imports.col.merged")}</th>
                  <th scope="col">{t("imports.col.skipped")}</th>
                  <th scope="col">{t("imports.col.refused")}</th>
                  <th scope="col">{t("imports.col.warnings")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((i) => (
                  <tr key={i.importId}>
                    <th scope="row">
                      <Link to={importPath(patientId, i.importId)}>{dateTime(i.importedAt)}</Link>
                    </th>
                    <td>{importedBy(t, i.importedBy)}</td>
                    <td>{sourceNames(i.sources)}</td>
                    <td>{number(i.entries)}</td>
                    <td>{number(i.importedTotal)}</td>
                    <td>{number(i.mergedTotal)}</td>
                    <td>{number(i.skippedTotal)}</td>
                    <td>{number(i.errorCount)}</td>
                    <td>{number(i.warningCount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </LoadedList>
    </Page>
  );
}
