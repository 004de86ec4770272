import { describe, expect, it } from "vitest";
import { ApiError } from "./api/client";
import { en } from "./i18n/en";
import { es } from "./i18n/es";
import {
  SUS_STATEMENTS,
  ballotChoices,
  isAlreadyAnswered,
  isPollClosed,
  isSurveyClosed,
  moveChoice,
  ratableFeatures,
  retryMinutes,
  sortPolls,
  susAnswerKey,
  susAnswers,
  susStatementKey,
  tokenFromHash,
  updateWords,
  type PollForRespondent,
} from "./feedback";

const conflict = (detail: string, kind = "conflict") =>
  new ApiError(409, { type: `https://patient-portal.dev/problems/${kind}`, title: "Conflict", status: 409, detail });

describe("the ballot", () => {
  it("moves a choice one place, and nothing past either end", () => {
    expect(moveChoice(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(moveChoice(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(moveChoice(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
    expect(moveChoice(["a", "b", "c"], 2, 1)).toEqual(["a", "b", "c"]);
  });

  it("keeps only the poll's ideas, each once, at most topK of them for a ranking", () => {
    const ideas = ["1", "2", "3", "4"].map((ideaId) => ({ ideaId, title: ideaId, description: "", benefit: "", status: "proposed" as const }));
    expect(ballotChoices({ method: "rank", topK: 2, ideas }, ["3", "x", "3", "1", "2"])).toEqual(["3", "1"]);
    expect(ballotChoices({ method: "approval", topK: 2, ideas }, ["3", "1", "2"])).toEqual(["3", "1", "2"]);
  });

  it("tells a closed poll's 409 from the one that asks to send again", () => {
    expect(isPollClosed(conflict("This poll has closed: ballots are no longer taken.", "poll-closed"))).toBe(true);
    expect(isPollClosed(conflict("This poll is not open yet: it takes ballots from 2026-04-01T00:00:00Z until 2026-05-01T00:00:00Z.", "poll-closed"))).toBe(true);
    expect(isPollClosed(new ApiError(409, { type: "https://patient-portal.dev/problems/poll-closed", title: "Closed", status: 409 }))).toBe(true);
    expect(isPollClosed(conflict("Other ballots kept being saved at the same moment; nothing was written. Send it again."))).toBe(false);
    expect(isPollClosed(new ApiError(404, { type: "x", title: "Not found", status: 404 }))).toBe(false);
  });

  it("orders polls: open soonest closing first, then coming, then the latest closed", () => {
    const p = (pollId: string, state: PollForRespondent["state"], closesAt: string, opensAt = "2026-01-01T00:00:00Z") =>
      ({ pollId, state, closesAt, opensAt }) as PollForRespondent;
    const sorted = sortPolls([p("c1", "closed", "2026-01-02T00:00:00Z"), p("o2", "open", "2026-06-01T00:00:00Z"), p("o1", "open", "2026-05-01T00:00:00Z"), p("c2", "closed", "2026-02-02T00:00:00Z"), p("s", "scheduled", "2026-09-01T00:00:00Z")]);
    expect(sorted.open.map((x) => x.pollId)).toEqual(["o1", "o2"]);
    expect(sorted.scheduled.map((x) => x.pollId)).toEqual(["s"]);
    expect(sorted.closed.map((x) => x.pollId)).toEqual(["c2", "c1"]);
  });
});

describe("the practice link", () => {
  it("takes the token from the fragment", () => {
    expect(tokenFromHash("#q3ZxV0kT7mR2wY5bN8cH4dJ6fL1sA9pQeGiK7gZkw")).toBe("q3ZxV0kT7mR2wY5bN8cH4dJ6fL1sA9pQeGiK7gZkw");
    expect(tokenFromHash("#a%2Db")).toBe("a-b");
    expect(tokenFromHash("#%E0%A4%A")).toBe("%E0%A4%A");
    expect(tokenFromHash("")).toBe("");
  });

  it("says how many whole minutes to wait after too many tries", () => {
    expect(retryMinutes("290")).toBe(5);
    expect(retryMinutes("30")).toBe(1);
    expect(retryMinutes(null, { retryAfterSeconds: 600 })).toBe(10);
    expect(retryMinutes("Wed, 21 Oct 2026 07:28:00 GMT", { retryAfterSeconds: 61 })).toBe(2);
    expect(retryMinutes(undefined)).toBe(1);
  });
});

describe("the usability survey", () => {
  it("wants all ten statements answered, 1 to 5, and names those missing", () => {
    expect(susAnswers([4, 2, 5, 1, 4, 2, 5, 1, 4, 2])).toEqual({ ok: true, answers: [4, 2, 5, 1, 4, 2, 5, 1, 4, 2] });
    expect(susAnswers([4, null, 5, 1, 4, 2, 5, 1, 4])).toEqual({ ok: false, missing: [1, 9] });
    expect(susAnswers([6, 2, 5, 1, 4, 2, 5, 1, 4, 2])).toEqual({ ok: false, missing: [0] });
  });

  it("has the ten standard statements and the five answers in English and Spanish", () => {
    for (let n = 1; n <= SUS_STATEMENTS; n++) {
      expect(en[susStatementKey(n)]).toBeTruthy();
      expect(es[susStatementKey(n)]).toBeTruthy();
    }
    expect(en[susStatementKey(1)]).toBe("I think that I would like to use this portal frequently.");
    expect(en[susStatementKey(10)]).toBe("I needed to learn a lot of things before I could get going with this portal.");
    expect([1, 5].map((v) => en[susAnswerKey(v)])).toEqual(["Strongly disagree", "Strongly agree"]);
    expect([1, 5].map((v) => es[susAnswerKey(v)])).toEqual(["Totalmente en desacuerdo", "Totalmente de acuerdo"]);
  });

  it("tells an answered survey's 409 from a closed one's", () => {
    const answered = conflict("This survey has been answered for this patient already.", "already-answered");
    const closed = conflict("This survey is closed: it no longer takes answers.");
    expect([isAlreadyAnswered(answered), isSurveyClosed(answered)]).toEqual([true, false]);
    expect([isAlreadyAnswered(closed), isSurveyClosed(closed)]).toEqual([false, true]);
  });
});

describe("feedback words", () => {
  it("offers the features on for the patient, never feedback itself", () => {
    expect(ratableFeatures((f) => f !== "waitlist")).toEqual(["record-import", "messaging", "online-booking", "check-in", "care-circle", "problem-reports", "announcements", "refills", "education"]);
  });

  it("puts each update in words", () => {
    expect(updateWords({ at: "", kind: "idea-status", title: "Pay bills online", status: "planned" })).toEqual({
      key: "feedback.update.ideaStatus",
      vars: { title: "Pay bills online", status: "planned" },
    });
    expect(updateWords({ at: "", kind: "suggestion-decided", status: "accepted" }).key).toBe("feedback.update.suggestionAccepted");
    expect(updateWords({ at: "", kind: "suggestion-decided", status: "declined", title: "Refills" }).key).toBe("feedback.update.suggestionDeclinedTitle");
    expect(updateWords({ at: "", kind: "feedback-answered", feedbackId: "01F" }).key).toBe("feedback.update.answered");
  });
});
