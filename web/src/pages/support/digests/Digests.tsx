import { useInfiniteQuery } from "@tanstack/react-query";
import { unwrap } from "../../../api/client";
import { LoadedList, Page, TableWrap } from "../../../components/ui";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import { Link } from "../../../router";
import { digestPath, type DigestSummary } from "./digest";
import { useWeek } from "./parts";

const PAGE = 12;

/** The weekly digests, newest first, with each week's headline figures; older ones on demand. */
export default function Digests() {
  const { api } = useApp();
  const { t } = useI18n();
  const digests = useInfiniteQuery({
    queryKey: ["support", "digests"],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      (await unwrap(api.GET("/support/digests", { params: { query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } } })))
        .data,
    getNextPageParam: (last) => last.nextCursor || undefined,
  });
  const items = digests.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Page title={t("digests.title")}>
      <p>{t("digests.intro")}</p>
      <LoadedList query={digests} items={items} empty={t("digests.none")} more={t("digests.more")}>
        {(rows) => <DigestTable items={rows} />}
      </LoadedList>
    </Page>
  );
}

function DigestTable({ items }: { items: DigestSummary[] }) {
  const { t, number } = useI18n();
  const week = useWeek();
  const caption = t("digests.caption");
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("digests.col.week")}</th>
            <th scope="col">{t("digests.col.openReports")}</th>
            <th scope="col">{t("digests.col.breached")}</th>
            <th scope="col">{t("digests.col.incidentsOpened")}</th>
            <th scope="col">{t("digests.col.activated")}</th>
            <th scope="col">{t("digests.col.signedIn")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.digestId}>
              <th scope="row" className="dg-week">
                <Link to={digestPath(d.digestId)}>{week(d.from, d.to)}</Link>
              </th>
              <td className="dg-num">{number(d.openReports)}</td>
              <td className="dg-num">{number(d.breachedCount)}</td>
              <td className="dg-num">{number(d.incidentsOpened)}</td>
              <td className="dg-num">{number(d.activated)}</td>
              <td className="dg-num">{number(d.signedIn7d)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
