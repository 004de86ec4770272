import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App, makeQueryClient } from "../../../App";
import { setSession } from "../../../auth/session";

// The practice's feedback screens (ideas, polls, results, ratings) against a stubbed API: what
// each sends, and how each answer reads.

const config = { apiUrl: "http://api.test", userPoolId: "p", clientId: "c", practiceTimeZone: "America/New_York" };
const P1 = "01HZZZZZZZZZZZZZZZZZZZZZZA";
const I1 = "01JD3Z6T7XK8Q2M4N5P6R7S8T1";
const I2 = "01JD3Z6T7XK8Q2M4N5P6R7S8T2";
const I3 = "01JD3Z6T7XK8Q2M4N5P6R7S8T3";
const POLL = "01JD3Z6T7XK8Q2M4N5P6R7S8P0";

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
const problem = (status: number, title: string, errors?: { field: string; message: string }[]) =>
  json(status, { type: "x", title, status, ...(errors ? { errors } : {}) }, "application/problem+json");

type Call = { method: string; url: string; body: string; headers: Headers };
type Handler = (request: Request, body: string) => Response | undefined;
let handlers: Handler[] = [];
let calls: Call[] = [];

const idea = (ideaId: string, title: string, extra: Record<string, unknown> = {}) => ({
  ideaId,
  title,
  description: `${title}: what it does.`,
  benefit: `${title}: whom it helps.`,
  status: "proposed",
  createdAt: "2026-03-01T10:00:00Z",
  createdBy: "lead",
  updatedAt: "2026-03-01T10:00:00Z",
  version: 3,
  ...extra,
});
let ideas: ReturnType<typeof idea>[] = [];

const poll = (extra: Record<string, unknown> = {}) => ({
  pollId: POLL,
  title: "What should we build next?",
  question: "Put your top two in order.",
  ideaIds: [I1, I2, I3],
  method: "rank",
  topK: 2,
  audience: { staffRoles: ["front-desk"], cohorts: ["beta-1"], practices: true },
  weights: { staff: 40, patients: 40, practices: 20 },
  opensAt: "2026-03-01T14:00:00Z",
  closesAt: "2026-03-15T21:30:00Z",
  state: "open",
  createdAt: "2026-03-01T10:00:00Z",
  createdBy: "lead",
  version: 1,
  ballots: { staff: 2, patients: 3, practices: 1 },
  links: [{ linkId: "01L", practiceName: "Riverside Clinic", createdAt: "2026-03-02T10:00:00Z", voted: true }],
  ...extra,
});

const results = {
  pollId: POLL,
  state: "closed",
  method: "rank",
  strata: [
    {
      stratum: "staff",
      weight: 40,
      ballots: 2,
      ranking: [
        { ideaId: I1, title: "Pay online", points: 4, rank: 1 },
        { ideaId: I2, title: "Book a nurse", points: 2, rank: 2 },
        { ideaId: I3, title: "Share a letter", points: 0, rank: 3 },
      ],
    },
    {
      stratum: "patients",
      weight: 40,
      ballots: 3,
      ranking: [
        { ideaId: I2, title: "Book a nurse", points: 5, rank: 1 },
        { ideaId: I1, title: "Pay online", points: 3, rank: 2 },
        { ideaId: I3, title: "Share a letter", points: 1, rank: 3 },
      ],
    },
    {
      stratum: "practices",
      weight: 20,
      ballots: 1,
      ranking: [
        { ideaId: I1, title: "Pay online", points: 2, rank: 1 },
        { ideaId: I3, title: "Share a letter", points: 1, rank: 2 },
        { ideaId: I2, title: "Book a nurse", points: 0, rank: 3 },
      ],
    },
  ],
  overall: [
    { ideaId: I1, title: "Pay online", score: 160, rank: 1 },
    { ideaId: I2, title: "Book a nurse", score: 106.667, rank: 2 },
    { ideaId: I3, title: "Share a letter", score: 33.333, rank: 3 },
  ],
};

const cohorts = [
  { name: "beta-1", description: "First patients", beta: true, memberCount: 3, createdAt: "2026-03-01T10:00:00Z", createdBy: "lead" },
  { name: "clinic-a", description: "Clinic A", beta: false, memberCount: 9, createdAt: "2026-03-01T10:00:00Z", createdBy: "lead" },
];

const path = (r: Request) => new URL(r.url).pathname;

beforeEach(() => {
  calls = [];
  ideas = [
    idea(I1, "Pay online", { feature: "online-booking", votes: 12 }),
    idea(I2, "Book a nurse"),
    idea(I3, "Share a letter", { status: "declined", declineReason: "The hospital does this already." }),
  ];
  handlers = [
    (r) => (r.url.endsWith("/account/agreements") ? json(200, { items: [] }) : undefined),
    (r) => (r.method === "GET" && path(r) === "/rollout/cohorts" ? json(200, { items: cohorts, nextCursor: null }) : undefined),
    (r) => (r.method === "GET" && path(r) === "/feedback/ideas" ? json(200, { items: ideas }) : undefined),
    (r) => (r.method === "GET" && path(r) === "/feedback/polls" ? json(200, { items: [poll()] }) : undefined),
    (r) => (r.method === "GET" && path(r) === `/feedback/polls/${POLL}` ? json(200, poll()) : undefined),
    (r) => (r.method === "GET" && path(r) === `/feedback/polls/${POLL}/results` && new URL(r.url).searchParams.get("format") === "json" ? json(200, results) : undefined),
  ];
  vi.stubGlobal("fetch", async (input: Request) => {
    const body = input.method === "GET" ? "" : await input.clone().text();
    calls.push({ method: input.method, url: input.url, body, headers: input.headers });
    for (const handler of handlers) {
      const response = handler(input, body);
      if (response) return response;
    }
    return json(200, { items: [], nextCursor: null });
  });
  lead();
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  setSession(null);
});

function lead() {
  setSession({ idToken: "t", claims: { sub: "lead", groups: ["portal-leads"], exp: 9e9 } });
}

function open(at: string) {
  history.replaceState(null, "", at);
  render(<App config={config} queryClient={makeQueryClient()} />);
}

const sent = (method: string, at: string) => calls.filter((c) => c.method === method && new URL(c.url).pathname === at);
const cells = (table: HTMLElement) =>
  within(table).getAllByRole("row").slice(1).map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent));

describe("the navigation", () => {
  const rolloutLinks = async () => {
    const nav = await screen.findByRole("navigation", { name: "Main" });
    const list = await within(nav).findByRole("list", { name: "Rollout" });
    return within(list).getAllByRole("link").map((a) => a.textContent);
  };

  it("offers a portal lead ideas, polls and feedback", async () => {
    open("/rollout/ideas");
    expect(await rolloutLinks()).toEqual(["Cohorts", "Invitation waves", "Feature switches", "Terms", "Adoption", "Ideas", "Polls", "Feedback"]);
  });

  it("offers an administrator polls and feedback to read, and the response team feedback", async () => {
    setSession({ idToken: "t", claims: { sub: "admin", groups: ["admins"], exp: 9e9 } });
    open("/rollout/polls");
    expect(await rolloutLinks()).toEqual(["Adoption", "Polls", "Feedback"]);
    // Reading only: no form to start a poll.
    await screen.findByRole("link", { name: "What should we build next?" });
    expect(screen.queryByRole("form", { name: "New poll" })).toBeNull();
  });
});

describe("ideas", () => {
  it("lists each idea with its status and linked feature", async () => {
    open("/rollout/ideas");
    const pay = await screen.findByRole("region", { name: "Pay online" });
    expect(within(pay).getByText("Proposed", { selector: ".tag" })).toBeTruthy();
    expect(within(pay).getByRole("link", { name: "Online booking" }).getAttribute("href")).toBe("/rollout/features");
    expect(within(pay).getByText("12")).toBeTruthy();
    const letter = screen.getByRole("region", { name: "Share a letter" });
    expect(within(letter).getByText("Declined", { selector: ".tag" })).toBeTruthy();
    expect(within(letter).getByText("The hospital does this already.", { selector: "dd" })).toBeTruthy();
  });

  it("adds an idea: the missing fields first, then exactly what was typed", async () => {
    handlers.unshift((r) => (r.method === "POST" && path(r) === "/feedback/ideas" ? json(201, idea("01N", "Repeat a prescription")) : undefined));
    open("/rollout/ideas");
    const form = await screen.findByRole("form", { name: "New idea" });
    fireEvent.click(within(form).getByRole("button", { name: "Add the idea" }));
    expect(await within(form).findAllByText("Fill this in.")).toHaveLength(3);
    expect(sent("POST", "/feedback/ideas")).toHaveLength(0);

    fireEvent.change(within(form).getByLabelText("Title"), { target: { value: " Repeat a prescription " } });
    fireEvent.change(within(form).getByLabelText(/^What it would do/), { target: { value: "Ask for a repeat in two taps." } });
    fireEvent.change(within(form).getByLabelText(/^Whom it helps/), { target: { value: "Patients on long-term medicines." } });
    fireEvent.change(within(form).getByLabelText("Feature it comes under (optional)"), { target: { value: "messaging" } });
    fireEvent.click(within(form).getByRole("button", { name: "Add the idea" }));
    expect(await within(form).findByText("Added: Repeat a prescription.")).toBeTruthy();
    const [post] = sent("POST", "/feedback/ideas");
    expect(JSON.parse(post!.body)).toEqual({
      title: "Repeat a prescription",
      description: "Ask for a repeat in two taps.",
      benefit: "Patients on long-term medicines.",
      feature: "messaging",
    });
    expect(post!.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("declines only with a reason, sends the version in If-Match, and says how many supporters were told", async () => {
    handlers.unshift((r, body) => {
      if (r.method !== "PUT" || path(r) !== `/feedback/ideas/${I1}`) return undefined;
      const change = JSON.parse(body) as Record<string, unknown>;
      ideas[0] = { ...ideas[0]!, ...change, version: 4 } as ReturnType<typeof idea>;
      return json(200, { ...ideas[0], told: 12 });
    });
    open("/rollout/ideas");
    const card = await screen.findByRole("region", { name: "Pay online" });
    fireEvent.click(within(card).getByText("Change: Pay online"));
    const form = within(card).getByRole("form", { name: "Change: Pay online" });
    expect(within(form).queryByLabelText(/^Why it is declined/)).toBeNull();
    fireEvent.click(within(form).getByRole("radio", { name: "Declined" }));
    // The reason shows with "declined", and is required.
    expect(within(form).getByLabelText(/^Why it is declined/)).toBeTruthy();
    fireEvent.click(within(form).getByRole("button", { name: "Save the idea" }));
    expect(await within(form).findByText("Give a reason: the people who supported it read it.")).toBeTruthy();
    expect(sent("PUT", `/feedback/ideas/${I1}`)).toHaveLength(0);

    fireEvent.change(within(form).getByLabelText(/^Why it is declined/), { target: { value: "Card payments cost too much." } });
    fireEvent.click(within(form).getByRole("button", { name: "Save the idea" }));
    expect(await within(card).findByText(/12 people who supported it were told\./)).toBeTruthy();
    const [put] = sent("PUT", `/feedback/ideas/${I1}`);
    expect(put!.headers.get("If-Match")).toBe('"3"');
    expect(JSON.parse(put!.body)).toEqual({
      title: "Pay online",
      description: "Pay online: what it does.",
      benefit: "Pay online: whom it helps.",
      feature: "online-booking",
      status: "declined",
      declineReason: "Card payments cost too much.",
    });
    await waitFor(() => expect(within(screen.getByRole("region", { name: "Pay online" })).getByText("Card payments cost too much.", { selector: "dd" })).toBeTruthy());
  });

  it("says so when someone changed the idea meanwhile (412)", async () => {
    handlers.unshift((r) => (r.method === "PUT" ? problem(412, "The resource changed since you read it") : undefined));
    open("/rollout/ideas");
    const card = await screen.findByRole("region", { name: "Book a nurse" });
    fireEvent.click(within(card).getByText("Change: Book a nurse"));
    const form = within(card).getByRole("form", { name: "Change: Book a nurse" });
    fireEvent.click(within(form).getByRole("radio", { name: "Planned" }));
    fireEvent.click(within(form).getByRole("button", { name: "Save the idea" }));
    expect(await within(form).findByText(/Someone changed this idea since you opened it/)).toBeTruthy();
    fireEvent.click(within(form).getByRole("button", { name: "Reload the idea" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "GET" && new URL(c.url).pathname === "/feedback/ideas").length).toBeGreaterThan(1));
  });

  it("accepts a patient's suggestion, and declines one only with a reason", async () => {
    const suggestion = (suggestionId: string, title: string) => ({
      suggestionId,
      patientId: P1,
      title,
      description: `${title}, please.`,
      status: "pending",
      createdAt: "2026-03-02T10:00:00Z",
    });
    handlers.unshift(
      (r) =>
        r.method === "GET" && path(r) === "/feedback/suggestions"
          ? json(200, { items: new URL(r.url).searchParams.get("status") === "pending" ? [suggestion("01S1", "Dark mode"), suggestion("01S2", "Fax my records")] : [] })
          : undefined,
      (r) => (r.method === "POST" && path(r).endsWith("/decision") ? json(200, { ...suggestion("01S1", "Dark mode"), status: "accepted", ideaId: "01N" }) : undefined),
    );
    open("/rollout/ideas");
    const queue = await screen.findByRole("region", { name: "Patients' suggestions" });
    fireEvent.click(await within(queue).findByRole("button", { name: "Accept: Dark mode" }));
    expect(await within(queue).findByText(/Accepted: “Dark mode” is now a proposed idea/)).toBeTruthy();
    expect(JSON.parse(sent("POST", `/patients/${P1}/suggestions/01S1/decision`)[0]!.body)).toEqual({ decision: "accept" });

    fireEvent.click(within(queue).getByRole("button", { name: "Decline: Fax my records" }));
    const decline = within(queue).getByRole("form", { name: "Decline: Fax my records" });
    fireEvent.click(within(decline).getByRole("button", { name: "Decline" }));
    expect(await within(decline).findByText("Give a reason: the people who supported it read it.")).toBeTruthy();
    expect(sent("POST", `/patients/${P1}/suggestions/01S2/decision`)).toHaveLength(0);
    fireEvent.change(within(decline).getByLabelText(/^Why it is declined/), { target: { value: "We no longer use fax." } });
    fireEvent.click(within(decline).getByRole("button", { name: "Decline" }));
    await waitFor(() => expect(sent("POST", `/patients/${P1}/suggestions/01S2/decision`)).toHaveLength(1));
    expect(JSON.parse(sent("POST", `/patients/${P1}/suggestions/01S2/decision`)[0]!.body)).toEqual({ decision: "decline", reason: "We no longer use fax." });
    // The filter asks for the other lists.
    fireEvent.click(within(queue).getByRole("radio", { name: "Declined" }));
    await waitFor(() => expect(calls.some((c) => new URL(c.url).searchParams.get("status") === "declined")).toBe(true));
  });
});

describe("polls", () => {
  it("lists each poll with its state, dates and ballots per group", async () => {
    open("/rollout/polls");
    const table = await screen.findByRole("table", { name: "The practice's polls" });
    await within(table).findByRole("link", { name: "What should we build next?" });
    const [row] = cells(table);
    expect(row![1]).toBe("Open");
    expect(row!.slice(4)).toEqual(["2", "3", "1"]);
  });

  it("starts a poll: the missing choices first, then exactly this JSON", async () => {
    handlers.unshift((r) => (r.method === "POST" && path(r) === "/feedback/polls" ? json(201, poll({ state: "scheduled" })) : undefined));
    open("/rollout/polls");
    const form = await screen.findByRole("form", { name: "New poll" });
    await within(form).findByRole("checkbox", { name: /Pay online/ });
    // A declined idea is not offered.
    expect(within(form).queryByRole("checkbox", { name: /Share a letter/ })).toBeNull();
    fireEvent.click(within(form).getByRole("button", { name: "Start the poll" }));
    expect(await within(form).findByText("Choose from 2 to 20 ideas.")).toBeTruthy();
    expect(within(form).getByText("Ask at least one group: a staff role, a cohort or other practices.")).toBeTruthy();
    expect(within(form).getAllByText("Fill this in.")).toHaveLength(2);
    expect(sent("POST", "/feedback/polls")).toHaveLength(0);

    fireEvent.change(within(form).getByLabelText("Title"), { target: { value: "What should we build next?" } });
    fireEvent.change(within(form).getByLabelText(/^Question/), { target: { value: "Put your top two in order." } });
    // Ticked in another order than listed: sent in the list's order.
    fireEvent.click(within(form).getByRole("checkbox", { name: /Book a nurse/ }));
    fireEvent.click(within(form).getByRole("checkbox", { name: /Pay online/ }));
    fireEvent.change(within(form).getByLabelText(/^How many ideas each ballot ranks/), { target: { value: "2" } });
    fireEvent.click(within(form).getByRole("checkbox", { name: "Front desk" }));
    fireEvent.click(await within(form).findByRole("checkbox", { name: "clinic-a" }));
    fireEvent.click(within(form).getByRole("checkbox", { name: "Other practices (each through a link of its own)" }));
    fireEvent.change(within(form).getByLabelText("Staff"), { target: { value: "40" } });
    fireEvent.change(within(form).getByLabelText("Patients"), { target: { value: "40" } });
    fireEvent.change(within(form).getByLabelText("Other practices"), { target: { value: "20" } });
    fireEvent.change(within(form).getByLabelText(/^Opens/), { target: { value: "2030-03-01T09:00" } });
    fireEvent.change(within(form).getByLabelText(/^Closes/), { target: { value: "2030-03-15T17:30" } });
    fireEvent.click(within(form).getByRole("button", { name: "Start the poll" }));
    await waitFor(() => expect(location.pathname).toBe(`/rollout/polls/${POLL}`));
    const [post] = sent("POST", "/feedback/polls");
    expect(post!.body).toBe(
      JSON.stringify({
        title: "What should we build next?",
        question: "Put your top two in order.",
        ideaIds: [I1, I2],
        method: "rank",
        topK: 2,
        audience: { staffRoles: ["front-desk"], cohorts: ["clinic-a"], practices: true },
        weights: { staff: 40, patients: 40, practices: 20 },
        opensAt: "2030-03-01T14:00:00Z",
        closesAt: "2030-03-15T21:30:00Z",
      }),
    );
    expect(post!.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("puts the API's refusal next to its field", async () => {
    handlers.unshift((r) =>
      r.method === "POST" && path(r) === "/feedback/polls"
        ? problem(422, "Some fields are missing or invalid", [{ field: "closesAt", message: "must be in the future" }])
        : undefined,
    );
    open("/rollout/polls");
    const form = await screen.findByRole("form", { name: "New poll" });
    fireEvent.change(within(form).getByLabelText("Title"), { target: { value: "Old poll" } });
    fireEvent.change(within(form).getByLabelText(/^Question/), { target: { value: "Which?" } });
    fireEvent.click(await within(form).findByRole("checkbox", { name: /Book a nurse/ }));
    fireEvent.click(within(form).getByRole("checkbox", { name: /Pay online/ }));
    fireEvent.click(within(form).getByRole("radio", { name: "Approve any number of ideas" }));
    fireEvent.click(within(form).getByRole("checkbox", { name: "Clinician" }));
    fireEvent.click(within(form).getByRole("button", { name: "Start the poll" }));
    const error = await within(form).findByText("must be in the future");
    expect(within(form).getByLabelText(/^Closes/).getAttribute("aria-describedby")).toContain(error.id);
    const body = JSON.parse(sent("POST", "/feedback/polls")[0]!.body) as Record<string, unknown>;
    expect(body.method).toBe("approval");
    expect("topK" in body).toBe(false);
    expect(body.weights).toEqual({ staff: 1, patients: 0, practices: 0 });
  });
});

describe("a poll", () => {
  it("shows the results per group and overall, with the weights", async () => {
    open(`/rollout/polls/${POLL}`);
    expect(await screen.findByRole("heading", { name: "What should we build next?", level: 1 })).toBeTruthy();
    const staff = await screen.findByRole("table", { name: "Staff: 2 ballots, weight 40" });
    expect(cells(staff)).toEqual([
      ["1", "Pay online", "4"],
      ["2", "Book a nurse", "2"],
      ["3", "Share a letter", "0"],
    ]);
    expect(cells(screen.getByRole("table", { name: "Patients: 3 ballots, weight 40" }))[0]).toEqual(["1", "Book a nurse", "5"]);
    expect(cells(screen.getByRole("table", { name: "Other practices: 1 ballot, weight 20" }))[0]).toEqual(["1", "Pay online", "2"]);
    const overall = screen.getByRole("table", { name: "Overall order, weighted" });
    expect(cells(overall).map((r) => r.slice(0, 3))).toEqual([
      ["1", "Pay online", "160"],
      ["2", "Book a nurse", "106.67"],
      ["3", "Share a letter", "33.33"],
    ]);
    expect(screen.getByText(/^Weights: Staff 40 · Patients 40 · Other practices 20\./)).toBeTruthy();
    const definition = screen.getByRole("region", { name: "What is asked, and of whom" });
    expect(within(definition).getByText("Rank the top 2 (Borda count)")).toBeTruthy();
    expect(within(definition).getByText("Front desk")).toBeTruthy();
    const links = screen.getByRole("table", { name: "Other practices' links" });
    expect(cells(links)[0]).toEqual(["Riverside Clinic", expect.any(String), "Yes"]);
  });

  it("downloads the results as CSV", async () => {
    handlers.unshift((r) =>
      path(r) === `/feedback/polls/${POLL}/results` && new URL(r.url).searchParams.get("format") === "csv"
        ? new Response("stratum,rank,ideaId,title,points,ballots\r\nstaff,1,x,Pay online,4,2\r\n", { status: 200, headers: { "Content-Type": "text/csv" } })
        : undefined,
    );
    const blobs: Blob[] = [];
    URL.createObjectURL = (b: Blob) => {
      blobs.push(b);
      return "blob:poll";
    };
    URL.revokeObjectURL = () => {};
    const saved: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    open(`/rollout/polls/${POLL}`);
    fireEvent.click(await screen.findByRole("button", { name: "Download as CSV" }));
    await waitFor(() => expect(blobs).toHaveLength(1));
    expect(new URL(sent("GET", `/feedback/polls/${POLL}/results`).at(-1)!.url).searchParams.get("format")).toBe("csv");
    const text = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(blobs[0]!);
    });
    expect(text).toContain("staff,1,x,Pay online,4,2");
    expect(saved).toEqual([`poll-${POLL}.csv`]);
  });

  it("closes the poll only after a confirmation, with its version in If-Match", async () => {
    handlers.unshift((r) => (r.method === "POST" && path(r) === `/feedback/polls/${POLL}/close` ? json(200, poll({ state: "closed", version: 2 })) : undefined));
    open(`/rollout/polls/${POLL}`);
    fireEvent.click(await screen.findByRole("button", { name: "Close the poll now" }));
    expect(sent("POST", `/feedback/polls/${POLL}/close`)).toHaveLength(0);
    const confirm = screen.getByRole("form", { name: "Close the poll" });
    expect(within(confirm).getByText(/Close “What should we build next\?” now\?/)).toBeTruthy();
    fireEvent.click(within(confirm).getByRole("button", { name: "Close it now" }));
    await waitFor(() => expect(sent("POST", `/feedback/polls/${POLL}/close`)).toHaveLength(1));
    expect(sent("POST", `/feedback/polls/${POLL}/close`)[0]!.headers.get("If-Match")).toBe('"1"');
  });

  it("creates a practice's link and shows its address once, with a copy button", async () => {
    handlers.unshift((r) =>
      r.method === "POST" && path(r) === `/feedback/polls/${POLL}/links`
        ? json(201, { linkId: "01L2", practiceName: "Hillside Surgery", token: "tok-123" })
        : undefined,
    );
    const copied: string[] = [];
    Object.defineProperty(navigator, "clipboard", { value: { writeText: async (s: string) => void copied.push(s) }, configurable: true });
    open(`/rollout/polls/${POLL}`);
    const form = await screen.findByRole("form", { name: "New practice link" });
    fireEvent.click(within(form).getByRole("button", { name: "Create the link" }));
    expect(await within(form).findByText("Fill this in.")).toBeTruthy();
    fireEvent.change(within(form).getByLabelText("Practice name"), { target: { value: " Hillside Surgery " } });
    fireEvent.click(within(form).getByRole("button", { name: "Create the link" }));
    const url = (await screen.findByLabelText("Voting link")) as HTMLInputElement;
    expect(url.value).toBe(`${location.origin}/vote#tok-123`);
    expect(screen.getByText(/it is shown only this once/)).toBeTruthy();
    expect(JSON.parse(sent("POST", `/feedback/polls/${POLL}/links`)[0]!.body)).toEqual({ practiceName: "Hillside Surgery" });
    fireEvent.click(screen.getByRole("button", { name: "Copy the link" }));
    expect(await screen.findByText("Copied.")).toBeTruthy();
    expect(copied).toEqual([`${location.origin}/vote#tok-123`]);
  });

  it("marks the winner planned from the results, and says who was told", async () => {
    handlers.unshift(
      (r) => (r.method === "GET" && path(r) === `/feedback/polls/${POLL}` ? json(200, poll({ state: "closed", closedAt: "2026-03-10T10:00:00Z" })) : undefined),
      (r) => (r.method === "GET" && path(r) === `/feedback/ideas/${I1}` ? json(200, { ...ideas[0], version: 5 }) : undefined),
      (r, body) => {
        if (r.method !== "PUT" || path(r) !== `/feedback/ideas/${I1}`) return undefined;
        ideas[0] = { ...ideas[0]!, status: "planned", version: 6 };
        return json(200, { ...ideas[0], ...(JSON.parse(body) as object), told: 12 });
      },
    );
    open(`/rollout/polls/${POLL}`);
    // Closed: no close button, no new links.
    await screen.findByRole("table", { name: "Overall order, weighted" });
    expect(screen.queryByRole("button", { name: "Close the poll now" })).toBeNull();
    expect(screen.queryByRole("form", { name: "New practice link" })).toBeNull();
    fireEvent.click(await screen.findByRole("button", { name: "Mark as planned: Pay online" }));
    expect(await screen.findByText("“Pay online” is now planned. 12 people who supported it were told.")).toBeTruthy();
    const [put] = sent("PUT", `/feedback/ideas/${I1}`);
    expect(put!.headers.get("If-Match")).toBe('"5"');
    expect(JSON.parse(put!.body)).toEqual({
      title: "Pay online",
      description: "Pay online: what it does.",
      benefit: "Pay online: whom it helps.",
      feature: "online-booking",
      status: "planned",
    });
  });
});

describe("feedback", () => {
  const comment = (extra: Record<string, unknown> = {}) => ({
    feedbackId: "01F1",
    patientId: P1,
    feature: "online-booking",
    rating: 2,
    comment: "The times shown were in the wrong zone.",
    cohorts: ["beta-1"],
    switchState: { on: true, reason: "cohort", cohort: "beta-1" },
    at: "2026-03-03T15:00:00Z",
    ...extra,
  });

  beforeEach(() => {
    handlers.unshift(
      (r) =>
        r.method === "GET" && path(r) === "/feedback/ratings"
          ? json(200, {
              items: [
                { feature: "online-booking", cohort: "all", day: "2026-03-01", count: 2, average: 4.5 },
                { feature: "online-booking", cohort: "all", day: "2026-03-02", count: 4, average: 3.25 },
                { feature: "messaging", cohort: "all", day: "2026-03-02", count: 1, average: 5 },
              ],
            })
          : undefined,
      (r) => {
        if (r.method !== "GET" || path(r) !== "/feedback/comments") return undefined;
        return new URL(r.url).searchParams.get("cursor") === "c2"
          ? json(200, { items: [comment({ feedbackId: "01F2", rating: 5, comment: "Lovely.", answer: { text: "Thank you!", at: "2026-03-04T10:00:00Z", by: "lead" } })], nextCursor: null })
          : json(200, { items: [comment()], nextCursor: "c2" });
      },
      (r) =>
        r.method === "GET" && path(r) === "/feedback/surveys"
          ? json(200, {
              items: [
                { surveyId: "01V", cohort: "beta-1", opensAt: "2026-03-01T10:00:00Z", closesAt: "2026-03-20T04:00:00Z", createdAt: "2026-03-01T10:00:00Z", createdBy: "lead", responses: 4, meanScore: 71.25 },
              ],
            })
          : undefined,
      (r) =>
        r.method === "GET" && path(r) === "/feedback/surveys/01V"
          ? json(200, {
              surveyId: "01V",
              cohort: "beta-1",
              opensAt: "2026-03-01T10:00:00Z",
              closesAt: "2026-03-20T04:00:00Z",
              createdAt: "2026-03-01T10:00:00Z",
              createdBy: "lead",
              responses: 4,
              meanScore: 71.25,
              scores: { "0-50": 0, "51-67": 1, "68-80": 2, "81-100": 1 },
            })
          : undefined,
    );
  });

  it("tables the average ratings per day and charts one feature", async () => {
    open("/rollout/feedback");
    const table = await screen.findByRole("table", { name: "Average rating per day, feature and cohort" });
    expect(cells(table).map((r) => [r[1], r[2], r[3], r[4]])).toEqual([
      ["Messaging", "All patients", "1", "5"],
      ["Online booking", "All patients", "4", "3.25"],
      ["Online booking", "All patients", "2", "4.5"],
    ]);
    expect(screen.getByRole("img", { name: "Average rating of Messaging, All patients, over 1 days" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Feature on the chart"), { target: { value: "online-booking" } });
    expect(await screen.findByRole("img", { name: "Average rating of Online booking, All patients, over 2 days" })).toBeTruthy();
    // The filter asks again with the chosen feature and cohort.
    const filter = screen.getByRole("form", { name: "Show the ratings" });
    fireEvent.change(within(filter).getByLabelText("Feature"), { target: { value: "messaging" } });
    fireEvent.change(await within(filter).findByLabelText("Cohort"), { target: { value: "beta-1" } });
    fireEvent.click(within(filter).getByRole("button", { name: "Show" }));
    await waitFor(() => expect(sent("GET", "/feedback/ratings")).toHaveLength(2));
    const asked = new URL(sent("GET", "/feedback/ratings")[1]!.url).searchParams;
    expect([asked.get("feature"), asked.get("cohort")]).toEqual(["messaging", "beta-1"]);
  });

  it("pages through the comments and answers one", async () => {
    handlers.unshift((r) =>
      r.method === "POST" && path(r) === `/patients/${P1}/feedback/01F1/answer`
        ? json(200, { ...comment(), prompted: false, answer: { text: "Fixed: times are now the practice's.", at: "2026-03-05T10:00:00Z", by: "lead" } })
        : undefined,
    );
    open("/rollout/feedback");
    const section = await screen.findByRole("region", { name: "Comments" });
    const first = await within(section).findByRole("article", { name: "Online booking: 2 of 5" });
    expect(within(first).getByText("The times shown were in the wrong zone.")).toBeTruthy();
    expect(within(first).getByText("On (cohort beta-1)")).toBeTruthy();
    expect(within(first).getByText("beta-1")).toBeTruthy();
    fireEvent.click(within(section).getByRole("button", { name: "More comments" }));
    const second = await within(section).findByRole("article", { name: "Online booking: 5 of 5" });
    expect(within(second).getByText("Thank you!", { selector: "p" })).toBeTruthy();
    expect(within(second).getByLabelText(/^Change the answer/)).toBeTruthy();
    expect(within(section).queryByRole("button", { name: "More comments" })).toBeNull();

    const form = within(first).getByRole("form", { name: /^Answer the comment on Online booking/ });
    fireEvent.click(within(form).getByRole("button", { name: "Send the answer" }));
    expect(await within(form).findByText("Fill this in.")).toBeTruthy();
    fireEvent.change(within(form).getByLabelText(/^Answer/), { target: { value: "Fixed: times are now the practice's." } });
    fireEvent.click(within(form).getByRole("button", { name: "Send the answer" }));
    expect(await within(first).findByText("Answer sent: the patient is told.")).toBeTruthy();
    expect(JSON.parse(sent("POST", `/patients/${P1}/feedback/01F1/answer`)[0]!.body)).toEqual({ text: "Fixed: times are now the practice's." });
  });

  it("shows a survey's responses, mean score and score bands, and opens a new one", async () => {
    handlers.unshift((r) =>
      r.method === "POST" && path(r) === "/feedback/surveys"
        ? json(201, { surveyId: "01V2", cohort: "clinic-a", opensAt: "2026-03-05T10:00:00Z", closesAt: "2030-04-01T04:00:00Z", createdAt: "2026-03-05T10:00:00Z", createdBy: "lead", responses: 0 })
        : undefined,
    );
    open("/rollout/feedback");
    const section = await screen.findByRole("region", { name: "Usability surveys" });
    const list = await within(section).findByRole("table", { name: "The practice's surveys" });
    expect(cells(list)[0]!.slice(2, 4)).toEqual(["4", "71.25"]);
    fireEvent.click(within(list).getByRole("button", { name: /^Results: beta-1/ }));
    const bands = await within(section).findByRole("table", { name: "Scores of beta-1 by band" });
    expect(cells(bands)).toEqual([
      ["0-50", "Poor", "0"],
      ["51-67", "Below average", "1"],
      ["68-80", "Good", "2"],
      ["81-100", "Excellent", "1"],
    ]);

    const form = within(section).getByRole("form", { name: "Open a survey" });
    fireEvent.click(within(form).getByRole("button", { name: "Open the survey" }));
    expect(await within(form).findByText("Fill this in.")).toBeTruthy();
    fireEvent.change(await within(form).findByLabelText("Cohort"), { target: { value: "clinic-a" } });
    fireEvent.change(within(form).getByLabelText(/^Last day/), { target: { value: "2030-03-31" } });
    fireEvent.click(within(form).getByRole("button", { name: "Open the survey" }));
    expect(await within(form).findByText(/Survey of clinic-a opened/)).toBeTruthy();
    // Open until the end of the last day at the practice (midnight, New York daylight time).
    expect(JSON.parse(sent("POST", "/feedback/surveys")[0]!.body)).toEqual({ cohort: "clinic-a", closesAt: "2030-04-01T04:00:00Z" });
  });

  it("shows an administrator the ratings and surveys, never the comments", async () => {
    setSession({ idToken: "t", claims: { sub: "admin", groups: ["admins"], exp: 9e9 } });
    open("/rollout/feedback");
    await screen.findByRole("table", { name: "Average rating per day, feature and cohort" });
    await screen.findByRole("region", { name: "Usability surveys" });
    expect(screen.queryByRole("region", { name: "Comments" })).toBeNull();
    expect(screen.queryByRole("form", { name: "Open a survey" })).toBeNull();
    expect(sent("GET", "/feedback/comments")).toHaveLength(0);
  });
});
