import { ApiError } from "../api/client";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { Link } from "../router";

// The `training-required` problem (403 with `module`): staff work refused until the member has
// finished the module that gates it. Said as what to do next, with the way to the module.

/** The modules the portal knows (the API's `TrainingModule` ids). */
export const TRAINING_MODULES = ["portal-basics", "message-inbox", "identity-review", "portal-rollout"] as const;
export type TrainingModuleId = (typeof TRAINING_MODULES)[number];

export function isTrainingRequired(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 403 && /(^|\/)training-required$/.test(error.problem.type);
}

/** The module a `training-required` problem names, or null (another problem, or no module). */
export function requiredModule(error: unknown): string | null {
  if (!isTrainingRequired(error)) return null;
  const module: unknown = error.problem.module;
  return typeof module === "string" && /^[a-z0-9-]{1,64}$/.test(module) ? module : null;
}

/** A module's name in the reader's language (a module the app does not know yet: its id). */
export function useModuleTitle(): (moduleId: string) => string {
  const { t } = useI18n();
  return (moduleId) =>
    (TRAINING_MODULES as readonly string[]).includes(moduleId) ? t(`training.module.${moduleId}` as MessageKey) : moduleId;
}

export function TrainingRequiredNotice({ error }: { error: ApiError }) {
  const { t } = useI18n();
  const title = useModuleTitle();
  const module = requiredModule(error);
  return (
    <div role="alert" className="notice training-required">
      <p className="notice-title">{t("training.required.title")}</p>
      {module ? (
        <>
          <p>{t("training.required.detail", { module: title(module) })}</p>
          <p>
            <Link to={`/staff/training/${encodeURIComponent(module)}`}>{t("training.required.open", { module: title(module) })}</Link>
          </p>
        </>
      ) : (
        <>
          <p>{error.problem.detail ?? t("training.required.generic")}</p>
          <p>
            <Link to="/staff/training">{t("training.nav")}</Link>
          </p>
        </>
      )}
    </div>
  );
}
