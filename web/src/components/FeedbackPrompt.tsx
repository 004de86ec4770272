import { useEffect, useId, useState, type FormEvent } from "react";
import { unwrap, type Schemas } from "../api/client";
import { getSession } from "../auth/session";
import { useApp } from "../context";
import { RATINGS, firstAskThisSession, ratingKey } from "../feedback";
import { featureKey, usePatientFeatures, type Feature } from "../features";
import { useI18n } from "../i18n";
import { Link } from "../router";

// After a patient uses a part of the portal, the practice may ask what they think: the API
// decides whether to ask (at most once per patient per interval, beta cohorts only); the app
// asks it once per signed-in session and place (in memory, like the session itself). The question is a small region in the page,
// never a dialog: it blocks nothing, can be closed, and any failure leaves the page as it was.

type Prompt = Schemas["FeedbackPrompt"]["prompt"];

export function FeedbackPrompt({ patientId, feature }: { patientId: string; feature?: Feature }) {
  const { api } = useApp();
  const features = usePatientFeatures(patientId);
  const [prompt, setPrompt] = useState<Prompt>(null);
  const ready = !features.pending && features.on("feedback");
  // A feature that is off for the patient is not asked about.
  const about = feature && features.on(feature) ? feature : undefined;

  useEffect(() => {
    if (!ready || !firstAskThisSession(`${getSession()?.claims.sub ?? "-"}:${patientId}:${about ?? "-"}`)) return;
    let live = true;
    unwrap(api.POST("/patients/{patientId}/feedback/prompt", { params: { path: { patientId } }, body: about ? { feature: about } : {} }))
      .then(({ data }) => {
        if (live) setPrompt(data.prompt);
      })
      // Optional: a failure shows nothing.
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, patientId, about, ready]);

  if (!prompt) return null;
  return <PromptRegion patientId={patientId} prompt={prompt} onClose={() => setPrompt(null)} />;
}

function PromptRegion({ patientId, prompt, onClose }: { patientId: string; prompt: NonNullable<Prompt>; onClose: () => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const base = useId();
  const [rating, setRating] = useState<number | null>(null);
  const [state, setState] = useState<"asking" | "sending" | "sent" | "failed" | "missing">("asking");
  const [key] = useState(() => crypto.randomUUID());

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (prompt.kind !== "rating") return;
    if (rating === null) {
      setState("missing");
      return;
    }
    setState("sending");
    try {
      await unwrap(
        api.POST("/patients/{patientId}/feedback/ratings", {
          params: { path: { patientId }, header: { "Idempotency-Key": key } },
          body: { feature: prompt.feature, rating, prompted: true },
        }),
      );
      setState("sent");
    } catch {
      setState("failed");
    }
  };

  const name = prompt.kind === "rating" ? t(featureKey(prompt.feature)) : "";
  const title = prompt.kind === "sus" ? t("feedback.prompt.susTitle") : t("feedback.prompt.ratingTitle", { feature: name });
  return (
    <section className="feedback-prompt card" aria-labelledby={`${base}-h`}>
      <div className="feedback-prompt-head">
        <h2 id={`${base}-h`}>{title}</h2>
        <button type="button" className="link-button" aria-label={`${t("feedback.prompt.close")}: ${title}`} onClick={onClose}>
          {t("feedback.prompt.close")}
        </button>
      </div>
      {prompt.kind === "sus" ? (
        <>
          <p>{t("feedback.prompt.susText")}</p>
          <p>
            <Link to={`/p/${patientId}/surveys/${prompt.surveyId}`}>{t("feedback.surveys.answer")}</Link>
          </p>
        </>
      ) : state === "sent" ? (
        <p role="status">{t("feedback.prompt.thanks")}</p>
      ) : (
        <form onSubmit={send} noValidate aria-labelledby={`${base}-h`}>
          <fieldset className="choice rating" aria-describedby={state === "missing" ? `${base}-missing` : undefined}>
            <legend>{t("feedback.prompt.legend", { feature: name })}</legend>
            <div className="choices">
              {RATINGS.map((r) => (
                <div key={r} className="field radio">
                  <input
                    id={`${base}-${r}`}
                    type="radio"
                    name={`${base}-rating`}
                    value={r}
                    checked={rating === r}
                    onChange={() => {
                      setRating(r);
                      setState("asking");
                    }}
                  />
                  <label htmlFor={`${base}-${r}`}>{t(ratingKey(r))}</label>
                </div>
              ))}
            </div>
            {state === "missing" && (
              <p id={`${base}-missing`} className="field-error">
                {t("feedback.rate.chooseRating")}
              </p>
            )}
          </fieldset>
          {state === "failed" && (
            <p role="alert" className="field-error">
              {t("feedback.prompt.failed")}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary" disabled={state === "sending"}>
              {t("feedback.prompt.send")}
            </button>
            <Link to={`/p/${patientId}/feedback`}>{t("feedback.prompt.more")}</Link>
          </div>
        </form>
      )}
    </section>
  );
}
