import { ApiError } from "../api/client";
import { useI18n } from "../i18n";
import { Page } from "./ui";

// A locked account (issue 21). The API answers `account-locked` (403) to a caregiver acting for a
// patient whose account the front desk locked; `GET /caregivers/me/patients` marks that patient
// `locked`. Either way the caregiver reads why, not "Not found" and not a generic error.

export function isAccountLocked(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 403 && /(^|\/)account-locked$/.test(error.problem.type);
}

/** What a caregiver sees instead of a locked patient's pages: why, and no way into the record. */
export function LockedPatient({ name }: { name?: string | undefined }) {
  const { t } = useI18n();
  return (
    <Page title={name ? t("lockedPatient.title", { name }) : t("lockedPatient.titleUnnamed")}>
      <div className="notice">
        <p>{t("lockedPatient.detail")}</p>
      </div>
    </Page>
  );
}
