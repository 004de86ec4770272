import { getSession } from "../../../auth/session";
import { TableWrap } from "../../../components/ui";
import { useI18n } from "../../../i18n";
import type { MessageKey } from "../../../i18n/en";
import { Link } from "../../../router";
import { IncidentStatusTag, SeverityTag, StatusTag, useFeatureName } from "../team/common";
import {
  ADOPTION_FIGURES,
  averageText,
  byRatings,
  byUse,
  decidesSuggestions,
  opensTeamPages,
  statusRows,
  type Digest,
} from "./digest";
import { ChangeCell, Figures, Section } from "./parts";

const groups = () => getSession()?.claims.groups ?? [];

/** Problem reports: open by status, opened and resolved in the week, and the targets missed. */
export function ReportsSection({ reports }: { reports: Digest["reports"] }) {
  const { t, number } = useI18n();
  const rows = statusRows(reports.openByStatus);
  const byStatus = t("digests.reports.byStatusCaption");
  return (
    <Section id="h-digest-reports" title={t("digests.reports.title")}>
      <Figures
        items={[
          { label: t("digests.reports.open"), value: reports.open },
          { label: t("digests.reports.openedInWeek"), value: reports.openedInWeek },
          { label: t("digests.reports.resolvedInWeek"), value: reports.resolvedInWeek },
          { label: t("digests.reports.breachedCount"), value: reports.breachedCount },
        ]}
      />
      {rows.length ? (
        <TableWrap label={byStatus}>
          <table>
            <caption>{byStatus}</caption>
            <thead>
              <tr>
                <th scope="col">{t("digests.reports.status")}</th>
                <th scope="col">{t("digests.reports.count")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.status}>
                  <th scope="row">
                    <StatusTag status={r.status} />
                  </th>
                  <td className="dg-num">{number(r.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <p className="muted">{t("digests.reports.noneOpen")}</p>
      )}
      <Breached reports={reports} />
    </Section>
  );
}

function Breached({ reports }: { reports: Digest["reports"] }) {
  const { t, dateTime, number } = useI18n();
  const linked = opensTeamPages(groups());
  const caption = t("digests.reports.breachedCaption");
  if (!reports.breached.length) return <p className="muted">{t("digests.reports.noneBreached")}</p>;
  return (
    <>
      <TableWrap label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t("digests.reports.report")}</th>
              <th scope="col">{t("digests.reports.status")}</th>
              <th scope="col">{t("digests.reports.severity")}</th>
              <th scope="col">{t("digests.reports.target")}</th>
              <th scope="col">{t("digests.reports.dueAt")}</th>
            </tr>
          </thead>
          <tbody>
            {reports.breached.map((r) => (
              <tr key={r.reportId}>
                <th scope="row" className="id">
                  {linked ? <Link to={`/support/reports/${encodeURIComponent(r.reportId)}`}>{r.reportId}</Link> : r.reportId}
                </th>
                <td>
                  <StatusTag status={r.status} />
                </td>
                <td>
                  <SeverityTag severity={r.severity} />
                </td>
                <td>{t(`digests.reports.target.${r.target}` as MessageKey)}</td>
                <td>{dateTime(r.dueAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {reports.breachedCount > reports.breached.length && (
        <p className="muted">
          {t("digests.reports.moreBreached", { shown: number(reports.breached.length), count: number(reports.breachedCount) })}
        </p>
      )}
    </>
  );
}

/** Incidents opened in the week (each linked to its page) and how many were still ongoing. */
export function IncidentsSection({ incidents }: { incidents: Digest["incidents"] }) {
  const { t, dateTime } = useI18n();
  const linked = opensTeamPages(groups());
  const caption = t("digests.incidents.caption");
  return (
    <Section id="h-digest-incidents" title={t("digests.incidents.title")}>
      <Figures
        items={[
          { label: t("digests.reports.openedInWeek"), value: incidents.openedInWeek.length },
          { label: t("digests.incidents.ongoing"), value: incidents.ongoing },
        ]}
      />
      {incidents.openedInWeek.length ? (
        <TableWrap label={caption}>
          <table>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t("digests.incidents.incident")}</th>
                <th scope="col">{t("digests.incidents.status")}</th>
                <th scope="col">{t("digests.incidents.startedAt")}</th>
                <th scope="col">{t("digests.incidents.resolvedAt")}</th>
              </tr>
            </thead>
            <tbody>
              {incidents.openedInWeek.map((i) => (
                <tr key={i.incidentId}>
                  <th scope="row">
                    {linked ? <Link to={`/support/incidents/${encodeURIComponent(i.incidentId)}`}>{i.title}</Link> : i.title}
                  </th>
                  <td>
                    <IncidentStatusTag status={i.status} />
                  </td>
                  <td>{dateTime(i.startedAt)}</td>
                  <td>{i.resolvedAt ? dateTime(i.resolvedAt) : t("digests.incidents.notResolved")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <p className="muted">{t("digests.incidents.none")}</p>
      )}
    </Section>
  );
}

/** Adoption (all patients): this week against the week before, then each feature's use. */
export function AdoptionSection({ adoption }: { adoption: Digest["adoption"] }) {
  const { t, number } = useI18n();
  const featureName = useFeatureName();
  const caption = t("digests.adoption.caption");
  const useCaption = t("digests.featureUse.caption");
  const uses = byUse(adoption.featureUse);
  return (
    <Section id="h-digest-adoption" title={t("digests.adoption.title")}>
      <TableWrap label={caption}>
        <table>
          <caption>{caption}</caption>
          <WeekHead first={t("digests.col.figure")} />
          <tbody>
            {ADOPTION_FIGURES.map((f) => (
              <tr key={f}>
                <th scope="row">{t(`digests.adoption.${f}`)}</th>
                <td className="dg-num">{number(adoption.week[f])}</td>
                <td className="dg-num">{number(adoption.previous[f])}</td>
                <ChangeCell week={adoption.week[f]} previous={adoption.previous[f]} />
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {uses.length ? (
        <TableWrap label={useCaption}>
          <table>
            <caption>{useCaption}</caption>
            <WeekHead first={t("digests.col.feature")} />
            <tbody>
              {uses.map((u) => (
                <tr key={u.feature}>
                  <th scope="row">{featureName(u.feature)}</th>
                  <td className="dg-num">{number(u.week)}</td>
                  <td className="dg-num">{number(u.previous)}</td>
                  <ChangeCell week={u.week} previous={u.previous} />
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <p className="muted">{t("digests.featureUse.none")}</p>
      )}
    </Section>
  );
}

/** The head of a this-week / week-before / change table. */
function WeekHead({ first }: { first: string }) {
  const { t } = useI18n();
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        <th scope="col">{t("digests.col.thisWeek")}</th>
        <th scope="col">{t("digests.col.previous")}</th>
        <th scope="col">{t("digests.col.change")}</th>
      </tr>
    </thead>
  );
}

/** Feedback: ratings per feature (count and average, both weeks) and the suggestions. */
export function FeedbackSection({ feedback }: { feedback: Digest["feedback"] }) {
  const { t, number } = useI18n();
  const featureName = useFeatureName();
  const caption = t("digests.ratings.caption");
  const ratings = byRatings(feedback.ratings);
  const decide = decidesSuggestions(groups());
  return (
    <Section id="h-digest-feedback" title={t("digests.feedback.title")}>
      <Figures
        items={[
          { label: t("digests.feedback.newSuggestions"), value: feedback.newSuggestions },
          {
            label: t("digests.feedback.waiting"),
            value: feedback.suggestionsWaiting,
            extra: decide && feedback.suggestionsWaiting > 0 ? <Link to="/rollout/ideas">{t("digests.feedback.decide")}</Link> : undefined,
          },
        ]}
      />
      {ratings.length ? (
        <TableWrap label={caption}>
          <table>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t("digests.col.feature")}</th>
                <th scope="col">{t("digests.ratings.countWeek")}</th>
                <th scope="col">{t("digests.ratings.averageWeek")}</th>
                <th scope="col">{t("digests.ratings.countPrevious")}</th>
                <th scope="col">{t("digests.ratings.averagePrevious")}</th>
              </tr>
            </thead>
            <tbody>
              {ratings.map((r) => (
                <tr key={r.feature}>
                  <th scope="row">{featureName(r.feature)}</th>
                  <td className="dg-num">{number(r.week.count)}</td>
                  <td className="dg-num">{averageText(r.week.average, number)}</td>
                  <td className="dg-num">{number(r.previous.count)}</td>
                  <td className="dg-num">{averageText(r.previous.average, number)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <p className="muted">{t("digests.ratings.none")}</p>
      )}
    </Section>
  );
}
