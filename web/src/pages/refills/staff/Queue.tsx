import { LoadedList, Page, TableWrap } from "../../../components/ui";
import { useI18n } from "../../../i18n";
import { Link, useLocation } from "../../../router";
import { useRefillQueue } from "../api";
import { RefillStatusTag } from "../parts";
import { queueOrder, type QueueState } from "../refills";
import "../refills.css";

const queueHref = (state: QueueState) => (state === "decided" ? "/staff/refills?state=decided" : "/staff/refills");

/** "Refill requests" (clinicians, front desk): open ones soonest due first with overdue marked, or the decided ones. */
export default function RefillQueue() {
  const { t, dateTime, date } = useI18n();
  const { search } = useLocation();
  const state: QueueState = search.get("state") === "decided" ? "decided" : "open";
  const queue = useRefillQueue(state);
  const items = queueOrder(queue.data ?? [], state);
  const caption = t(state === "open" ? "refillsStaff.queue.captionOpen" : "refillsStaff.queue.captionDecided");
  return (
    <Page title={t("refillsStaff.queue.title")}>
      <p>{t("refillsStaff.queue.intro")}</p>
      <nav className="chips" aria-label={t("refillsStaff.queue.filter")}>
        <ul>
          {(["open", "decided"] as const).map((s) => (
            <li key={s}>
              <Link to={queueHref(s)} aria-current={state === s ? "true" : undefined}>
                {t(s === "open" ? "refillsStaff.queue.open" : "refillsStaff.queue.decided")}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <LoadedList query={queue} items={items} empty={t(state === "open" ? "refillsStaff.queue.noneOpen" : "refillsStaff.queue.noneDecided")}>
        {(rows) => (
          <TableWrap label={caption}>
            <table>
              <caption>{caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("refillsStaff.col.medication")}</th>
                  <th scope="col">{t("refillsStaff.col.patient")}</th>
                  <th scope="col">{t("refillsStaff.col.status")}</th>
                  <th scope="col">{state === "open" ? t("refillsStaff.col.due") : t("refillsStaff.col.decided")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.refillId}>
                    <th scope="row">
                      <Link to={`/staff/refills/${encodeURIComponent(r.refillId)}`}>{r.medication.title}</Link>
                    </th>
                    <td>
                      {r.patient.name ?? t("refillsStaff.nameUnknown")}
                      {r.patient.birthDate && (
                        <>
                          <br />
                          <span className="muted">{t("refillsStaff.born", { date: date(r.patient.birthDate) })}</span>
                        </>
                      )}
                    </td>
                    <td>
                      <RefillStatusTag status={r.status} />
                    </td>
                    <td>
                      {state === "open" ? (
                        <>
                          {dateTime(r.dueAt)}
                          {r.overdue && (
                            <>
                              {" "}
                              <span className="tag refill-overdue">{t("refillsStaff.overdue")}</span>
                            </>
                          )}
                        </>
                      ) : (
                        dateTime(r.decision?.decidedAt ?? r.updatedAt)
                      )}
                    </td>
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
