// The respondents' side of feedback (patients, caregivers, staff as voters, other practices):
// the logic kept apart from the screens so that it is unit-tested.
import { ApiError, type Schemas } from "./api/client";
import { FEATURES, type Feature } from "./features";
import type { MessageKey } from "./i18n/en";

export type PollForRespondent = Schemas["PollForRespondent"];
export type PollIdea = Schemas["PollIdea"];
export type FeedbackUpdate = Schemas["FeedbackUpdate"];

/** The System Usability Scale has ten statements; each is answered 1 (strongly disagree) to 5. */
export const SUS_STATEMENTS = 10;
export const SUS_SCALE = [1, 2, 3, 4, 5] as const;
export const susStatementKey = (n: number) => `feedback.sus.q${n}` as MessageKey;
export const susAnswerKey = (value: number) => `feedback.sus.answer${value}` as MessageKey;

/** The answers in order, or the 0-based positions of the statements still unanswered. */
export function susAnswers(answers: (number | null)[]): { ok: true; answers: number[] } | { ok: false; missing: number[] } {
  const missing: number[] = [];
  for (let i = 0; i < SUS_STATEMENTS; i++) {
    const a = answers[i];
    if (a === null || a === undefined || !SUS_SCALE.includes(a as 1)) missing.push(i);
  }
  return missing.length ? { ok: false, missing } : { ok: true, answers: answers.slice(0, SUS_STATEMENTS) as number[] };
}

/** A feature rating runs from 1 (poor) to 5 (very good). */
export const RATINGS = [1, 2, 3, 4, 5] as const;
export const ratingKey = (value: number) => `feedback.rating.${value}` as MessageKey;

/** The features a patient can rate: those on for them (the feedback feature itself is not rated). */
export function ratableFeatures(on: (feature: Feature) => boolean): Feature[] {
  return FEATURES.filter((f) => f !== "feedback" && on(f));
}

/** Moves the choice at `index` by `delta` places (−1 up, +1 down); out of range changes nothing. */
export function moveChoice(choices: string[], index: number, delta: -1 | 1): string[] {
  const to = index + delta;
  if (index < 0 || index >= choices.length || to < 0 || to >= choices.length) return choices;
  const next = [...choices];
  [next[index], next[to]] = [next[to]!, next[index]!];
  return next;
}

/** A ballot the poll can take: ideas of the poll, each once; with `rank`, at most `topK`. */
export function ballotChoices(poll: Pick<PollForRespondent, "method" | "topK" | "ideas">, choices: string[]): string[] {
  const known = new Set(poll.ideas.map((i) => i.ideaId));
  const out: string[] = [];
  for (const c of choices) if (known.has(c) && !out.includes(c)) out.push(c);
  return poll.method === "rank" ? out.slice(0, poll.topK) : out;
}

/** The problem's kind: the last segment of its type (`poll-closed`, `already-answered`, `conflict`). */
function problemKind(error: ApiError): string {
  return error.problem.type.split("/").pop() ?? "";
}

/**
 * A ballot refused because the poll is not taking ballots (closed, or not open yet). The API
 * answers 409; the other 409 (ballots saved at the same moment) says to send it again.
 */
export function isPollClosed(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && problemKind(error) === "poll-closed";
}

/** A survey the patient has answered already (409 `already-answered`). */
export function isAlreadyAnswered(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && problemKind(error) === "already-answered";
}

/** A survey that no longer takes answers (409, not `already-answered`). */
export function isSurveyClosed(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && problemKind(error) !== "already-answered";
}

/** Whole minutes to wait after a 429: from `Retry-After` (seconds), else the problem's own figure. */
export function retryMinutes(retryAfter: string | null | undefined, problem?: { retryAfterSeconds?: number }): number {
  const header = retryAfter && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) : undefined;
  const seconds = header ?? problem?.retryAfterSeconds ?? 60;
  return Math.max(1, Math.ceil(seconds / 60));
}

/** The token of a `/vote#<token>` address: the fragment, which browsers never send anywhere. */
export function tokenFromHash(hash: string): string {
  const raw = hash.replace(/^#/, "").trim();
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const IDEA_STATUSES = new Set(["proposed", "planned", "in-beta", "live", "declined"]);

/** An idea's status in words (an unknown one as the API names it). */
export function ideaStatusKey(status: string | undefined): MessageKey | null {
  return status && IDEA_STATUSES.has(status) ? (`feedback.ideaStatus.${status}` as MessageKey) : null;
}

/** An update in words: the message key and its placeholders. */
export function updateWords(update: FeedbackUpdate): { key: MessageKey; vars: Record<string, string> } {
  switch (update.kind) {
    case "idea-status":
      return { key: "feedback.update.ideaStatus", vars: { title: update.title ?? "", status: update.status ?? "" } };
    case "suggestion-decided":
      return update.status === "accepted"
        ? { key: update.title ? "feedback.update.suggestionAcceptedTitle" : "feedback.update.suggestionAccepted", vars: { title: update.title ?? "" } }
        : { key: update.title ? "feedback.update.suggestionDeclinedTitle" : "feedback.update.suggestionDeclined", vars: { title: update.title ?? "" } };
    default:
      return { key: "feedback.update.answered", vars: {} };
  }
}

/** The polls in the order a respondent wants them: open first, then coming up, then closed; soonest first. */
export function sortPolls(polls: PollForRespondent[]): { open: PollForRespondent[]; scheduled: PollForRespondent[]; closed: PollForRespondent[] } {
  const by = (state: PollForRespondent["state"]) => polls.filter((p) => p.state === state);
  return {
    open: by("open").sort((a, b) => a.closesAt.localeCompare(b.closesAt)),
    scheduled: by("scheduled").sort((a, b) => a.opensAt.localeCompare(b.opensAt)),
    closed: by("closed").sort((a, b) => b.closesAt.localeCompare(a.closesAt)),
  };
}

/**
 * Once per session and place. The session lives in this page's memory (a reload signs in again),
 * so the memory is where "asked already" lives too: nothing is written to browser storage.
 */
const askedHere = new Set<string>();
export function firstAskThisSession(key: string): boolean {
  if (askedHere.has(key)) return false;
  askedHere.add(key);
  return true;
}

/** For tests: forget what this page asked. */
export function forgetAsked() {
  askedHere.clear();
}
