import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";

// Small pieces the training screens share: a module's status and what it unlocks, in words.

const STATUSES = ["assigned", "completed", "waived", "not-assigned"] as const;

export function ModuleStatus({ status }: { status: string }) {
  const { t } = useI18n();
  const known = (STATUSES as readonly string[]).includes(status);
  const done = status === "completed" || status === "waived";
  return (
    <span className={done ? "tag on" : "tag off"}>{known ? t(`training.status.${status}` as MessageKey) : status}</span>
  );
}

const CAPABILITIES = ["message-inbox", "identity-review", "rollout"] as const;

/** What finishing a module lets the member do ("nothing gated" for the basics). */
export function useCapabilityText(): (capability: string | null | undefined) => string {
  const { t } = useI18n();
  return (capability) =>
    capability && (CAPABILITIES as readonly string[]).includes(capability)
      ? t(`training.capability.${capability}` as MessageKey)
      : capability
        ? capability
        : t("training.capability.none");
}
