import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { ErrorNotice, Loaded, NotFound, Page, TableWrap, isNotFound } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { Link } from "../../router";
import { WAVE_STATUSES, canResend, waveProgress } from "../../rollout";

/** How often a wave that is still sending is asked for again while the page is open. */
const REFRESH_MS = 15_000;
const PAGE_SIZE = 100;

/** One wave: its counts, its progress, its members (ids and status), and a re-send to those who have not activated. */
export default function Wave({ waveId }: { waveId: string }) {
  const { api } = useApp();
  const { t, dateTime, number } = useI18n();
  const queryClient = useQueryClient();
  const [cursor, setCursor] = useState<string | null>(null);
  const [resent, setResent] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const wave = useQuery({
    queryKey: ["rollout", "wave", waveId, cursor],
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/rollout/waves/{waveId}", {
            params: { path: { waveId }, query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
          }),
        )
      ).data,
    refetchInterval: (query) => (query.state.data?.sending ? REFRESH_MS : false),
  });
  if (isNotFound(wave.error)) return <NotFound />;
  const resend = async () => {
    setError(null);
    setResent(null);
    setBusy(true);
    try {
      const { data } = await unwrap(api.POST("/rollout/waves/{waveId}/resend", { params: { path: { waveId } }, body: {} }));
      setResent(data.requeued);
      await queryClient.invalidateQueries({ queryKey: ["rollout", "wave", waveId] });
      await queryClient.invalidateQueries({ queryKey: ["rollout", "waves"] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const title = wave.data ? t("wave.title", { cohort: wave.data.cohort }) : t("waves.title");
  return (
    <Page title={title} actions={<Link to="/rollout/waves">{t("wave.back")}</Link>}>
      <Loaded query={wave}>
        {(w) => {
          const p = waveProgress(w.counts, w.members);
          return (
            <>
              <dl className="facts">
                <dt>{t("waves.cohort")}</dt>
                <dd>
                  <Link to={`/rollout/cohorts/${encodeURIComponent(w.cohort)}`}>{w.cohort}</Link>
                </dd>
                <dt>{t("waves.started")}</dt>
                <dd>{dateTime(w.createdAt)}</dd>
                <dt>{t("wave.deliverBy")}</dt>
                <dd>{t("wave.rate", { rate: number(w.ratePerHour), channel: t(`deliver.${w.deliverBy}` as MessageKey) })}</dd>
              </dl>
              <section className="card" aria-labelledby="h-progress">
                <h2 id="h-progress">{t("waves.progress")}</h2>
                <label htmlFor="wave-progress">{t("wave.activatedOf", { activated: p.activated, total: p.total })}</label>
                <progress id="wave-progress" className="progress" max={Math.max(p.total, 1)} value={p.activated}>
                  {p.percent}%
                </progress>
                {w.sending && <p className="muted">{t("wave.sending")}</p>}
                <ul className="counts">
                  {WAVE_STATUSES.map((s) => (
                    <li key={s}>
                      <span className="n">{number(w.counts[s])}</span>
                      {t(`wave.status.${s}` as MessageKey)}
                    </li>
                  ))}
                </ul>
              </section>
              {resent !== null && (
                <p role="status" className="notice success">
                  {t("wave.resent", { count: resent })}
                </p>
              )}
              {error !== null && <ErrorNotice error={error} />}
              {canResend(w.counts) && (
                <button type="button" className="primary" disabled={busy} onClick={() => void resend()}>
                  {t("wave.resend")}
                </button>
              )}
              <section className="card" aria-labelledby="h-wave-members">
                <h2 id="h-wave-members">{t("cohorts.members")}</h2>
                {w.membersPage.items.length ? (
                  <TableWrap label={`${t("cohorts.members")}: ${title}`}>
                    <table>
                      <caption className="visually-hidden">{`${t("cohorts.members")}: ${title}`}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t("cohort.patientId")}</th>
                          <th scope="col">{t("cohort.outcome")}</th>
                          <th scope="col">{t("wave.invitedAt")}</th>
                          <th scope="col">{t("wave.sends")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {w.membersPage.items.map((m) => (
                          <tr key={m.patientId}>
                            <th scope="row" className="id">
                              {m.patientId}
                            </th>
                            <td>
                              {t(`wave.status.${m.status}` as MessageKey)}
                              {m.reason && ` (${t(`wave.reason.${m.reason}` as MessageKey)})`}
                            </td>
                            <td>{m.invitedAt ? dateTime(m.invitedAt) : ""}</td>
                            <td>{m.sends}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableWrap>
                ) : (
                  <p className="muted">{t("app.none")}</p>
                )}
                <div className="actions">
                  {cursor && (
                    <button type="button" onClick={() => setCursor(null)}>
                      {t("wave.firstPage")}
                    </button>
                  )}
                  {w.membersPage.nextCursor && (
                    <button type="button" onClick={() => setCursor(w.membersPage.nextCursor ?? null)}>
                      {t("rollout.more")}
                    </button>
                  )}
                </div>
              </section>
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}
