import { Loaded, Page, TableWrap } from "../../../components/ui";
import { useI18n } from "../../../i18n";
import { Link } from "../../../router";
import { AnnounceForm } from "./AnnounceForm";
import { AnnouncementStateTag, useAnnouncements, useAudienceWords } from "./announcement-parts";

/** The practice's announcements (newest first, with who read and acknowledged them), and the announce form. */
export default function Announcements() {
  const { t, dateTime } = useI18n();
  const announcements = useAnnouncements();
  const audience = useAudienceWords();
  const caption = t("announce.list.caption");
  return (
    <Page title={t("announce.list.title")} actions={<Link to="/support/incidents">{t("supportTeam.incidents.title")}</Link>}>
      <p>{t("announce.list.intro")}</p>
      <Loaded query={announcements}>
        {({ items }) =>
          items.length ? (
            <TableWrap label={caption}>
              <table>
                <caption>{caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("announce.col.title")}</th>
                    <th scope="col">{t("announce.col.audience")}</th>
                    <th scope="col">{t("announce.col.state")}</th>
                    <th scope="col">{t("announce.col.publishAt")}</th>
                    <th scope="col">{t("announce.col.read")}</th>
                    <th scope="col">{t("announce.col.acknowledged")}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((a) => (
                    <tr key={a.announcementId}>
                      <th scope="row">
                        <Link to={`/support/announcements/${encodeURIComponent(a.announcementId)}`}>{a.title}</Link>
                      </th>
                      <td>{audience(a.audience)}</td>
                      <td>
                        <AnnouncementStateTag state={a.state} />
                      </td>
                      <td>{dateTime(a.publishAt)}</td>
                      <td>{a.counts.read}</td>
                      <td>{a.acknowledgeBy ? a.counts.acknowledged : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          ) : (
            <p className="muted">{t("announce.list.none")}</p>
          )
        }
      </Loaded>
      <AnnounceForm />
    </Page>
  );
}
