import { useQueryClient } from "@tanstack/react-query";
import { mfaSetupDone } from "../../auth/session";
import { Page } from "../../components/ui";
import { useI18n } from "../../i18n";
import { EnrolAuthenticator } from "./Enrol";
import "./security.css";

/**
 * A staff account without an authenticator app (sign-in said `mfaSetupRequired`, or a call was
 * refused `mfa-required`) sees this before anything else; once enrolled (tokens renewed, codes
 * saved), the page it was going to loads again.
 */
export default function MfaSetupGate() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  return (
    <Page title={t("security.gate.title")}>
      <p>{t("security.gate.intro")}</p>
      <EnrolAuthenticator
        level={2}
        onDone={() => {
          mfaSetupDone();
          // What was refused for want of MFA is asked again.
          void queryClient.invalidateQueries();
        }}
      />
    </Page>
  );
}
