import { useRef, useState } from "react";
import { NotFound, Page } from "../../components/ui";
import { Tour } from "../../components/Tour";
import { markTourSeen } from "../../components/tour";
import { getSession } from "../../auth/session";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { GUIDES, guideSteps, guideSummary, guideTitle, guidesPath, isGuide } from "./guides";

// "Learn the portal": short guides for patients and caregivers, and the tour again on request.

export default function Guides({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  const [touring, setTouring] = useState(false);
  const again = useRef<HTMLButtonElement>(null);
  return (
    <Page title={t("guides.title")}>
      <p>{t("guides.intro")}</p>
      {touring ? (
        <Tour
          focus
          onClose={() => {
            const sub = getSession()?.claims.sub;
            if (sub) markTourSeen(sub);
            setTouring(false);
            requestAnimationFrame(() => again.current?.focus());
          }}
        />
      ) : (
        <section className="card" aria-labelledby="h-tour">
          <h2 id="h-tour">{t("guides.tourAgain")}</h2>
          <p>{t("guides.tourHint")}</p>
          <button ref={again} type="button" className="primary" onClick={() => setTouring(true)}>
            {t("guides.tourAgain")}
          </button>
        </section>
      )}
      <ul className="plain guide-list">
        {GUIDES.map((id) => (
          <li key={id} className="card">
            <h2>
              <Link to={`${guidesPath(patientId)}/${id}`}>{t(guideTitle(id))}</Link>
            </h2>
            <p>{t(guideSummary(id))}</p>
          </li>
        ))}
      </ul>
    </Page>
  );
}

/** One guide: its steps, in order. */
export function Guide({ patientId, guide }: { patientId: string; guide: string }) {
  const { t } = useI18n();
  if (!isGuide(guide)) return <NotFound />;
  return (
    <Page title={t(guideTitle(guide))}>
      <p>
        <Link to={guidesPath(patientId)}>{t("guides.back")}</Link>
      </p>
      <section className="card" aria-labelledby="h-steps">
        <p>{t(guideSummary(guide))}</p>
        <h2 id="h-steps">{t("guides.stepsTitle")}</h2>
        <ol className="guide-steps">
          {guideSteps(guide).map((key) => (
            <li key={key}>{t(key)}</li>
          ))}
        </ol>
      </section>
    </Page>
  );
}
