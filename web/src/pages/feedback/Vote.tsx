import { useEffect, useState } from "react";
import { ApiError, asProblem } from "../../api/client";
import { ErrorNotice, Page } from "../../components/ui";
import { useApp } from "../../context";
import { retryMinutes, tokenFromHash, type PollForRespondent } from "../../feedback";
import { useI18n } from "../../i18n";
import { PollBallot } from "./Ballot";

/** A refusal to read or cast through a practice link, as the page says it. */
type Refusal = { kind: "invalid" } | { kind: "wait"; minutes: number } | { kind: "error"; error: unknown };

/** 404 (no such link) and 429 (too many tries) in words; anything else as the API says it. */
function refusal(response: Response, body: unknown): Refusal {
  if (response.status === 404 || response.status === 400 || response.status === 422) return { kind: "invalid" };
  if (response.status === 429) {
    const problem = body as { retryAfterSeconds?: number } | undefined;
    return { kind: "wait", minutes: retryMinutes(response.headers.get("Retry-After"), problem) };
  }
  return { kind: "error", error: new ApiError(response.status, asProblem(response.status, body)) };
}

/**
 * The ballot page for another practice: `/vote#<token>`. The token is the address's fragment,
 * which the browser never sends; the page puts it in the body of its calls, never in a URL.
 * No sign-in, and nothing here leads into the portal.
 */
export default function Vote() {
  const { api } = useApp();
  const { t } = useI18n();
  const [token] = useState(() => tokenFromHash(location.hash));
  const [poll, setPoll] = useState<PollForRespondent | null>(null);
  const [refused, setRefused] = useState<Refusal | null>(token ? null : { kind: "invalid" });
  const [n, setN] = useState(0);

  useEffect(() => {
    if (!token) return;
    let live = true;
    void (async () => {
      try {
        const { data, error, response } = await api.POST("/public/polls/lookup", { body: { token } });
        if (!live) return;
        if (data) {
          setPoll(data);
          setRefused(null);
        } else setRefused(refusal(response, error));
      } catch (cause) {
        if (live) setRefused({ kind: "error", error: new ApiError(0, { type: "about:blank", title: "network", status: 0, detail: String(cause) }) });
      }
    })();
    return () => {
      live = false;
    };
  }, [api, token, n]);

  const cast = async (choices: string[]) => {
    const result = await api.POST("/public/polls/ballots", { body: { token, choices } });
    if (result.data) return result.response.status;
    // A link that stopped working, or too many tries: the whole page says so.
    const why = refusal(result.response, result.error);
    if (why.kind !== "error") setRefused(why);
    throw new ApiError(result.response.status, asProblem(result.response.status, result.error));
  };

  return (
    <Page title={poll?.title ?? t("feedback.vote.title")}>
      {refused?.kind === "invalid" ? (
        <div role="alert" className="notice error">
          <p className="notice-title">{t("feedback.vote.invalid")}</p>
          <p>{t("feedback.vote.invalidDetail")}</p>
        </div>
      ) : refused?.kind === "wait" ? (
        <div role="alert" className="notice error">
          <p className="notice-title">{t("feedback.vote.wait", { minutes: refused.minutes })}</p>
        </div>
      ) : refused?.kind === "error" ? (
        <ErrorNotice error={refused.error} retry={() => setN(n + 1)} />
      ) : poll ? (
        <>
          <p className="muted">{t("feedback.vote.intro")}</p>
          <PollBallot poll={poll} cast={cast} onCast={() => setN(n + 1)} />
        </>
      ) : (
        <p role="status" className="muted">
          {t("app.loading")}
        </p>
      )}
    </Page>
  );
}
