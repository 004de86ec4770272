import { NotFound, Page, Loaded, isNotFound } from "../components/ui";
import { useConversations } from "../hooks";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { Link } from "../router";
import { FeedbackPrompt } from "../components/FeedbackPrompt";

export default function Messages({ patientId }: { patientId: string }) {
  const { t, dateTime } = useI18n();
  const conversations = useConversations(patientId);
  if (isNotFound(conversations.error)) return <NotFound />;
  return (
    <Page
      title={t("messages.title")}
      actions={
        <Link className="button primary" to={`/p/${patientId}/messages/new`}>
          {t("messages.new")}
        </Link>
      }
    >
      <FeedbackPrompt patientId={patientId} feature="messaging" />
      <Loaded query={conversations}>
        {(page) =>
          page.items.length ? (
            <ul className="conversations">
              {page.items.map((c) => (
                <li key={c.conversationId} className={c.patientUnread ? "card unread" : "card"}>
                  <Link to={`/p/${patientId}/messages/${c.conversationId}`}>{c.subject}</Link>
                  <div className="record-meta">
                    <span>{t(`messages.cat.${c.category}` as MessageKey)}</span>
                    <span>{t(`messages.status.${c.status}` as MessageKey)}</span>
                    <span>{dateTime(c.lastActivityAt)}</span>
                    {c.patientUnread > 0 && <strong className="badge">{t("messages.unread", { count: c.patientUnread })}</strong>}
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t("app.none")}</p>
          )
        }
      </Loaded>
    </Page>
  );
}
