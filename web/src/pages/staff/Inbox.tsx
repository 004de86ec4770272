import { useSyncExternalStore } from "react";
import { useQuery } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../api/client";
import { getSession, subscribe } from "../../auth/session";
import { Loaded, Page, TableWrap } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { Link, navigate, useLocation } from "../../router";
import { categoriesFor } from "./categories";

export default function Inbox() {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const session = useSyncExternalStore(subscribe, getSession);
  const categories = categoriesFor(session?.claims.groups ?? []);
  const { search } = useLocation();
  const category = (categories as string[]).includes(search.get("category") ?? "")
    ? (search.get("category") as Schemas["MessageCategory"])
    : categories[0];
  const counts = useQuery({
    queryKey: ["inbox", "counts"],
    queryFn: async () => (await unwrap(api.GET("/staff/inbox/counts"))).data,
  });
  const inbox = useQuery({
    queryKey: ["inbox", category],
    enabled: Boolean(category),
    queryFn: async () => (await unwrap(api.GET("/staff/inbox", { params: { query: { category: category! } } }))).data,
  });
  const countLabel = (c: Schemas["MessageCategory"]) => {
    const n = counts.data?.categories.find((x) => x.category === c);
    const name = t(`messages.cat.${c}` as MessageKey);
    return n ? t("staff.counts", { category: name, open: n.open, overdue: n.overdue }) : name;
  };
  return (
    <Page title={t("staff.inbox")}>
      {categories.length === 1 && category && counts.data && <p className="muted">{countLabel(category)}</p>}
      {categories.length > 1 && (
        <div className="field">
          <label htmlFor="inbox-category">{t("messages.category")}</label>
          <select id="inbox-category" value={category} onChange={(e) => navigate(`/staff/inbox?category=${e.target.value}`)}>
            {categories.map((c) => (
              <option key={c} value={c}>
                {countLabel(c)}
              </option>
            ))}
          </select>
        </div>
      )}
      {!category && <p className="muted">{t("app.none")}</p>}
      {category && <Loaded query={inbox}>
        {(page) =>
          page.items.length ? (
            <TableWrap label={t("staff.inbox")}>
            <table className="inbox">
              <caption className="visually-hidden">{t(`messages.cat.${category!}` as MessageKey)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("messages.subject")}</th>
                  <th scope="col">{t("staff.since")}</th>
                  <th scope="col">{t("staff.dueColumn")}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((item) => (
                  <tr key={item.conversationId} className={item.overdue ? "overdue" : undefined}>
                    <td>
                      <Link to={`/staff/inbox/${item.patientId}/${item.conversationId}`}>{item.subject}</Link>
                    </td>
                    <td>{dateTime(item.inInboxSince)}</td>
                    <td>
                      {item.dueAt ? dateTime(item.dueAt) : ""} {item.overdue && <strong className="badge">{t("staff.overdue")}</strong>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            </TableWrap>
          ) : (
            <p className="muted">{t("app.none")}</p>
          )
        }
      </Loaded>}
    </Page>
  );
}
