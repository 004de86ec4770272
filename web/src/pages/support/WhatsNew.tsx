import { useEffect, useId, useState } from "react";
import { ErrorNotice, Loaded, NotFound, Page, isNotFound } from "../../components/ui";
import { useI18n } from "../../i18n";
import {
  awaitsAcknowledgement,
  isOverdue,
  useAcknowledge,
  useMarkRead,
  useWhatsNew,
  type Reader,
  type WhatsNewItem,
} from "./whats-new";
import "../../components/support.css";

// "What's new": the practice's announcements for the reader, newest first. What the page shows
// is marked read; staff confirm the ones that ask them to ("I have read and understood").

export default function WhatsNew({ reader }: { reader: Reader }) {
  const { t } = useI18n();
  const news = useWhatsNew(reader);
  const markRead = useMarkRead(reader);
  // The ones new to the reader when the page opened: still tagged "New" after they are marked.
  const [fresh, setFresh] = useState<Set<string> | null>(null);
  useEffect(() => {
    if (!news.data || fresh) return;
    const unread = news.data.filter((i) => !i.read).map((i) => i.announcementId);
    setFresh(new Set(unread));
    if (unread.length) void markRead(unread);
  }, [news.data, fresh, markRead]);
  if (isNotFound(news.error)) return <NotFound />;
  return (
    <Page title={t("whatsNew.title")}>
      <p>{t(reader.kind === "staff" ? "whatsNew.introStaff" : "whatsNew.intro")}</p>
      <Loaded query={news}>
        {(items) =>
          items.length ? (
            <ul className="plain whats-new">
              {items.map((item) => (
                <li key={item.announcementId}>
                  <NewsItem item={item} fresh={fresh?.has(item.announcementId) ?? !item.read} staff={reader.kind === "staff"} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t("whatsNew.none")}</p>
          )
        }
      </Loaded>
    </Page>
  );
}

function NewsItem({ item, fresh, staff }: { item: WhatsNewItem; fresh: boolean; staff: boolean }) {
  const { t, dateTime } = useI18n();
  const id = useId();
  return (
    <article className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        {item.title} {fresh && <span className="tag on">{t("whatsNew.new")}</span>}
      </h2>
      <p className="muted">
        <time dateTime={item.publishAt}>{t("whatsNew.published", { date: dateTime(item.publishAt) })}</time>
      </p>
      <p className="message-text">{item.body}</p>
      {item.link && (
        <p>
          <a href={item.link} target="_blank" rel="noopener noreferrer">
            {t("whatsNew.readMore")}
            <span className="visually-hidden">
              {" "}
              {t("whatsNew.readMoreAbout", { title: item.title })} {t("whatsNew.newWindow")}
            </span>
          </a>
        </p>
      )}
      {staff && item.acknowledgeBy && <Acknowledgement item={item} />}
    </article>
  );
}

function Acknowledgement({ item }: { item: WhatsNewItem }) {
  const { t, dateTime } = useI18n();
  const acknowledge = useAcknowledge();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      await acknowledge(item.announcementId);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (!awaitsAcknowledgement(item)) {
    // Late: after the date it was due (the API accepts it, and the team sees it marked so).
    const late = Date.parse(item.acknowledgedAt!) > Date.parse(item.acknowledgeBy!);
    return (
      <p role="status" className="notice success">
        {t(late ? "whatsNew.acknowledgedLate" : "whatsNew.acknowledged", { date: dateTime(item.acknowledgedAt!) })}
      </p>
    );
  }
  const due = dateTime(item.acknowledgeBy!);
  return (
    <div className="whats-new-ack">
      <p id={`${id}-due`} className={isOverdue(item) ? "notice error" : "notice"}>
        {t(isOverdue(item) ? "whatsNew.overdue" : "whatsNew.askAcknowledge", { date: due })}
      </p>
      {error !== null && <ErrorNotice error={error} />}
      {/* Named with the title too: each announcement that asks has such a button. */}
      <button
        type="button"
        className="primary"
        aria-label={`${t("whatsNew.acknowledge")}: ${item.title}`}
        aria-describedby={`${id}-due`}
        disabled={busy}
        onClick={() => void send()}
      >
        {t("whatsNew.acknowledge")}
      </button>
    </div>
  );
}
