import { useId, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../../api/client";
import { ErrorNotice, Loaded, NotFound, Page, TableWrap, isNotFound } from "../../../components/ui";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import { Link } from "../../../router";
import { acknowledgedShare, type Announcement as AnnouncementView } from "./announce";
import { AnnouncementStateTag, useAcknowledgements, useAnnouncement, useAudienceWords } from "./announcement-parts";

/** One announcement: its state, text and counts, who has not acknowledged it, and ending it. */
export default function Announcement({ announcementId }: { announcementId: string }) {
  const { t } = useI18n();
  const announcement = useAnnouncement(announcementId);
  if (announcement.error && isNotFound(announcement.error)) return <NotFound />;
  return (
    <Page title={announcement.data?.title ?? t("announce.detail.title")} actions={<Link to="/support/announcements">{t("announce.detail.back")}</Link>}>
      <Loaded query={announcement}>
        {(a) => (
          <>
            <Summary announcement={a} />
            {a.audience.kind === "staff" && a.acknowledgeBy && <Acknowledgements announcement={a} />}
            <Expire announcement={a} />
          </>
        )}
      </Loaded>
    </Page>
  );
}

function Summary({ announcement: a }: { announcement: AnnouncementView }) {
  const { t, dateTime } = useI18n();
  const audience = useAudienceWords();
  return (
    <section className="card" aria-labelledby="h-announcement-summary">
      <h2 id="h-announcement-summary">{t("announce.detail.summary")}</h2>
      <dl className="facts stacked">
        <dt>{t("announce.col.state")}</dt>
        <dd>
          <AnnouncementStateTag state={a.state} />
        </dd>
        <dt>{t("announce.col.audience")}</dt>
        <dd>{audience(a.audience)}</dd>
        <dt>{t("announce.col.publishAt")}</dt>
        <dd>{dateTime(a.publishAt)}</dd>
        <dt>{t("announce.detail.expiresAt")}</dt>
        <dd>{a.expiresAt ? dateTime(a.expiresAt) : t("announce.detail.never")}</dd>
        <dt>{t("announce.detail.acknowledgeBy")}</dt>
        <dd>{a.acknowledgeBy ? dateTime(a.acknowledgeBy) : t("announce.detail.notAsked")}</dd>
        <dt>{t("announce.col.read")}</dt>
        <dd>{a.counts.read}</dd>
        {a.acknowledgeBy && (
          <>
            <dt>{t("announce.col.acknowledged")}</dt>
            <dd>{a.counts.acknowledged}</dd>
          </>
        )}
        <dt>{t("announce.detail.sent")}</dt>
        <dd>{t(a.sent ? "announce.detail.sentYes" : "announce.detail.sentNo")}</dd>
        <dt>{t("announce.detail.createdAt")}</dt>
        <dd>{dateTime(a.createdAt)}</dd>
      </dl>
      <h3>{t("announce.detail.text")}</h3>
      <p className="message-text">{a.body}</p>
      {a.link && (
        <p>
          <a href={a.link} target="_blank" rel="noopener noreferrer">
            {a.link}
          </a>
        </p>
      )}
    </section>
  );
}

type Acks = Schemas["AnnouncementAcknowledgements"];

function Acknowledgements({ announcement: a }: { announcement: AnnouncementView }) {
  const { t, dateTime } = useI18n();
  const acks = useAcknowledgements(a.announcementId, true);
  return (
    <section className="card" aria-labelledby="h-announcement-acks">
      <h2 id="h-announcement-acks">{t("announce.acks.title")}</h2>
      <Loaded query={acks}>
        {(list) =>
          !list.required ? (
            <p className="muted">{t("announce.acks.notAsked")}</p>
          ) : (
            <>
              <p>{t("announce.acks.share", acknowledgedShare(list))}</p>
              {list.overdue && list.acknowledgeBy && (
                <p className="notice error">{t("announce.acks.overdue", { date: dateTime(list.acknowledgeBy) })}</p>
              )}
              <NotAcknowledged list={list} />
              <Acknowledged list={list} />
            </>
          )
        }
      </Loaded>
    </section>
  );
}

function NotAcknowledged({ list }: { list: Acks }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <>
      <h3 id={id}>{t("announce.acks.notYet")}</h3>
      {list.notAcknowledged.length ? (
        <ul aria-labelledby={id}>
          {list.notAcknowledged.map((p) => (
            <li key={p.sub}>
              {p.name ?? t("announce.acks.unnamed")} (<a href={`mailto:${p.email}`}>{p.email}</a>)
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("announce.acks.everyone")}</p>
      )}
    </>
  );
}

function Acknowledged({ list }: { list: Acks }) {
  const { t, dateTime } = useI18n();
  const caption = t("announce.acks.done");
  if (!list.acknowledged.length) {
    return (
      <>
        <h3>{caption}</h3>
        <p className="muted">{t("announce.acks.noneYet")}</p>
      </>
    );
  }
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("announce.acks.name")}</th>
            <th scope="col">{t("announce.acks.at")}</th>
          </tr>
        </thead>
        <tbody>
          {list.acknowledged.map((p) => (
            <tr key={p.sub}>
              <th scope="row">{p.name ?? t("announce.acks.unnamed")}</th>
              <td>
                {dateTime(p.at)} {p.late && <span className="tag off">{t("announce.acks.late")}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Ending it now: asked twice (it cannot be undone), and idempotent at the API. */
function Expire({ announcement: a }: { announcement: AnnouncementView }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const expire = async () => {
    setBusy(true);
    setError(null);
    try {
      const { data } = await unwrap(
        api.POST("/support/announcements/{announcementId}/expire", { params: { path: { announcementId: a.announcementId } } }),
      );
      queryClient.setQueryData(["support", "announcement", a.announcementId], data);
      await queryClient.invalidateQueries({ queryKey: ["support", "announcements"] });
      setDone(true);
      setAsking(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="h-announcement-expire">
      <h2 id="h-announcement-expire">{t("announce.expire.title")}</h2>
      {done ? (
        <p role="status" className="notice success">
          {t("announce.expire.done")}
        </p>
      ) : a.state === "expired" ? (
        <p className="muted">{t("announce.expire.ended")}</p>
      ) : (
        <>
          <p className="muted">{t("announce.expire.intro")}</p>
          {error !== null && <ErrorNotice error={error} />}
          {asking ? (
            <div className="st-actions">
              <button type="button" className="primary" disabled={busy} onClick={() => void expire()}>
                {t("announce.expire.confirm")}
              </button>
              <button type="button" onClick={() => setAsking(false)}>
                {t("announce.expire.cancel")}
              </button>
            </div>
          ) : (
            <button type="button" onClick={() => setAsking(true)}>
              {t("announce.expire.do")}
            </button>
          )}
        </>
      )}
    </section>
  );
}
