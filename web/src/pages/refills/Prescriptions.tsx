import { useEffect, useRef, useState } from "react";
import { Loaded, NotFound, Page, isNotFound } from "../../components/ui";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { useRefillMedications, useRefillRequests } from "./api";
import { RefillStatusTag } from "./parts";
import { RequestForm } from "./RequestForm";
import { reasonKey, refillsPath, type RefillMedication, type RefillRequest } from "./refills";

// "Prescriptions" (feature `refills`): the patient's medications, whether each can be renewed
// (and why not), a request form under the one chosen, and the requests made so far.

export default function Prescriptions({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  const medications = useRefillMedications(patientId);
  const [asking, setAsking] = useState<string | null>(null);
  const [sent, setSent] = useState<RefillRequest | null>(null);
  const sentNotice = useRef<HTMLParagraphElement>(null);
  // Sent: the form is gone; focus goes to the notice with the way to the request.
  useEffect(() => {
    if (sent) sentNotice.current?.focus();
  }, [sent]);
  if (isNotFound(medications.error)) return <NotFound />;
  return (
    <Page title={t("refills.title")}>
      <p>{t("refills.intro")}</p>
      {sent && (
        <p ref={sentNotice} tabIndex={-1} role="status" className="notice success">
          {t("refills.form.sent")} <Link to={`${refillsPath(patientId)}/${sent.refillId}`}>{sent.medication.title}</Link>
        </p>
      )}
      <section className="card" aria-labelledby="h-meds">
        <h2 id="h-meds">{t("refills.medications.title")}</h2>
        <Loaded query={medications}>
          {(items) =>
            items.length ? (
              <ul className="plain refill-meds">
                {items.map((m) => (
                  <li key={m.recordId}>
                    <Medication
                      patientId={patientId}
                      medication={m}
                      asking={asking === m.recordId}
                      onAsk={() => {
                        setSent(null);
                        setAsking(m.recordId);
                      }}
                      onDone={(request) => {
                        setAsking(null);
                        if (request) setSent(request);
                      }}
                    />
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t("refills.medications.none")}</p>
            )
          }
        </Loaded>
      </section>
      <MyRequests patientId={patientId} />
    </Page>
  );
}

function Medication({
  patientId,
  medication: m,
  asking,
  onAsk,
  onDone,
}: {
  patientId: string;
  medication: RefillMedication;
  asking: boolean;
  onAsk: () => void;
  onDone: (request: RefillRequest | null) => void;
}) {
  const { t, date } = useI18n();
  const button = useRef<HTMLButtonElement>(null);
  const headingId = `med-${m.recordId}`;
  return (
    <article aria-labelledby={headingId}>
      <h3 id={headingId} className="record-title">
        {m.title}
      </h3>
      <p className="muted">{t("refills.source", { source: m.sourceName })}</p>
      {m.lastVisit && <p className="muted">{t("refills.lastVisit", { date: date(m.lastVisit) })}</p>}
      {m.eligible ? (
        <p>
          <span className="tag refill-eligible">{t("refills.eligible")}</span>
        </p>
      ) : (
        <>
          <p>
            <span className="tag">{t("refills.notEligible")}</span>
          </p>
          <p className="visually-hidden">{t("refills.whyNot")}</p>
          <ul className="refill-reasons">
            {m.reasons.map((r) => (
              <li key={r}>{t(reasonKey(r))}</li>
            ))}
          </ul>
        </>
      )}
      {m.openRefillId && (
        <p>
          <Link to={`${refillsPath(patientId)}/${m.openRefillId}`}>{t("refills.seeOpen")}</Link>
        </p>
      )}
      {m.eligible &&
        (asking ? (
          <RequestForm
            patientId={patientId}
            medication={m}
            onSent={(request) => onDone(request)}
            onCancel={() => {
              onDone(null);
              // Back to the button that opened the form (it renders again on the next frame).
              requestAnimationFrame(() => button.current?.focus());
            }}
          />
        ) : (
          <p>
            <button ref={button} type="button" className="primary" onClick={onAsk}>
              {t("refills.requestButton")}
              <span className="visually-hidden"> {t("refills.requestFor", { medication: m.title })}</span>
            </button>
          </p>
        ))}
    </article>
  );
}

function MyRequests({ patientId }: { patientId: string }) {
  const { t, dateTime } = useI18n();
  const requests = useRefillRequests(patientId);
  return (
    <section className="card" aria-labelledby="h-requests">
      <h2 id="h-requests">{t("refills.requests.title")}</h2>
      <Loaded query={requests}>
        {(items) =>
          items.length ? (
            <ul className="plain refill-requests">
              {items.map((r) => (
                <li key={r.refillId}>
                  <p>
                    <Link to={`${refillsPath(patientId)}/${r.refillId}`}>{r.medication.title}</Link>
                  </p>
                  <p>
                    <RefillStatusTag status={r.status} />{" "}
                    <span className="muted">{t("refills.requests.requestedOn", { date: dateTime(r.createdAt) })}</span>
                  </p>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t("refills.requests.none")}</p>
          )
        }
      </Loaded>
    </section>
  );
}
