import { useQuery } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { Loaded, Page, TableWrap } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { waveProgress } from "../../rollout";

/** Every invitation wave, newest first, with how far each has come. */
export default function Waves() {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const waves = useQuery({
    queryKey: ["rollout", "waves"],
    queryFn: async () => (await unwrap(api.GET("/rollout/waves"))).data,
  });
  return (
    <Page title={t("waves.title")}>
      <Loaded query={waves}>
        {(page) =>
          page.items.length ? (
            <TableWrap label={t("waves.title")}>
              <table>
                <caption className="visually-hidden">{t("waves.title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("waves.cohort")}</th>
                    <th scope="col">{t("waves.started")}</th>
                    <th scope="col">{t("waves.progress")}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((w) => {
                    const p = waveProgress(w.counts, w.members);
                    return (
                      <tr key={w.waveId}>
                        <th scope="row">
                          <Link to={`/rollout/waves/${encodeURIComponent(w.waveId)}`}>{w.cohort}</Link>
                        </th>
                        <td>{dateTime(w.createdAt)}</td>
                        <td>{t("wave.activatedOf", { activated: p.activated, total: p.total })}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableWrap>
          ) : (
            <p className="muted">{t("app.none")}</p>
          )
        }
      </Loaded>
    </Page>
  );
}
