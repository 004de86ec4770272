import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { getSession } from "../../auth/session";
import { ErrorNotice, Loaded, Page } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { BackupCodes } from "./BackupCodes";
import { EnrolAuthenticator } from "./Enrol";
import { FreshSignIn, useFreshAction } from "./FreshSignIn";
import { mfaStatusKey, renewTokens, useMfaStatus } from "./api";
import "./security.css";

// "Account security" (`/account/security`), for every signed-in account: the authenticator app's
// status, setting one up, new backup codes, and removing it (patients and caregivers; staff ask
// an administrator). Removing and new codes need a sign-in of the last minutes.

type Notice = "enrolled" | "removed" | null;

export default function AccountSecurity() {
  const { t } = useI18n();
  const sub = getSession()?.claims.sub ?? "";
  const status = useMfaStatus(sub);
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<Notice>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: mfaStatusKey(sub) });

  return (
    <Page title={t("security.title")}>
      <p>{t("security.intro")}</p>
      <div role="status">
        {notice && <p className="notice success">{notice === "enrolled" ? t("security.enrolled") : t("security.removed")}</p>}
      </div>
      <Loaded query={status}>
        {(s) => (
          <>
            <section className="card" aria-labelledby="mfa-app-h">
              <h2 id="mfa-app-h">{t("security.app.heading")}</h2>
              <p>{s.enabled ? t("security.status.on") : t("security.status.off")}</p>
              {s.requiredForRole && <p>{t("security.status.required")}</p>}
              {s.enabled ? (
                <p>{t("security.status.backupLeft", { count: s.backupCodesLeft })}</p>
              ) : (
                <EnrolAuthenticator
                  level={3}
                  onDone={() => {
                    setNotice("enrolled");
                    refresh();
                  }}
                />
              )}
            </section>
            {s.enabled && <NewBackupCodes onChanged={refresh} />}
            {s.enabled &&
              (s.requiredForRole ? (
                <section className="card" aria-labelledby="mfa-remove-h">
                  <h2 id="mfa-remove-h">{t("security.remove.heading")}</h2>
                  <p>{t("security.remove.staff")}</p>
                </section>
              ) : (
                <RemoveAuthenticator
                  onRemoved={() => {
                    setNotice("removed");
                    refresh();
                  }}
                />
              ))}
          </>
        )}
      </Loaded>
    </Page>
  );
}

/** `POST /auth/mfa/backup-codes`: a new set, shown once (the old set stops working). */
function NewBackupCodes({ onChanged }: { onChanged: () => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const [codes, setCodes] = useState<string[] | null>(null);
  const action = useFreshAction(async () => {
    const { data } = await unwrap(api.POST("/auth/mfa/backup-codes"));
    setCodes(data.backupCodes);
    onChanged();
  });
  return (
    <section className="card" aria-labelledby="mfa-codes-h">
      <h2 id="mfa-codes-h">{t("security.regenerate.heading")}</h2>
      {codes ? (
        <BackupCodes codes={codes} level={3} onDone={() => setCodes(null)} />
      ) : action.needsFresh ? (
        <FreshSignIn level={3} onSignedIn={action.afterFresh} onCancel={action.cancelFresh} />
      ) : (
        <>
          <p>{t("security.regenerate.intro")}</p>
          {action.error !== null && <ErrorNotice error={action.error} />}
          <button type="button" disabled={action.busy} onClick={() => void action.run()}>
            {t("security.regenerate.button")}
          </button>
        </>
      )}
    </section>
  );
}

/** `DELETE /auth/mfa/totp` after a confirmation; the tokens are renewed (the ID token no longer says MFA). */
function RemoveAuthenticator({ onRemoved }: { onRemoved: () => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const action = useFreshAction(async () => {
    await unwrap(api.DELETE("/auth/mfa/totp"));
    await renewTokens();
    onRemoved();
  });
  return (
    <section className="card" aria-labelledby="mfa-remove-h">
      <h2 id="mfa-remove-h">{t("security.remove.heading")}</h2>
      {action.needsFresh ? (
        <FreshSignIn level={3} onSignedIn={action.afterFresh} onCancel={action.cancelFresh} />
      ) : (
        <>
          <p>{t("security.remove.intro")}</p>
          {action.error !== null && <ErrorNotice error={action.error} />}
          {confirming ? (
            <>
              <p>
                <strong>{t("security.remove.confirm")}</strong>
              </p>
              <div className="actions">
                <button type="button" className="danger" disabled={action.busy} onClick={() => void action.run()}>
                  {t("security.remove.yes")}
                </button>
                <button type="button" disabled={action.busy} onClick={() => setConfirming(false)}>
                  {t("security.remove.no")}
                </button>
              </div>
            </>
          ) : (
            <button type="button" onClick={() => setConfirming(true)}>
              {t("security.remove.button")}
            </button>
          )}
        </>
      )}
    </section>
  );
}
