import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App, makeQueryClient } from "../../App";
import { setSession } from "../../auth/session";
import { forgetAsked } from "../../feedback";

// The respondents' screens against a stubbed API (patients and caregivers, staff voters, other
// practices): what each sends, and how each answer reads.

const config = { apiUrl: "http://api.test", userPoolId: "p", clientId: "c", practiceTimeZone: "America/New_York" };
const ANA = "01HZZZZZZZZZZZZZZZZZZZZZZA";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
const problem = (status: number, title: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: "https://patient-portal.dev/problems/x", title, status, ...extra }), {
    status,
    headers: { "Content-Type": "application/problem+json", ...headers },
  });

type Call = { method: string; url: string; path: string; body: unknown; headers: Headers };
type Handler = (request: Request, body: unknown) => Response | undefined;
let handlers: Handler[] = [];
let calls: Call[] = [];

const idea = (n: number, title: string, status = "proposed") => ({
  ideaId: `01IDEA${n}`,
  title,
  description: `${title}: what it does`,
  benefit: `${title}: who it helps`,
  status,
});
const IDEAS = [idea(1, "Pay bills online"), idea(2, "Prescription refills"), idea(3, "Reminders in Spanish"), idea(4, "Share your record")];
const poll = (over: Record<string, unknown> = {}) => ({
  pollId: "01POLL",
  title: "What should the portal do next?",
  question: "Rank the three ideas that would help you most.",
  method: "rank",
  topK: 3,
  opensAt: "2026-03-01T10:00:00Z",
  closesAt: "2099-03-31T10:00:00Z",
  state: "open",
  ideas: IDEAS,
  ...over,
});
const closedPoll = poll({
  pollId: "01CLOSED",
  title: "Last spring's poll",
  state: "closed",
  closesAt: "2026-02-01T10:00:00Z",
  ideas: [idea(1, "Pay bills online", "planned"), ...IDEAS.slice(1)],
  outcome: [
    { ideaId: "01IDEA2", title: "Prescription refills", score: 2, rank: 2 },
    { ideaId: "01IDEA1", title: "Pay bills online", score: 3, rank: 1 },
    { ideaId: "01IDEA3", title: "Reminders in Spanish", score: 2, rank: 2 },
  ],
});
const mine = (over: Record<string, unknown> = {}) => ({
  ratings: [
    {
      feedbackId: "01FB1",
      patientId: ANA,
      feature: "messaging",
      rating: 2,
      comment: "I cannot find my old messages.",
      cohorts: [],
      switchState: { on: true, reason: "everyone" },
      at: "2026-03-02T15:00:00Z",
      prompted: false,
      answer: { text: "We added a search box. Thank you!", at: "2026-03-03T15:00:00Z", by: "lead" },
    },
  ],
  updates: [
    { at: "2026-03-04T15:00:00Z", kind: "idea-status", ideaId: "01IDEA1", title: "Pay bills online", status: "planned" },
    { at: "2026-03-03T15:00:00Z", kind: "feedback-answered", feedbackId: "01FB1" },
    { at: "2026-03-02T15:00:00Z", kind: "suggestion-decided", suggestionId: "01S", status: "declined" },
  ],
  surveys: [
    { surveyId: "01SURVEY", cohort: "beta-1", closesAt: "2099-04-01T00:00:00Z", answered: false },
    { surveyId: "01OLD", cohort: "beta-1", closesAt: "2099-04-01T00:00:00Z", answered: true },
  ],
  ...over,
});

const path = (r: Request) => new URL(r.url).pathname;

beforeEach(() => {
  calls = [];
  forgetAsked();
  handlers = [
    (r) => (r.url.endsWith("/account/agreements") ? json(200, { items: [] }) : undefined),
    (r) => (path(r) === "/patients/me/feedback" && r.method === "GET" ? json(200, mine()) : undefined),
    (r) => (path(r) === "/patients/me/polls" ? json(200, { items: [poll(), closedPoll] }) : undefined),
    (r) => (path(r) === "/patients/me/feedback/prompt" ? json(200, { prompt: null }) : undefined),
    (r) =>
      path(r) === "/patients/me/summary"
        ? json(200, { activeProblems: [], currentMedications: [], allergies: [], latestVitals: [], recentResults: [] })
        : undefined,
  ];
  vi.stubGlobal("fetch", async (input: Request) => {
    const text = input.method === "GET" ? "" : await input.clone().text();
    const body = text ? JSON.parse(text) : undefined;
    calls.push({ method: input.method, url: input.url, path: path(input), body, headers: input.headers });
    for (const handler of handlers) {
      const response = handler(input, body);
      if (response) return response;
    }
    return json(200, { items: [], nextCursor: null, totalUnread: 0 });
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

function asPatient(at: string) {
  setSession({ idToken: "t", claims: { sub: "u1", groups: ["patients"], patientId: ANA, exp: 9e9 } });
  history.replaceState(null, "", at);
  render(<App config={config} queryClient={makeQueryClient()} />);
}
function asStaff(at: string, groups = ["front-desk"]) {
  setSession({ idToken: "t", claims: { sub: "s1", groups, exp: 9e9 } });
  history.replaceState(null, "", at);
  render(<App config={config} queryClient={makeQueryClient()} />);
}
function anonymous(at: string) {
  history.replaceState(null, "", at);
  render(<App config={config} queryClient={makeQueryClient()} />);
}
const sent = (method: string, p: string) => calls.filter((c) => c.method === method && c.path === p);

/** Keyboard: focus a control the way Tab would, then press Enter (a click, to the browser). */
function press(control: HTMLElement) {
  control.focus();
  expect(document.activeElement).toBe(control);
  fireEvent.click(control);
}

describe("the patient's feedback page", () => {
  it("is in the navigation, lists the polls, the survey to answer, the updates and the answers", async () => {
    asPatient("/p/me");
    const nav = await screen.findByRole("navigation", { name: "Main" });
    fireEvent.click(await within(nav).findByRole("link", { name: "Feedback" }));
    expect(await screen.findByRole("heading", { name: "Feedback", level: 1 })).toBeTruthy();

    const polls = await screen.findByRole("region", { name: "Polls" });
    expect((await within(polls).findByRole("link", { name: "Vote: What should the portal do next?" })).getAttribute("href")).toBe("/p/me/polls/01POLL");
    // The closed poll's outcome, top first, ties sharing a rank, with what the practice decided.
    const items = [...polls.querySelectorAll("ol.outcome li")];
    expect(items.map((li) => [li.getAttribute("value"), li.textContent])).toEqual([
      ["1", "Pay bills online Planned"],
      ["2", "Prescription refills"],
      ["2", "Reminders in Spanish"],
    ]);

    const surveys = await screen.findByRole("region", { name: "Usability survey" });
    const links = within(surveys).getAllByRole("link", { name: "Answer the usability survey" });
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["/p/me/surveys/01SURVEY"]);

    const updates = await screen.findByRole("region", { name: "Updates" });
    expect(within(updates).getByText(/“Pay bills online”, an idea you supported, is now: Planned\./)).toBeTruthy();
    expect(within(updates).getByText(/The practice answered your feedback\./)).toBeTruthy();
    expect(within(updates).getByText(/The practice decided not to take up your suggestion\./)).toBeTruthy();

    const ratings = screen.getByRole("region", { name: "Your feedback" });
    expect(within(ratings).getByRole("heading", { name: "Messaging: 2 out of 5" })).toBeTruthy();
    expect(within(ratings).getByText("I cannot find my old messages.")).toBeTruthy();
    expect(within(ratings).getByText("We added a search box. Thank you!")).toBeTruthy();
  });

  it("rates a feature that is on for the patient, with a comment, once the rating is chosen", async () => {
    handlers.unshift(
      (r) =>
        path(r) === "/patients/me/features"
          ? json(200, { features: [{ feature: "messaging", on: true }, { feature: "online-booking", on: false }, { feature: "feedback", on: true }] })
          : undefined,
      (r, body) => (r.method === "POST" && path(r) === "/patients/me/feedback/ratings" ? json(201, { ...(body as object), feedbackId: "01FB2" }) : undefined),
    );
    asPatient("/p/me/feedback");
    const form = await screen.findByRole("form", { name: "Give feedback" });
    const select = within(form).getByLabelText("Part of the portal") as HTMLSelectElement;
    await waitFor(() => expect([...select.options].map((o) => o.textContent)).toContain("Messaging"));
    // Off for her, and the feedback feature itself: not offered.
    expect([...select.options].map((o) => o.textContent)).not.toContain("Online booking");
    expect([...select.options].map((o) => o.textContent)).not.toContain("Feedback");

    fireEvent.click(within(form).getByRole("button", { name: "Send feedback" }));
    expect(await within(form).findByText("Choose the part of the portal you rate.")).toBeTruthy();
    expect(within(form).getByText("Choose a rating from 1 to 5.")).toBeTruthy();
    expect(sent("POST", "/patients/me/feedback/ratings")).toHaveLength(0);

    fireEvent.change(select, { target: { value: "messaging" } });
    const group = within(form).getByRole("group", { name: "Your rating" });
    expect(within(group).getAllByRole("radio").map((r) => r.closest("div")!.textContent)).toEqual([
      "1 – Poor",
      "2 – Fair",
      "3 – Good",
      "4 – Very good",
      "5 – Excellent",
    ]);
    fireEvent.click(within(group).getByRole("radio", { name: "4 – Very good" }));
    fireEvent.change(within(form).getByLabelText("Comment (optional)"), { target: { value: "  Much easier now.  " } });
    fireEvent.click(within(form).getByRole("button", { name: "Send feedback" }));
    expect(await within(form).findByText("Thanks: your feedback is sent.")).toBeTruthy();
    const [post] = sent("POST", "/patients/me/feedback/ratings");
    expect(post!.body).toEqual({ feature: "messaging", rating: 4, comment: "Much easier now.", prompted: false });
    expect(post!.headers.get("Idempotency-Key")).toBeTruthy();
    // Her list is read again.
    await waitFor(() => expect(sent("GET", "/patients/me/feedback").length).toBeGreaterThan(1));
  });

  it("suggests an idea, and puts the API's field error next to its field", async () => {
    let first = true;
    handlers.unshift((r, body) => {
      if (r.method !== "POST" || path(r) !== "/patients/me/suggestions") return undefined;
      if (first) {
        first = false;
        return problem(422, "Some fields are missing or invalid", { errors: [{ field: "title", message: "at most 120 characters" }] });
      }
      return json(201, { ...(body as object), suggestionId: "01S2", patientId: ANA, status: "pending", createdAt: "2026-03-05T10:00:00Z" });
    });
    asPatient("/p/me/feedback");
    const form = await screen.findByRole("form", { name: "Suggest an idea" });
    fireEvent.click(within(form).getByRole("button", { name: "Send my idea" }));
    expect(await within(form).findByText("Say your idea in a few words.")).toBeTruthy();
    expect(sent("POST", "/patients/me/suggestions")).toHaveLength(0);

    fireEvent.change(within(form).getByLabelText("Your idea in a few words"), { target: { value: "Refill reminders" } });
    fireEvent.change(within(form).getByLabelText("What it would do for you"), { target: { value: "A message before my pills run out." } });
    fireEvent.click(within(form).getByRole("button", { name: "Send my idea" }));
    const error = await within(form).findByText("at most 120 characters");
    expect(within(form).getByLabelText("Your idea in a few words").getAttribute("aria-describedby")).toContain(error.id);
    fireEvent.click(within(form).getByRole("button", { name: "Send my idea" }));
    expect(await within(form).findByText(/your idea was sent to the practice/)).toBeTruthy();
    const posts = sent("POST", "/patients/me/suggestions");
    expect(posts.at(-1)!.body).toEqual({ title: "Refill reminders", description: "A message before my pills run out." });
    // A retry of the same submission would carry the same key; the second submission was a new one.
    expect(posts[0]!.headers.get("Idempotency-Key")).toBe(posts[1]!.headers.get("Idempotency-Key"));
  });

  it("is hidden, and never asked for, when the feedback feature is off for the patient", async () => {
    handlers.unshift((r) => (path(r) === "/patients/me/features" ? json(200, { features: [{ feature: "feedback", on: false }] }) : undefined));
    asPatient("/p/me/feedback");
    expect(await screen.findByRole("heading", { name: "Not available yet" })).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Main" });
    await within(nav).findByRole("link", { name: "Home" });
    expect(within(nav).queryByRole("link", { name: "Feedback" })).toBeNull();
    expect(calls.some((c) => c.path.includes("/feedback") || c.path.includes("/polls"))).toBe(false);
  });
});

describe("a patient's ballot", () => {
  it("sends the ideas in the order chosen, then replaces the ballot", async () => {
    let stored: { choices: string[]; castAt: string } | undefined;
    handlers.unshift(
      (r) => (path(r) === "/patients/me/polls" ? json(200, { items: [poll(stored ? { myBallot: stored } : {})] }) : undefined),
      (r, body) => {
        if (r.method !== "PUT" || path(r) !== "/patients/me/polls/01POLL/ballot") return undefined;
        const first = !stored;
        stored = { choices: (body as { choices: string[] }).choices, castAt: "2026-03-05T10:00:00Z" };
        return json(first ? 201 : 200, { ballot: stored });
      },
    );
    asPatient("/p/me/polls/01POLL");
    expect(await screen.findByRole("heading", { name: "What should the portal do next?", level: 1 })).toBeTruthy();
    expect(screen.getByText("Rank the three ideas that would help you most.")).toBeTruthy();

    // Nothing chosen: said, nothing sent.
    fireEvent.click(screen.getByRole("button", { name: "Send my ballot" }));
    expect(await screen.findByText("Choose at least one idea first.")).toBeTruthy();
    expect(sent("PUT", "/patients/me/polls/01POLL/ballot")).toHaveLength(0);

    press(screen.getByRole("button", { name: "Add to my ranking: Prescription refills" }));
    press(screen.getByRole("button", { name: "Add to my ranking: Pay bills online" }));
    press(screen.getByRole("button", { name: "Move up: Pay bills online" }));
    expect(screen.getByRole("status").textContent).toBe("Pay bills online moved to position 1");
    press(screen.getByRole("button", { name: "Send my ballot" }));
    expect(await screen.findByText("Thanks, your ballot is in.")).toBeTruthy();
    expect(sent("PUT", "/patients/me/polls/01POLL/ballot")[0]!.body).toEqual({ choices: ["01IDEA1", "01IDEA2"] });

    // Read again: the ballot as recorded, replaceable until the poll closes.
    const current = await screen.findByRole("region", { name: "Your ballot as it is now" });
    expect(within(current).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["Pay bills online", "Prescription refills"]);
    expect(within(current).getByText(/You can change it and send it again until/)).toBeTruthy();

    press(screen.getByRole("button", { name: "Add to my ranking: Reminders in Spanish" }));
    press(screen.getByRole("button", { name: "Remove: Pay bills online" }));
    press(screen.getByRole("button", { name: "Send my ballot" }));
    expect(await screen.findByText("Your ballot was replaced.")).toBeTruthy();
    expect(sent("PUT", "/patients/me/polls/01POLL/ballot")[1]!.body).toEqual({ choices: ["01IDEA2", "01IDEA3"] });
  });

  it("opens on the ballot already cast", async () => {
    handlers.unshift((r) =>
      path(r) === "/patients/me/polls" ? json(200, { items: [poll({ myBallot: { choices: ["01IDEA4", "01IDEA1"], castAt: "2026-03-05T10:00:00Z" } })] }) : undefined,
    );
    asPatient("/p/me/polls/01POLL");
    const ranking = await screen.findByRole("list", { name: "Your ranking" });
    expect(within(ranking).getAllByRole("heading").map((h) => h.textContent)).toEqual(["1. Share your record", "2. Pay bills online"]);
  });

  it("says clearly that a closed poll took no ballot, and shows its outcome", async () => {
    let closed = false;
    handlers.unshift(
      (r) => (path(r) === "/patients/me/polls" ? json(200, { items: [closed ? { ...closedPoll, pollId: "01POLL" } : poll()] }) : undefined),
      (r) => {
        if (r.method !== "PUT") return undefined;
        closed = true;
        return problem(409, "This poll is not open", {
          type: "https://patient-portal.dev/problems/poll-closed",
          detail: "This poll has closed: ballots are no longer taken.",
        });
      },
    );
    asPatient("/p/me/polls/01POLL");
    press(await screen.findByRole("button", { name: "Add to my ranking: Share your record" }));
    press(screen.getByRole("button", { name: "Send my ballot" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toMatch(/Your ballot was not counted: this poll is not taking ballots/);
    expect(await screen.findByRole("region", { name: "The outcome" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Send my ballot" })).toBeNull();
  });

  it("approves ideas with checkboxes in an approval poll", async () => {
    handlers.unshift(
      (r) => (path(r) === "/patients/me/polls" ? json(200, { items: [poll({ method: "approval" })] }) : undefined),
      (r) => (r.method === "PUT" ? json(201, { ballot: { choices: [], castAt: "2026-03-05T10:00:00Z" } }) : undefined),
    );
    asPatient("/p/me/polls/01POLL");
    const group = await screen.findByRole("group", { name: "The ideas you would like" });
    press(within(group).getByRole("checkbox", { name: "Share your record" }));
    press(within(group).getByRole("checkbox", { name: "Pay bills online" }));
    press(screen.getByRole("button", { name: "Send my ballot" }));
    expect(await screen.findByText("Thanks, your ballot is in.")).toBeTruthy();
    expect(sent("PUT", "/patients/me/polls/01POLL/ballot")[0]!.body).toEqual({ choices: ["01IDEA4", "01IDEA1"] });
  });

  it("shows not-found for a poll not addressed to the patient", async () => {
    asPatient("/p/me/polls/01NOPE");
    expect(await screen.findByRole("heading", { name: "Not found" })).toBeTruthy();
  });
});

describe("the usability survey", () => {
  it("has the ten statements, each a radio group; sends nothing until all are answered, then shows the score", async () => {
    handlers.unshift((r) =>
      r.method === "POST" && path(r) === "/patients/me/feedback/surveys/01SURVEY/response" ? json(201, { surveyId: "01SURVEY", score: 77.5 }) : undefined,
    );
    asPatient("/p/me/surveys/01SURVEY");
    expect(await screen.findByRole("heading", { name: "Usability survey", level: 1 })).toBeTruthy();
    const groups = screen.getAllByRole("group");
    expect(groups).toHaveLength(10);
    expect(within(groups[0]!).getAllByRole("radio").map((r) => r.closest("div")!.textContent)).toEqual([
      "Strongly disagree",
      "Disagree",
      "Neither agree nor disagree",
      "Agree",
      "Strongly agree",
    ]);
    expect(screen.getByRole("group", { name: "2. I found the portal unnecessarily complex." })).toBeTruthy();

    fireEvent.click(within(groups[0]!).getByRole("radio", { name: "Agree" }));
    fireEvent.click(screen.getByRole("button", { name: "Send my answers" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Answer all 10 statements: 9 still without an answer.");
    expect(sent("POST", "/patients/me/feedback/surveys/01SURVEY/response")).toHaveLength(0);
    // The first one still to answer has the focus and says what is missing.
    expect(document.activeElement).toBe(within(groups[1]!).getByRole("radio", { name: "Strongly disagree" }));
    expect(groups[1]!.getAttribute("aria-describedby")).toBeTruthy();
    expect(within(groups[1]!).getByText("Choose an answer.")).toBeTruthy();

    const answers = [4, 2, 5, 1, 4, 2, 5, 1, 4, 2];
    const words = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"];
    answers.forEach((a, i) => fireEvent.click(within(groups[i]!).getByRole("radio", { name: words[a - 1]! })));
    fireEvent.click(screen.getByRole("button", { name: "Send my answers" }));
    expect(await screen.findByText("Your score: 77.5 out of 100.")).toBeTruthy();
    expect(sent("POST", "/patients/me/feedback/surveys/01SURVEY/response")[0]!.body).toEqual({ answers });
  });

  it("says so when the survey was answered already (409)", async () => {
    handlers.unshift((r) =>
      r.method === "POST" && path(r).endsWith("/response")
        ? problem(409, "Conflict with the current state", {
            type: "https://patient-portal.dev/problems/already-answered",
            detail: "This survey has been answered for this patient already: each patient answers it once.",
          })
        : undefined,
    );
    asPatient("/p/me/surveys/01SURVEY");
    const groups = await screen.findAllByRole("group");
    for (const g of groups) fireEvent.click(within(g).getByRole("radio", { name: "Agree" }));
    fireEvent.click(screen.getByRole("button", { name: "Send my answers" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/You have already answered this survey/);
  });

  it("does not ask again what the list says is answered, and speaks Spanish", async () => {
    asPatient("/p/me/surveys/01OLD");
    expect(await screen.findByText("You have already answered this survey. Thank you.")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Language"), { target: { value: "es" } });
    expect(await screen.findByText("Ya ha respondido este cuestionario. Gracias.")).toBeTruthy();
  });
});

describe("the feedback prompt", () => {
  it("asks on Home for a survey, at most once this session, and can be closed", async () => {
    handlers.unshift((r) => (path(r) === "/patients/me/feedback/prompt" ? json(200, { prompt: { kind: "sus", surveyId: "01SURVEY" } }) : undefined));
    asPatient("/p/me");
    const region = await screen.findByRole("region", { name: "Help the practice improve the portal" });
    expect(within(region).getByRole("link", { name: "Answer the usability survey" }).getAttribute("href")).toBe("/p/me/surveys/01SURVEY");
    expect(sent("POST", "/patients/me/feedback/prompt")[0]!.body).toEqual({});
    // The page is all there behind it: nothing modal.
    expect(screen.getByRole("heading", { name: "Welcome" })).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
    press(within(region).getByRole("button", { name: "Not now: Help the practice improve the portal" }));
    expect(screen.queryByRole("region", { name: "Help the practice improve the portal" })).toBeNull();

    // Home again in the same session: not asked again.
    const nav = screen.getByRole("navigation", { name: "Main" });
    fireEvent.click(await within(nav).findByRole("link", { name: "Health record" }));
    fireEvent.click(within(nav).getByRole("link", { name: "Home" }));
    expect(await screen.findByRole("heading", { name: "Welcome" })).toBeTruthy();
    expect(sent("POST", "/patients/me/feedback/prompt")).toHaveLength(1);
  });

  it("asks for a rating of messaging on the Messages page and sends it as prompted", async () => {
    handlers.unshift(
      (r, body) =>
        path(r) === "/patients/me/feedback/prompt"
          ? json(200, { prompt: (body as { feature?: string }).feature === "messaging" ? { kind: "rating", feature: "messaging" } : null })
          : undefined,
      (r) => (r.method === "POST" && path(r) === "/patients/me/feedback/ratings" ? json(201, {}) : undefined),
    );
    asPatient("/p/me/messages");
    const region = await screen.findByRole("region", { name: "How is Messaging working for you?" });
    expect(sent("POST", "/patients/me/feedback/prompt")[0]!.body).toEqual({ feature: "messaging" });
    fireEvent.click(within(region).getByRole("button", { name: "Send rating" }));
    expect(await within(region).findByText("Choose a rating from 1 to 5.")).toBeTruthy();
    fireEvent.click(within(region).getByRole("radio", { name: "5 – Excellent" }));
    fireEvent.click(within(region).getByRole("button", { name: "Send rating" }));
    expect(await within(region).findByText("Thanks for your rating.")).toBeTruthy();
    expect(sent("POST", "/patients/me/feedback/ratings")[0]!.body).toEqual({ feature: "messaging", rating: 5, prompted: true });
  });

  it("stays silent when the API fails, and is never asked while feedback is off", async () => {
    handlers.unshift((r) => (path(r) === "/patients/me/feedback/prompt" ? problem(500, "Something went wrong on our side") : undefined));
    asPatient("/p/me");
    expect(await screen.findByRole("heading", { name: "Welcome" })).toBeTruthy();
    await waitFor(() => expect(sent("POST", "/patients/me/feedback/prompt")).toHaveLength(1));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.queryByRole("region", { name: /portal|working for you/ })).toBeNull();
  });
});

describe("a staff member's polls", () => {
  it("lists the polls for the caller's roles and casts, then replaces, the ballot", async () => {
    let stored: { choices: string[]; castAt: string } | undefined;
    handlers.unshift(
      (r) => (path(r) === "/account/polls" ? json(200, { items: [poll(stored ? { myBallot: stored } : {}), closedPoll] }) : undefined),
      (r, body) => {
        if (r.method !== "PUT" || path(r) !== "/account/polls/01POLL/ballot") return undefined;
        const first = !stored;
        stored = { choices: (body as { choices: string[] }).choices, castAt: "2026-03-05T10:00:00Z" };
        return json(first ? 201 : 200, { ballot: stored });
      },
    );
    asStaff("/staff/day");
    const nav = await screen.findByRole("navigation", { name: "Main" });
    fireEvent.click(within(nav).getByRole("link", { name: "Your polls" }));
    expect(await screen.findByRole("heading", { name: "Your polls", level: 1 })).toBeTruthy();
    expect(await screen.findByText("Last spring's poll")).toBeTruthy();
    fireEvent.click(screen.getByRole("link", { name: "Vote: What should the portal do next?" }));
    expect(await screen.findByRole("heading", { name: "What should the portal do next?", level: 1 })).toBeTruthy();
    press(screen.getByRole("button", { name: "Add to my ranking: Share your record" }));
    press(screen.getByRole("button", { name: "Send my ballot" }));
    expect(await screen.findByText("Thanks, your ballot is in.")).toBeTruthy();
    press(screen.getByRole("button", { name: "Add to my ranking: Pay bills online" }));
    press(screen.getByRole("button", { name: "Move up: Pay bills online" }));
    press(screen.getByRole("button", { name: "Send my ballot" }));
    expect(await screen.findByText("Your ballot was replaced.")).toBeTruthy();
    expect(sent("PUT", "/account/polls/01POLL/ballot").map((c) => c.body)).toEqual([
      { choices: ["01IDEA4"] },
      { choices: ["01IDEA1", "01IDEA4"] },
    ]);
  });

  it("is in the navigation of every staff role", async () => {
    for (const groups of [["clinicians"], ["response-team"], ["admins"], ["portal-leads"]]) {
      asStaff("/staff/polls", groups);
      const nav = await screen.findByRole("navigation", { name: "Main" });
      expect(within(nav).getByRole("link", { name: "Your polls" }).getAttribute("href")).toBe("/staff/polls");
      cleanup();
    }
  });
});

describe("another practice's ballot page", () => {
  it("reads the token from the fragment, sends it only in bodies, and casts the ballot without signing in", async () => {
    handlers.unshift(
      (r) => (path(r) === "/public/polls/lookup" ? json(200, poll({ title: "Ideas for portals" })) : undefined),
      (r) => (path(r) === "/public/polls/ballots" ? json(201, { ballot: { choices: ["01IDEA3"], castAt: "2026-03-05T10:00:00Z" } }) : undefined),
    );
    anonymous("/vote#tok-3Zx_V0kT7mR2wY5bN8c");
    expect(await screen.findByRole("heading", { name: "Ideas for portals", level: 1 })).toBeTruthy();
    expect(screen.getByText("Rank the three ideas that would help you most.")).toBeTruthy();
    expect(screen.queryByRole("navigation", { name: "Main" })).toBeNull();
    press(screen.getByRole("button", { name: "Add to my ranking: Reminders in Spanish" }));
    press(screen.getByRole("button", { name: "Send my ballot" }));
    expect(await screen.findByText("Thanks, your ballot is in.")).toBeTruthy();

    expect(sent("POST", "/public/polls/lookup")[0]!.body).toEqual({ token: "tok-3Zx_V0kT7mR2wY5bN8c" });
    expect(sent("POST", "/public/polls/ballots")[0]!.body).toEqual({ token: "tok-3Zx_V0kT7mR2wY5bN8c", choices: ["01IDEA3"] });
    for (const c of calls) {
      expect(c.url).not.toContain("tok-3Zx");
      expect(c.headers.get("Authorization")).toBeNull();
    }
    expect(location.pathname).toBe("/vote");
    expect(location.search).toBe("");
  });

  it("shows the outcome once the poll has closed", async () => {
    handlers.unshift((r) => (path(r) === "/public/polls/lookup" ? json(200, closedPoll) : undefined));
    anonymous("/vote#tok");
    const outcome = await screen.findByRole("region", { name: "The outcome" });
    expect(within(outcome).getAllByRole("listitem")[0]!.textContent).toBe("Pay bills online Planned");
    expect(screen.queryByRole("button", { name: "Send my ballot" })).toBeNull();
  });

  it("says the link is not valid (404), or to wait after too many tries (429)", async () => {
    handlers.unshift((r) => (path(r) === "/public/polls/lookup" ? problem(404, "Not found") : undefined));
    anonymous("/vote#forged");
    expect((await screen.findByRole("alert")).textContent).toMatch(/This link is not valid/);
    cleanup();

    handlers.unshift((r) =>
      path(r) === "/public/polls/lookup" ? problem(429, "Too many attempts", { retryAfterSeconds: 290 }, { "Retry-After": "290" }) : undefined,
    );
    anonymous("/vote#forged-again");
    expect((await screen.findByRole("alert")).textContent).toMatch(/Too many tries: wait 5 minutes, then try again\./);
  });

  it("needs no call to know an address without a token is not valid", async () => {
    anonymous("/vote");
    expect((await screen.findByRole("alert")).textContent).toMatch(/This link is not valid/);
    expect(calls).toHaveLength(0);
  });
});
