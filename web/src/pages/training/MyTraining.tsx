import { Loaded, Page, TableWrap } from "../../components/ui";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { useMyTraining } from "./api";
import { ModuleStatus, useCapabilityText } from "./parts";
import "./training.css";

// "My training" (every staff role): the caller's modules, how far they are, and what each unlocks.

export default function MyTraining() {
  const { t, date } = useI18n();
  const plan = useMyTraining();
  const unlocks = useCapabilityText();
  const caption = t("training.list.caption");
  return (
    <Page title={t("training.title")}>
      <p>{t("training.intro")}</p>
      <Loaded query={plan}>
        {(view) => (
          <>
            {view.cleared ? (
              <p className="notice success">{t("training.cleared")}</p>
            ) : (
              <p className="notice">{t("training.notCleared")}</p>
            )}
            <TableWrap label={caption}>
              <table className="training-modules">
                <caption>{caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("training.col.module")}</th>
                    <th scope="col">{t("training.col.unlocks")}</th>
                    <th scope="col">{t("training.col.status")}</th>
                    <th scope="col">{t("training.col.score")}</th>
                    <th scope="col">{t("training.col.attempts")}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.modules.map((m) => (
                    <tr key={m.moduleId}>
                      <th scope="row">
                        <Link to={`/staff/training/${encodeURIComponent(m.moduleId)}`}>{m.title}</Link>
                      </th>
                      <td>{unlocks(m.capability)}</td>
                      <td>
                        <ModuleStatus status={m.status} />
                        {m.completedAt && <span className="muted"> {t("training.on", { date: date(m.completedAt) })}</span>}
                        {m.waiver && <span className="muted"> {t("training.waivedBy", { name: m.waiver.byName })}</span>}
                      </td>
                      <td>{m.score !== undefined && m.score !== null ? t("training.percent", { score: m.score }) : "—"}</td>
                      <td>{m.attempts}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </>
        )}
      </Loaded>
    </Page>
  );
}
