import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { ErrorNotice, Loaded, NotFound, Page, isNotFound } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { conflictKey, keys, refreshPatient, useRefillRequest } from "./api";
import { DecisionFacts, PharmacyText, RefillStatusTag, RefillTimeline } from "./parts";
import { actorName, bookingPath, isOpen, refillsPath, type RefillRequest } from "./refills";

// One refill request as the patient (or their caregiver) follows it: what was asked, the status
// timeline, the practice's answer (a way to book when a visit is needed), and withdrawing it
// while it is open. The notification of a decision links here.

export default function RefillDetail({ patientId, refillId }: { patientId: string; refillId: string }) {
  const { t } = useI18n();
  const request = useRefillRequest(patientId, refillId);
  if (isNotFound(request.error)) return <NotFound />;
  return (
    <Page title={t("refills.detail.title")}>
      <p>
        <Link to={refillsPath(patientId)}>{t("refills.detail.back")}</Link>
      </p>
      <Loaded query={request}>
        {(r) => (
          <>
            <Facts request={r} />
            <section className="card" aria-labelledby="h-progress">
              <h2 id="h-progress">{t("refills.detail.timeline")}</h2>
              <RefillTimeline request={r} headingId="h-progress" />
            </section>
            {r.decision && <Answer patientId={patientId} request={r} />}
            {isOpen(r.status) && <Withdraw patientId={patientId} request={r} />}
          </>
        )}
      </Loaded>
    </Page>
  );
}

function Facts({ request: r }: { request: RefillRequest }) {
  const { t, dateTime } = useI18n();
  return (
    <section className="card" aria-labelledby="h-request">
      <h2 id="h-request">{t("refills.detail.request")}</h2>
      <dl className="facts">
        <dt>{t("refills.detail.medication")}</dt>
        <dd>{r.medication.title}</dd>
        <dt>{t("refills.detail.status")}</dt>
        <dd>
          <RefillStatusTag status={r.status} />
        </dd>
        <dt>{t("refills.detail.requested")}</dt>
        <dd>{dateTime(r.createdAt)}</dd>
        <dt>{t("refills.detail.requestedBy")}</dt>
        <dd>{actorName(t, r.requestedBy, "refills.role.patient", { alone: true })}</dd>
        <dt>{t("refills.detail.pharmacy")}</dt>
        <dd>
          <PharmacyText pharmacy={r.pharmacy} />
        </dd>
        {r.note && (
          <>
            <dt>{t("refills.detail.note")}</dt>
            <dd className="message-text">{r.note}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

function Answer({ patientId, request: r }: { patientId: string; request: RefillRequest }) {
  const { t } = useI18n();
  const decision = r.decision!;
  return (
    <section className="card" aria-labelledby="h-answer">
      <h2 id="h-answer">{t("refills.detail.decision")}</h2>
      <DecisionFacts decision={decision} />
      {r.status === "visit-needed" && (
        <>
          <p>{t("refills.detail.bookIntro")}</p>
          <p>
            <Link className="button primary" to={bookingPath(patientId)}>
              {t("refills.detail.book")}
            </Link>
          </p>
        </>
      )}
      {decision.outcome === "approve" && (
        <p>
          {t("refills.detail.inRecord")}{" "}
          {decision.prescriptionRecordId ? (
            <Link to={`/p/${patientId}/records/item/${encodeURIComponent(decision.prescriptionRecordId)}`}>{t("refills.detail.seePrescription")}</Link>
          ) : (
            <Link to={`/p/${patientId}/records?category=medications`}>{t("refills.detail.seeRecord")}</Link>
          )}
        </p>
      )}
    </section>
  );
}

function Withdraw({ patientId, request }: { patientId: string; request: RefillRequest }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const withdraw = async () => {
    setBusy(true);
    setError(null);
    try {
      const { data } = await unwrap(
        api.POST("/patients/{patientId}/refills/{refillId}/withdraw", { params: { path: { patientId, refillId: request.refillId } } }),
      );
      queryClient.setQueryData(keys.request(patientId, request.refillId), data);
      refreshPatient(queryClient, patientId);
      setConfirming(false);
    } catch (e) {
      setError(e);
      if (conflictKey(e)) void queryClient.invalidateQueries({ queryKey: keys.request(patientId, request.refillId) });
    } finally {
      setBusy(false);
    }
  };
  const conflict = conflictKey(error);
  return (
    <section className="card" aria-labelledby="h-withdraw">
      <h2 id="h-withdraw">{t("refills.withdraw")}</h2>
      {confirming ? (
        <div role="group" aria-labelledby="h-withdraw">
          <p>{t("refills.withdrawConfirm")}</p>
          <div className="refill-actions">
            <button type="button" className="danger" disabled={busy} onClick={() => void withdraw()}>
              {t("refills.withdrawYes")}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t("refills.withdrawNo")}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          {t("refills.withdraw")}
        </button>
      )}
      {conflict ? (
        <p role="alert" className="notice error">
          {t(conflict)}
        </p>
      ) : (
        error !== null && <ErrorNotice error={error} />
      )}
    </section>
  );
}
