import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../api/client";
import { ErrorNotice, Loaded, Page } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";

function identityText(i: Schemas["Identity"], date: (v: string) => string): string {
  return [i.legalName && `${i.legalName.given} ${i.legalName.family}`, i.dateOfBirth && date(i.dateOfBirth), i.sex]
    .filter(Boolean)
    .join(", ");
}

export default function ProfileChanges() {
  const { api } = useApp();
  const { t, date, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const changes = useQuery({
    queryKey: ["profile-changes"],
    queryFn: async () => (await unwrap(api.GET("/staff/profile-changes", { params: { query: { limit: 50 } } }))).data,
  });
  const [error, setError] = useState<unknown>(null);
  const [decided, setDecided] = useState(false);
  const decide = async (changeId: string, decision: "approve" | "reject") => {
    setError(null);
    setDecided(false);
    try {
      await unwrap(api.POST("/staff/profile-changes/{changeId}/decision", { params: { path: { changeId } }, body: { decision } }));
      setDecided(true);
      await queryClient.invalidateQueries({ queryKey: ["profile-changes"] });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Page title={t("staff.profileChanges")}>
      {error !== null && <ErrorNotice error={error} />}
      {decided && (
        <p role="status" className="notice success">
          {t("staff.decided")}
        </p>
      )}
      <Loaded query={changes}>
        {(page) =>
          page.items.length ? (
            <ul className="plain">
              {page.items.map((c) => (
                <li key={c.changeId} className="card">
                  <dl className="facts">
                    <dt>{t("staff.previous")}</dt>
                    <dd>{identityText(c.previous, date)}</dd>
                    <dt>{t("staff.requested")}</dt>
                    <dd>{identityText(c.requested, date)}</dd>
                  </dl>
                  <p className="muted">{dateTime(c.requestedAt)}</p>
                  <div className="actions">
                    <button type="button" className="primary" onClick={() => void decide(c.changeId, "approve")}>
                      {t("staff.approve")}
                      <span className="visually-hidden">: {identityText(c.requested, date)}</span>
                    </button>
                    <button type="button" onClick={() => void decide(c.changeId, "reject")}>
                      {t("staff.reject")}
                      <span className="visually-hidden">: {identityText(c.requested, date)}</span>
                    </button>
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
