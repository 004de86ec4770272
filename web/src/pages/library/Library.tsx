import { useState } from "react";
import { Loaded, Page, TableWrap } from "../../components/ui";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { Link } from "../../router";
import { useLibrary } from "./api";
import { filterTopics, KINDS, noFilter, titleIn, type LibraryFilter } from "./topic";
import "../training/training.css";

// "Education library" (clinicians, admins): every topic patients may be shown, the starter
// library's and the practice's own, with how patients rated them; each opens in the editor.

export default function Library() {
  const { t, locale } = useI18n();
  const library = useLibrary();
  const [filter, setFilter] = useState<LibraryFilter>(noFilter);
  const caption = t("library.caption");
  return (
    <Page
      title={t("library.title")}
      actions={
        <Link to="/staff/education/new" className="button primary">
          {t("library.add")}
        </Link>
      }
    >
      <p>{t("library.intro")}</p>
      <form className="card filters" role="search" aria-label={t("library.filters")} onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="library-text">{t("library.filter.text")}</label>
          <input id="library-text" type="search" maxLength={100} value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="library-kind">{t("library.filter.kind")}</label>
          <select id="library-kind" value={filter.kind} onChange={(e) => setFilter({ ...filter, kind: e.target.value as LibraryFilter["kind"] })}>
            <option value="">{t("library.filter.all")}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`library.kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="library-status">{t("library.filter.status")}</label>
          <select id="library-status" value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value as LibraryFilter["status"] })}>
            <option value="">{t("library.filter.all")}</option>
            <option value="active">{t("library.status.active")}</option>
            <option value="retired">{t("library.status.retired")}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="library-origin">{t("library.filter.origin")}</label>
          <select id="library-origin" value={filter.origin} onChange={(e) => setFilter({ ...filter, origin: e.target.value as LibraryFilter["origin"] })}>
            <option value="">{t("library.filter.all")}</option>
            <option value="starter">{t("library.origin.starter")}</option>
            <option value="practice">{t("library.origin.practice")}</option>
          </select>
        </div>
      </form>
      <Loaded query={library}>
        {(topics) => {
          const shown = filterTopics(topics, filter);
          return (
            <>
              <p role="status" className="muted">
                {t("library.count", { shown: shown.length, total: topics.length })}
              </p>
              {shown.length ? (
                <TableWrap label={caption}>
                  <table className="library">
                    <caption>{caption}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t("library.col.title")}</th>
                        <th scope="col">{t("library.col.kind")}</th>
                        <th scope="col">{t("library.col.codes")}</th>
                        <th scope="col">{t("library.col.status")}</th>
                        <th scope="col">{t("library.col.origin")}</th>
                        <th scope="col">{t("library.col.helpful")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {shown.map((topic) => (
                        <tr key={topic.topicId}>
                          <th scope="row">
                            <Link to={`/staff/education/${encodeURIComponent(topic.topicId)}`}>{titleIn(topic, locale)}</Link>
                            <span className="muted id"> {topic.topicId}</span>
                          </th>
                          <td>{t(`library.kind.${topic.kind}` as MessageKey)}</td>
                          <td>{topic.codes.map((c) => `${t(`library.system.${c.system}` as MessageKey)} ${c.code}`).join(", ") || "—"}</td>
                          <td>
                            <span className={topic.status === "active" ? "tag on" : "tag off"}>{t(`library.status.${topic.status}` as MessageKey)}</span>
                          </td>
                          <td>{t(`library.origin.${topic.origin}` as MessageKey)}</td>
                          <td>{topic.helpful ? t("library.helpfulTally", { yes: topic.helpful.yes, no: topic.helpful.no }) : "—"}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              ) : (
                <p className="muted">{t("library.noneMatch")}</p>
              )}
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}
