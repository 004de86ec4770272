import { useId, useState, type FormEvent } from "react";
import { unwrap } from "../../api/client";
import { ErrorNotice, Field, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { BackupCodes } from "./BackupCodes";
import { Heading } from "./Heading";
import { QrCode } from "./QrCode";
import { cleanCode, currentAccessToken, renewTokens } from "./api";

type Step = { kind: "idle" } | { kind: "scan"; secret: string; otpauthUri: string } | { kind: "codes"; codes: string[] };

/** The setup key in groups of four, easier to read and type (the app ignores the spaces). */
export const groupKey = (secret: string) => secret.match(/.{1,4}/g)?.join(" ") ?? secret;

/**
 * Setting up an authenticator app: the QR code and the key (`POST /auth/mfa/totp`), the app's
 * code (`POST /auth/mfa/totp/verify`), then the backup codes once. The tokens are renewed as
 * soon as it is on (the new ID token says so); `onDone` once the codes are saved.
 */
export function EnrolAuthenticator({ level, onDone }: { level: 2 | 3; onDone: () => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const id = useId();
  const [step, setStep] = useState<Step>({ kind: "idle" });
  const [code, setCode] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const start = () =>
    run(async () => {
      const accessToken = await currentAccessToken();
      const { data } = await unwrap(api.POST("/auth/mfa/totp", { body: { accessToken } }));
      setCode("");
      setStep({ kind: "scan", secret: data.secret, otpauthUri: data.otpauthUri });
    });

  const verify = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const accessToken = await currentAccessToken();
      const { data } = await unwrap(api.POST("/auth/mfa/totp/verify", { body: { accessToken, code: cleanCode(code) } }));
      // The new ID token carries `custom:mfa`: staff work opens with it.
      await renewTokens();
      setStep({ kind: "codes", codes: data.backupCodes });
    });
  };

  const errors = fieldErrors(error);
  if (step.kind === "codes") return <BackupCodes codes={step.codes} level={level} onDone={onDone} />;
  if (step.kind === "idle") {
    return (
      <div className="enrol">
        {error !== null && <ErrorNotice error={error} />}
        <button type="button" className="primary" disabled={busy} onClick={() => void start()}>
          {t("security.enrol.start")}
        </button>
      </div>
    );
  }
  return (
    <section aria-labelledby={`${id}-h`} className="enrol">
      <Heading level={level} id={`${id}-h`} focus>
        {t("security.enrol.heading")}
      </Heading>
      <p>{t("security.enrol.scan")}</p>
      <QrCode text={step.otpauthUri} label={t("security.enrol.qrAlt")} />
      <p>
        {t("security.enrol.key")}{" "}
        <code className="setup-key">
          {groupKey(step.secret)}
        </code>
      </p>
      <form onSubmit={verify} className="form" noValidate>
        <p>{t("security.enrol.enterCode")}</p>
        <Field
          label={t("security.enrol.code")}
          hint={t("security.enrol.codeHint")}
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={errors.code}
        />
        {error !== null && !errors.code && <ErrorNotice error={error} />}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t("security.enrol.verify")}
          </button>
          <button type="button" disabled={busy} onClick={() => setStep({ kind: "idle" })}>
            {t("security.enrol.cancel")}
          </button>
        </div>
      </form>
    </section>
  );
}
