import { useEffect, useRef } from "react";
import { Field } from "../../components/ui";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { actorName, buildTimeline, denyReasonKey, statusKey, stepKey, type PharmacyForm, type RefillRequest, type RefillStatus } from "./refills";
import "./refills.css";

// Small pieces the patient's and the practice's screens share.

export function RefillStatusTag({ status }: { status: RefillStatus }) {
  const { t } = useI18n();
  return <span className={`tag refill-status-${status}`}>{t(statusKey(status))}</span>;
}

/** The status timeline: an ordered list of steps, the current one marked for everyone. */
export function RefillTimeline({ request, headingId }: { request: Pick<RefillRequest, "status" | "history" | "createdAt">; headingId: string }) {
  const { t, dateTime } = useI18n();
  return (
    <ol className="plain refill-steps" aria-labelledby={headingId}>
      {buildTimeline(request).map((step, i) => (
        <li key={`${step.kind}-${i}`} className={`refill-step refill-step-${step.state}`} aria-current={step.state === "current" ? "step" : undefined}>
          <span className="refill-step-mark" aria-hidden="true" />
          <div>
            <p className="refill-step-title">
              <strong>{t(stepKey(step))}</strong>
              {step.state === "upcoming" && <span className="muted"> ({t("refills.step.upcoming")})</span>}
              {step.state === "current" && <span className="visually-hidden"> ({t("refills.step.current")})</span>}
            </p>
            {step.at && (
              <p className="muted refill-step-meta">
                {dateTime(step.at)}
                {step.by ? ` · ${t("refills.step.by", { name: actorName(t, step.by, "refills.role.clinician") })}` : ""}
              </p>
            )}
            {step.note && <p className="message-text">{step.note}</p>}
          </div>
        </li>
      ))}
    </ol>
  );
}

/** A pharmacy's address and ids, as the lists and requests show it. */
export function PharmacyText({ pharmacy }: { pharmacy: { name: string; address: { line: string; city: string; state: string; postalCode: string }; phone: string; ncpdpId?: string; npi?: string } }) {
  const { t } = useI18n();
  const a = pharmacy.address;
  return (
    <>
      <strong>{pharmacy.name}</strong>
      <br />
      {a.line}, {a.city}, {a.state} {a.postalCode}
      <br />
      {pharmacy.phone}
      {(pharmacy.ncpdpId || pharmacy.npi) && (
        <>
          <br />
          <span className="muted">
            {[pharmacy.ncpdpId && t("refills.pharmacy.ncpdpShort", { id: pharmacy.ncpdpId }), pharmacy.npi && t("refills.pharmacy.npiShort", { id: pharmacy.npi })]
              .filter(Boolean)
              .join(" · ")}
          </span>
        </>
      )}
    </>
  );
}

/** The decision as the patient and the practice read it. */
export function DecisionFacts({ decision }: { decision: NonNullable<RefillRequest["decision"]> }) {
  const { t, dateTime, number } = useI18n();
  return (
    <>
      <dl className="facts">
        {decision.quantity && (
          <>
            <dt>{t("refills.detail.quantity")}</dt>
            <dd>{t("refills.detail.quantityValue", { value: number(decision.quantity.value), unit: decision.quantity.unit })}</dd>
          </>
        )}
        {decision.refills !== undefined && (
          <>
            <dt>{t("refills.detail.refills")}</dt>
            <dd>{number(decision.refills)}</dd>
          </>
        )}
        {decision.reasonCode && (
          <>
            <dt>{t("refills.detail.reason")}</dt>
            <dd>{t(denyReasonKey(decision.reasonCode))}</dd>
          </>
        )}
        {decision.message && (
          <>
            <dt>{t("refills.detail.message")}</dt>
            <dd className="message-text">{decision.message}</dd>
          </>
        )}
      </dl>
      <p className="muted">{t("refills.detail.decidedBy", { name: actorName(t, decision.decidedBy, "refills.role.clinician"), date: dateTime(decision.decidedAt) })}</p>
    </>
  );
}

/**
 * The errors of a form, listed at its top with a link to each field (focus moves here when a
 * submit fails, so the person hears what to fix).
 */
export function ErrorSummary({ errors, fieldIds, labels }: { errors: Record<string, string>; fieldIds: Record<string, string>; labels: Record<string, string> }) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const entries = Object.entries(errors).filter(([field]) => fieldIds[field]);
  const signature = entries.map(([f, m]) => `${f}:${m}`).join("|");
  useEffect(() => {
    if (signature) box.current?.focus();
  }, [signature]);
  if (!entries.length) return null;
  return (
    <div ref={box} className="notice error error-summary" role="alert" tabIndex={-1}>
      <p className="notice-title">{t("refills.errorSummary")}</p>
      <ul>
        {entries.map(([field, message]) => (
          <li key={field}>
            <a href={`#${fieldIds[field]}`} onClick={(e) => {
              e.preventDefault();
              document.getElementById(fieldIds[field]!)?.focus();
            }}>
              {labels[field] ? `${labels[field]}: ` : ""}
              {message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The API's JSON paths of a pharmacy's fields, under `prefix` (`pharmacy.` on a request). */
export const pharmacyFields = (prefix: string) => ({
  name: `${prefix}name`,
  line: `${prefix}address.line`,
  city: `${prefix}address.city`,
  state: `${prefix}address.state`,
  postalCode: `${prefix}address.postalCode`,
  phone: `${prefix}phone`,
  ncpdpId: `${prefix}ncpdpId`,
  npi: `${prefix}npi`,
});

const LABELS: Record<keyof PharmacyForm, MessageKey> = {
  name: "refills.pharmacy.name",
  line: "refills.pharmacy.line",
  city: "refills.pharmacy.city",
  state: "refills.pharmacy.state",
  postalCode: "refills.pharmacy.postalCode",
  phone: "refills.pharmacy.phone",
  ncpdpId: "refills.pharmacy.ncpdpId",
  npi: "refills.pharmacy.npi",
};

/** The labels of a pharmacy's fields by API path, for an error summary. */
export function pharmacyLabels(t: (key: MessageKey) => string, prefix: string): Record<string, string> {
  const paths = pharmacyFields(prefix);
  return Object.fromEntries((Object.keys(LABELS) as (keyof PharmacyForm)[]).map((k) => [paths[k], t(LABELS[k])]));
}

/** The element ids of a pharmacy's fields by API path (`base` keeps two forms on a page apart). */
export function pharmacyIds(base: string, prefix: string): Record<string, string> {
  const paths = pharmacyFields(prefix);
  return Object.fromEntries((Object.keys(LABELS) as (keyof PharmacyForm)[]).map((k) => [paths[k], `${base}-${k}`]));
}

/** A pharmacy's name, address, phone and ids as inputs, each with its error beside it. */
export function PharmacyFields({
  form,
  onChange,
  errors,
  prefix,
  base,
  idsRequired,
}: {
  form: PharmacyForm;
  onChange: (next: PharmacyForm) => void;
  errors: Record<string, string>;
  prefix: string;
  base: string;
  idsRequired: boolean;
}) {
  const { t } = useI18n();
  const paths = pharmacyFields(prefix);
  const ids = pharmacyIds(base, prefix);
  const input = (key: keyof PharmacyForm, extra: Record<string, string | number> = {}) => ({
    id: ids[paths[key]],
    label: t(LABELS[key]),
    value: form[key],
    error: errors[paths[key]],
    onChange: (e: { target: { value: string } }) => onChange({ ...form, [key]: e.target.value }),
    ...extra,
  });
  return (
    <>
      <Field {...input("name", { maxLength: 200, autoComplete: "organization" })} />
      <Field {...input("line", { maxLength: 200 })} />
      <div className="refill-row">
        <Field {...input("city", { maxLength: 100 })} />
        <Field {...input("state", { maxLength: 2, autoComplete: "off" })} />
        <Field {...input("postalCode", { maxLength: 10, inputMode: "numeric" })} />
      </div>
      <Field {...input("phone", { type: "tel", inputMode: "tel", autoComplete: "off" })} hint={t("refills.pharmacy.phoneHint")} />
      <fieldset>
        <legend>{t("refills.pharmacy.ids")}</legend>
        <p className="hint">{t(idsRequired ? "refills.pharmacy.idsRequired" : "refills.pharmacy.idsOptional")}</p>
        <div className="refill-row">
          <Field {...input("ncpdpId", { inputMode: "numeric", maxLength: 7 })} />
          <Field {...input("npi", { inputMode: "numeric", maxLength: 10 })} />
        </div>
      </fieldset>
    </>
  );
}
