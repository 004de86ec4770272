import { useEffect } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../api/client";
import { ErrorNotice, TableWrap, isNotFound } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { contactKey, kindKey, reasonKey, statusKey } from "../../notifications";

export const PAGE_SIZE = 20;

/** A delivery's row as words: kind, recipient, channel, status and reason. */
export function deliveryWords(d: Schemas["NotificationDelivery"], t: (k: MessageKey) => string) {
  const kind = kindKey(d.kind);
  const reason = reasonKey(d.reason);
  return {
    kind: kind ? t(kind) : d.kind,
    recipient: t(`notifications.recipient.${d.recipient}` as MessageKey),
    channel: d.channel ? t(`notifications.channel.${d.channel}` as MessageKey) : "",
    status: t(statusKey(d.status)),
    reason: reason === null ? "" : reason.startsWith("notifications.") ? t(reason as MessageKey) : reason,
  };
}

/** The staff view of a patient's notifications: the contacts' state, then the delivery history. */
export default function PatientNotifications({
  patientId,
  onContacts,
}: {
  patientId: string;
  onContacts?: (contacts: Schemas["NotificationContacts"]) => void;
}) {
  const { api } = useApp();
  const { t, date, dateTime } = useI18n();
  const history = useInfiniteQuery({
    queryKey: ["notification-deliveries", patientId],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => {
      const data = (
        await unwrap(
          api.GET("/staff/patients/{patientId}/notification-deliveries", {
            params: { path: { patientId }, query: { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
          }),
        )
      ).data;
      return data;
    },
    getNextPageParam: (last) => last.nextCursor || undefined,
  });
  const first = history.data?.pages[0];
  const items = history.data?.pages.flatMap((p) => p.items) ?? [];
  // The page above uses the contacts' state too (the activation code's channels).
  const contactsJson = first ? JSON.stringify(first.contacts) : null;
  useEffect(() => {
    if (contactsJson && onContacts) onContacts(JSON.parse(contactsJson) as Schemas["NotificationContacts"]);
  }, [contactsJson, onContacts]);
  return (
    <section className="card" aria-labelledby="h-notifications">
      <h2 id="h-notifications">{t("notifications.history")}</h2>
      <p className="muted">{t("notifications.historyNote")}</p>
      {history.isPending ? (
        <p role="status" className="muted">
          {t("app.loading")}
        </p>
      ) : history.error && !first ? (
        isNotFound(history.error) ? (
          <p className="muted">{t("app.notFoundDetail")}</p>
        ) : (
          <ErrorNotice error={history.error} retry={() => void history.refetch()} />
        )
      ) : first ? (
        <>
          <h3>{t("notifications.patientContacts")}</h3>
          <ul className="plain">
            {(["email", "phone"] as const).map((which) => {
              const c = first.contacts[which];
              return (
                <li key={which}>
                  {c.status === "undeliverable" ? (
                    <strong className="contact-trouble">{t(contactKey(which, c), c.since ? { date: date(c.since) } : undefined)}</strong>
                  ) : (
                    t(contactKey(which, c))
                  )}
                </li>
              );
            })}
          </ul>
          {items.length ? (
            <TableWrap label={t("notifications.historyCaption")}>
              <table className="deliveries">
                <caption className="visually-hidden">{t("notifications.historyCaption")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("notifications.col.time")}</th>
                    <th scope="col">{t("notifications.col.kind")}</th>
                    <th scope="col">{t("notifications.col.status")}</th>
                    <th scope="col">{t("notifications.col.reason")}</th>
                    <th scope="col">{t("notifications.col.recipient")}</th>
                    <th scope="col">{t("notifications.col.channel")}</th>
                    <th scope="col">{t("notifications.col.attempts")}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((d) => {
                    const w = deliveryWords(d, t);
                    return (
                      <tr key={d.notificationId} className={d.status === "failed" ? "overdue" : undefined}>
                        <td className="when">{dateTime(d.updatedAt ?? d.createdAt)}</td>
                        <td>{w.kind}</td>
                        <td>{w.status}</td>
                        <td>{w.reason}</td>
                        <td>{w.recipient}</td>
                        <td>{w.channel}</td>
                        <td>{d.attempts}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableWrap>
          ) : (
            <p className="muted">{t("app.none")}</p>
          )}
          {history.error !== null && <ErrorNotice error={history.error} />}
          {history.hasNextPage && (
            <button type="button" disabled={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()}>
              {t("notifications.more")}
            </button>
          )}
        </>
      ) : null}
    </section>
  );
}
