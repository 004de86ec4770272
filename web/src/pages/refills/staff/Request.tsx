import { useId, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { unwrap, type Api } from "../../../api/client";
import { getSession } from "../../../auth/session";
import { ErrorNotice, Field, Loaded, NotFound, Page, fieldErrors, isNotFound } from "../../../components/ui";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import type { MessageKey } from "../../../i18n/en";
import { Link } from "../../../router";
import { conflictKey, keys, refreshStaff, useStaffRefill } from "../api";
import { DecisionFacts, ErrorSummary, PharmacyText, RefillStatusTag, RefillTimeline } from "../parts";
import {
  actorName,
  checkDecision,
  DENY_REASONS,
  denyReasonKey,
  emptyDecisionForm,
  isOpen,
  MESSAGE_MAX,
  OUTCOMES,
  type DecisionForm,
  type StaffRefillRequest,
} from "../refills";

// One refill request as the practice works it: the patient's summary, what was asked, its
// history; clinicians start the review and decide; clinicians and the front desk mark an
// approved one sent to the pharmacy.

export default function StaffRefill({ refillId }: { refillId: string }) {
  const { t } = useI18n();
  const request = useStaffRefill(refillId);
  const [decided, setDecided] = useState(false);
  const groups = getSession()?.claims.groups ?? [];
  const clinician = groups.includes("clinicians");
  if (isNotFound(request.error)) return <NotFound />;
  return (
    <Page title={t("refills.detail.title")}>
      <p>
        <Link to="/staff/refills">{t("refillsStaff.detail.back")}</Link>
      </p>
      <Loaded query={request}>
        {(r) => (
          <>
            <Facts request={r} />
            <section className="card" aria-labelledby="h-history">
              <h2 id="h-history">{t("refillsStaff.detail.history")}</h2>
              <RefillTimeline request={r} headingId="h-history" />
            </section>
            {decided && (
              <p role="status" className="notice success">
                {t("refillsStaff.decision.saved")}
              </p>
            )}
            {r.decision && (
              <section className="card" aria-labelledby="h-decided">
                <h2 id="h-decided">{t("refillsStaff.decision.title")}</h2>
                <DecisionFacts decision={r.decision} />
              </section>
            )}
            <Actions request={r} clinician={clinician} />
            {isOpen(r.status) &&
              (clinician ? (
                <DecisionPanel key={r.version} request={r} onDecided={() => setDecided(true)} />
              ) : (
                <p className="muted">{t("refillsStaff.decision.cliniciansOnly")}</p>
              ))}
          </>
        )}
      </Loaded>
    </Page>
  );
}

function Facts({ request: r }: { request: StaffRefillRequest }) {
  const { t, dateTime, date } = useI18n();
  return (
    <section className="card" aria-labelledby="h-request">
      <h2 id="h-request">{r.medication.title}</h2>
      <dl className="facts">
        <dt>{t("refillsStaff.detail.patient")}</dt>
        <dd>
          {r.patient.name ?? t("refillsStaff.nameUnknown")} <Link to={`/staff/patients/${encodeURIComponent(r.patient.patientId)}`}>{t("refillsStaff.detail.openPatient")}</Link>
        </dd>
        <dt>{t("refillsStaff.detail.birthDate")}</dt>
        <dd>{r.patient.birthDate ? date(r.patient.birthDate) : "—"}</dd>
        <dt>{t("refills.detail.status")}</dt>
        <dd>
          <RefillStatusTag status={r.status} />
          {r.overdue && (
            <>
              {" "}
              <span className="tag refill-overdue">{t("refillsStaff.overdue")}</span>
            </>
          )}
        </dd>
        <dt>{t("refills.detail.requested")}</dt>
        <dd>
          {dateTime(r.createdAt)} · {actorName(t, r.requestedBy, "refills.role.patient")}
        </dd>
        <dt>{t("refillsStaff.detail.due")}</dt>
        <dd>{dateTime(r.dueAt)}</dd>
        {r.reviewer && (
          <>
            <dt>{t("refillsStaff.detail.reviewer")}</dt>
            <dd>{actorName(t, r.reviewer, "refills.role.clinician", { alone: true })}</dd>
          </>
        )}
        <dt>{t("refills.detail.pharmacy")}</dt>
        <dd>
          <PharmacyText pharmacy={r.pharmacy} />
        </dd>
        {r.note && (
          <>
            <dt>{t("refillsStaff.detail.patientNote")}</dt>
            <dd className="message-text">{r.note}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** One bodiless step (start review, mark sent): the request as it now is, or a 409 read again. */
function useStep(refillId: string) {
  const { api } = useApp();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<MessageKey | null>(null);
  const run = async (call: (api: Api) => Promise<StaffRefillRequest>, said: MessageKey) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      queryClient.setQueryData(keys.staffRequest(refillId), await call(api));
      refreshStaff(queryClient);
      setDone(said);
    } catch (e) {
      setError(e);
      if (conflictKey(e)) void queryClient.invalidateQueries({ queryKey: keys.staffRequest(refillId) });
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, run };
}

function Actions({ request: r, clinician }: { request: StaffRefillRequest; clinician: boolean }) {
  const { t } = useI18n();
  const step = useStep(r.refillId);
  const path = { params: { path: { refillId: r.refillId } } };
  const canReview = clinician && r.status === "requested";
  const canSend = r.status === "approved";
  if (!canReview && !canSend && !step.done && !step.error) return null;
  const conflict = conflictKey(step.error);
  return (
    <div className="refill-actions">
      {canReview && (
        <button
          type="button"
          disabled={step.busy}
          onClick={() => void step.run(async (api) => (await unwrap(api.POST("/staff/refills/{refillId}/review", path))).data, "refillsStaff.reviewStarted")}
        >
          {t("refillsStaff.startReview")}
        </button>
      )}
      {canSend && (
        <button
          type="button"
          className="primary"
          disabled={step.busy}
          onClick={() => void step.run(async (api) => (await unwrap(api.POST("/staff/refills/{refillId}/sent", path))).data, "refillsStaff.marked")}
        >
          {t("refillsStaff.markSent")}
        </button>
      )}
      {step.done && (
        <p role="status" className="notice success">
          {t(step.done)}
        </p>
      )}
      {conflict ? (
        <p role="alert" className="notice error">
          {t(conflict)}
        </p>
      ) : (
        step.error !== null && <ErrorNotice error={step.error} />
      )}
    </div>
  );
}

const FIELDS = ["outcome", "quantity.value", "quantity.unit", "refills", "reasonCode", "message"] as const;

/** The clinician's decision: approve (quantity, refills), deny (reason, message) or ask for a visit (message). */
function DecisionPanel({ request, onDecided }: { request: StaffRefillRequest; onDecided: () => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const base = useId();
  const [form, setForm] = useState<DecisionForm>(emptyDecisionForm);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<DecisionForm>) => setForm({ ...form, ...patch });
  const ids: Record<string, string> = Object.fromEntries(FIELDS.map((f) => [f, `${base}-${f.replace(".", "-")}`]));
  ids.outcome = `${base}-outcome-approve`;
  const labels: Record<string, string> = {
    outcome: t("refillsStaff.decision.outcome"),
    "quantity.value": t("refillsStaff.decision.quantityValue"),
    "quantity.unit": t("refillsStaff.decision.quantityUnit"),
    refills: t("refillsStaff.decision.refills"),
    reasonCode: t("refillsStaff.decision.reasonCode"),
    message: t("refillsStaff.decision.message"),
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const checked = checkDecision(form);
    if ("problems" in checked) {
      setLocal(Object.fromEntries(Object.entries(checked.problems).map(([f, k]) => [f, t(k)])));
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST("/staff/refills/{refillId}/decision", { params: { path: { refillId: request.refillId } }, body: checked.body }),
      );
      queryClient.setQueryData(keys.staffRequest(request.refillId), data);
      refreshStaff(queryClient);
      onDecided();
    } catch (e) {
      setError(e);
      if (conflictKey(e)) void queryClient.invalidateQueries({ queryKey: keys.staffRequest(request.refillId) });
    } finally {
      setBusy(false);
    }
  };

  const apiErrors = fieldErrors(error);
  const errors = { ...apiErrors, ...local };
  const conflict = conflictKey(error);
  const placed = Object.keys(apiErrors).some((f) => ids[f]);
  const titleId = `${base}-h`;
  return (
    <form onSubmit={submit} className="card form" noValidate aria-labelledby={titleId}>
      <h2 id={titleId}>{t("refillsStaff.decision.title")}</h2>
      <ErrorSummary errors={errors} fieldIds={ids} labels={labels} />
      <fieldset aria-describedby={errors.outcome ? `${base}-outcome-error` : undefined}>
        <legend>{t("refillsStaff.decision.outcome")}</legend>
        {OUTCOMES.map((o) => (
          <div key={o} className="field radio">
            <input id={`${base}-outcome-${o}`} type="radio" name={`${base}-outcome`} checked={form.outcome === o} onChange={() => set({ outcome: o })} />
            <label htmlFor={`${base}-outcome-${o}`}>{t(`refillsStaff.outcome.${o}` as MessageKey)}</label>
          </div>
        ))}
        {errors.outcome && (
          <p id={`${base}-outcome-error`} className="field-error">
            {errors.outcome}
          </p>
        )}
      </fieldset>
      {form.outcome === "approve" && (
        <>
          <div className="refill-row">
            <Field id={ids["quantity.value"]} label={labels["quantity.value"]!} inputMode="decimal" value={form.quantityValue}
              onChange={(e) => set({ quantityValue: e.target.value })} error={errors["quantity.value"]} />
            <Field id={ids["quantity.unit"]} label={labels["quantity.unit"]!} hint={t("refillsStaff.decision.quantityUnitHint")} maxLength={40}
              value={form.quantityUnit} onChange={(e) => set({ quantityUnit: e.target.value })} error={errors["quantity.unit"]} />
          </div>
          <Field id={ids.refills} label={labels.refills!} type="number" min={0} max={11} step={1} inputMode="numeric" value={form.refills}
            onChange={(e) => set({ refills: e.target.value })} error={errors.refills} />
        </>
      )}
      {form.outcome === "deny" && (
        <div className="field">
          <label htmlFor={ids.reasonCode}>{labels.reasonCode}</label>
          <select
            id={ids.reasonCode}
            value={form.reasonCode}
            aria-invalid={errors.reasonCode ? true : undefined}
            aria-describedby={errors.reasonCode ? `${ids.reasonCode}-error` : undefined}
            onChange={(e) => set({ reasonCode: e.target.value as DecisionForm["reasonCode"] })}
          >
            <option value="">{t("refillsStaff.decision.chooseReason")}</option>
            {DENY_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(denyReasonKey(r))}
              </option>
            ))}
          </select>
          {errors.reasonCode && (
            <p id={`${ids.reasonCode}-error`} className="field-error">
              {errors.reasonCode}
            </p>
          )}
        </div>
      )}
      {form.outcome && (
        <Field
          id={ids.message}
          label={form.outcome === "approve" ? t("refillsStaff.decision.messageOptional") : labels.message!}
          multiline
          maxLength={MESSAGE_MAX}
          value={form.message}
          onChange={(e) => set({ message: e.target.value })}
          error={errors.message}
        />
      )}
      {conflict ? (
        <p role="alert" className="notice error">
          {t(conflict)}
        </p>
      ) : (
        error !== null && !placed && <ErrorNotice error={error} />
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t("refillsStaff.decision.submit")}
      </button>
    </form>
  );
}
