import { useInfiniteQuery } from "@tanstack/react-query";
import { unwrap } from "../../../api/client";
import { LoadedList, Page, TableWrap } from "../../../components/ui";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import { Link, useLocation } from "../../../router";
import { queueOrder } from "./logic";
import { BreachedTag, SeverityTag, StatusTag, key, useFeatureName, useWho } from "./common";

const PAGE = 50;

type State = "open" | "resolved";

/** The address of the queue as filtered (kept in the address so a report's "back" returns to it). */
const queueHref = (state: State, mine: boolean) => {
  const query = new URLSearchParams();
  if (state === "resolved") query.set("state", "resolved");
  else if (mine) query.set("assignee", "me");
  const text = query.toString();
  return `/support/reports${text ? `?${text}` : ""}`;
};

/** The team's queue: open reports soonest due first (a missed target says so), or the resolved ones newest first. */
export default function Queue() {
  const { api } = useApp();
  const { t, dateTime, number } = useI18n();
  const featureName = useFeatureName();
  const who = useWho();
  const { search } = useLocation();
  const state: State = search.get("state") === "resolved" ? "resolved" : "open";
  // Assigned to me: open reports only (the API keeps that list while a report is open).
  const mine = state === "open" && search.get("assignee") === "me";
  const queue = useInfiniteQuery({
    queryKey: ["support", "queue", state, mine],
    // The queue moves as the team works: asked again each time the page opens.
    staleTime: 0,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      (
        await unwrap(
          api.GET("/support/reports", {
            params: {
              query: {
                state,
                limit: PAGE,
                ...(mine ? { assignee: "me" as const } : {}),
                ...(pageParam ? { cursor: pageParam } : {}),
              },
            },
          }),
        )
      ).data,
    getNextPageParam: (last) => last.nextCursor || undefined,
  });
  const items = queueOrder(queue.data?.pages.flatMap((p) => p.items) ?? [], state);
  const caption = t(state === "open" ? (mine ? "supportTeam.queue.captionMine" : "supportTeam.queue.captionOpen") : "supportTeam.queue.captionResolved");
  return (
    <Page title={t("supportTeam.queue.title")} actions={<Link to="/support/incidents">{t("supportTeam.incidents.title")}</Link>}>
      <p>{t("supportTeam.queue.intro")}</p>
      {/* The bridge from before problem reports: help asked for as a message stays in the team's inbox. */}
      <p>
        {t("supportTeam.queue.portalHelp")}{" "}
        <Link to="/staff/inbox?category=portal-help">{t("supportTeam.queue.portalHelpLink")}</Link>
      </p>
      <nav className="chips" aria-label={t("supportTeam.queue.filter")}>
        <ul>
          <li>
            <Link to={queueHref("open", false)} aria-current={state === "open" && !mine ? "true" : undefined}>
              {t("supportTeam.queue.state.open")}
            </Link>
          </li>
          <li>
            <Link to={queueHref("open", true)} aria-current={mine ? "true" : undefined}>
              {t("supportTeam.queue.mine")}
            </Link>
          </li>
          <li>
            <Link to={queueHref("resolved", false)} aria-current={state === "resolved" ? "true" : undefined}>
              {t("supportTeam.queue.state.resolved")}
            </Link>
          </li>
        </ul>
      </nav>
      <LoadedList
        query={queue}
        items={items}
        empty={t(mine ? "supportTeam.queue.noneMine" : state === "open" ? "supportTeam.queue.noneOpen" : "supportTeam.queue.noneResolved")}
        more={t("supportTeam.queue.more")}
      >
        {(rows) => (
          <TableWrap label={caption}>
            <table>
              <caption>{caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("supportTeam.queue.report")}</th>
                  <th scope="col">{t("supportTeam.severity")}</th>
                  <th scope="col">{t("supportTeam.status")}</th>
                  <th scope="col">{state === "open" ? t("supportTeam.queue.due") : t("supportTeam.queue.filed")}</th>
                  <th scope="col">{t("supportTeam.queue.duplicates")}</th>
                  <th scope="col">{t("supportTeam.feature")}</th>
                  <th scope="col">{t("supportTeam.reporterKind")}</th>
                  <th scope="col">{t("supportTeam.assignee")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.reportId}>
                    <th scope="row">
                      <Link to={`/support/reports/${encodeURIComponent(r.reportId)}`}>{r.summary}</Link>
                    </th>
                    <td>
                      <SeverityTag severity={r.severity} />
                    </td>
                    <td>
                      <StatusTag status={r.status} />
                    </td>
                    <td className="st-due">
                      {state === "open" ? (
                        <>
                          {r.due ? dateTime(r.due) : t("supportTeam.queue.paused")}
                          {r.breached && (
                            <>
                              {" "}
                              <BreachedTag />
                            </>
                          )}
                        </>
                      ) : (
                        dateTime(r.createdAt)
                      )}
                    </td>
                    <td>{number(r.duplicates)}</td>
                    <td>{r.feature ? featureName(r.feature) : "—"}</td>
                    <td>{t(key(`reporterKind.${r.reporterKind}`))}</td>
                    <td>{who(r.assignee)}</td>
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
