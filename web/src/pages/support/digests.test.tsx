import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { App, makeQueryClient } from "../../App";
import { setSession } from "../../auth/session";
import {
  averageText,
  byRatings,
  byUse,
  change,
  decidesSuggestions,
  isDigestId,
  opensTeamPages,
  readsDigests,
  signedChange,
  statusRows,
  type Digest,
  type DigestSummary,
} from "./digests/digest";

// The weekly digest against a stubbed API: portal leads (and administrators) list the digests and
// read one week's; the helpers that compare two weeks on their own.

const config = { apiUrl: "http://api.test", userPoolId: "p", clientId: "c", practiceTimeZone: "America/New_York" };
const R1 = "01JREPORT00000000000000001";
const I1 = "01JINCIDENT000000000000001";

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const problem = (status: number, title: string) =>
  new Response(JSON.stringify({ type: "https://patient-portal.dev/problems/x", title, status }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });

type Handler = (request: Request) => Response | undefined;
let handlers: Handler[] = [];
let requested: string[] = [];
const path = (r: Request) => new URL(r.url).pathname;

const summary = (over: Partial<DigestSummary> = {}): DigestSummary => ({
  digestId: "2026-11-30",
  from: "2026-11-30",
  to: "2026-12-06",
  createdAt: "2026-12-07T12:00:12.000Z",
  openReports: 7,
  breachedCount: 1,
  incidentsOpened: 1,
  activated: 12,
  signedIn7d: 55,
  ...over,
});

const digest = (over: Partial<Digest> = {}): Digest => ({
  digestId: "2026-11-30",
  from: "2026-11-30",
  to: "2026-12-06",
  createdAt: "2026-12-07T12:00:12.000Z",
  reports: {
    open: 7,
    openByStatus: { triaged: 3, new: 2, "in-progress": 2 },
    openedInWeek: 5,
    resolvedInWeek: 4,
    breached: [{ reportId: R1, status: "new", severity: "high", target: "first-response", dueAt: "2026-12-03T15:00:00.000Z" }],
    breachedCount: 1,
  },
  incidents: {
    openedInWeek: [{ incidentId: I1, title: "Booking is slow", status: "resolved", startedAt: "2026-12-01T14:00:00.000Z", resolvedAt: "2026-12-01T16:00:00.000Z" }],
    ongoing: 1,
  },
  adoption: {
    week: { invited: 40, delivered: 38, activated: 12, signedIn7d: 55 },
    previous: { invited: 20, delivered: 40, activated: 12, signedIn7d: 41 },
    featureUse: [
      { feature: "online-booking", week: 3, previous: 5 },
      { feature: "messaging", week: 120, previous: 98 },
    ],
  },
  feedback: {
    ratings: [{ feature: "messaging", week: { count: 4, average: 4.25 }, previous: { count: 0, average: null } }],
    newSuggestions: 3,
    suggestionsWaiting: 5,
  },
  ...over,
});

beforeEach(() => {
  requested = [];
  localStorage.clear();
  handlers = [
    (r) => (r.url.endsWith("/account/agreements") ? json(200, { items: [] }) : undefined),
    (r) => (path(r) === "/account/announcements" ? json(200, { items: [] }) : undefined),
    (r) => (path(r) === "/public/status" ? json(200, { generatedAt: "2026-12-07T12:00:00.000Z", incidents: [] }) : undefined),
  ];
  vi.stubGlobal("fetch", async (input: Request) => {
    requested.push(input.url);
    for (const handler of handlers) {
      const response = handler(input);
      if (response) return response;
    }
    return problem(404, "Not found");
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

function signedIn(at: string, groups: string[]) {
  setSession({ idToken: "t", claims: { sub: "u1", groups, exp: 9e9 } });
  history.replaceState(null, "", at);
  render(<App config={config} queryClient={makeQueryClient()} />);
}

const cells = (table: HTMLElement) =>
  within(table)
    .getAllByRole("row")
    .slice(1)
    .map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent));

describe("the digest's helpers", () => {
  it("compares two weeks: by how much, which way, and in signed words", () => {
    expect(change(40, 20)).toEqual({ delta: 20, direction: "up" });
    expect(change(38, 40)).toEqual({ delta: -2, direction: "down" });
    expect(change(12, 12)).toEqual({ delta: 0, direction: "same" });
    expect(signedChange(20)).toBe("+20");
    expect(signedChange(-2)).toBe("\u22122");
    expect(signedChange(0)).toBe("0");
    expect(signedChange(1234, (n) => new Intl.NumberFormat("en").format(n))).toBe("+1,234");
  });

  it("orders statuses as the workflow goes, and features by use then name", () => {
    expect(statusRows({ triaged: 3, zebra: 1, new: 2, "waiting-on-reporter": 0, "in-progress": 2 })).toEqual([
      { status: "new", count: 2 },
      { status: "triaged", count: 3 },
      { status: "in-progress", count: 2 },
      { status: "zebra", count: 1 },
    ]);
    expect(byUse(digest().adoption.featureUse).map((u) => u.feature)).toEqual(["messaging", "online-booking"]);
    const rated = byRatings([
      { feature: "waitlist", week: { count: 1, average: 3 }, previous: { count: 0, average: null } },
      { feature: "check-in", week: { count: 1, average: 5 }, previous: { count: 0, average: null } },
      { feature: "messaging", week: { count: 4, average: 4 }, previous: { count: 0, average: null } },
    ]);
    expect(rated.map((r) => r.feature)).toEqual(["messaging", "check-in", "waitlist"]);
  });

  it("formats averages, knows a digest id, and who may do what", () => {
    expect(averageText(null)).toBe("—");
    expect(averageText(4.256)).toBe("4.26");
    expect(averageText(4)).toBe("4");
    expect(isDigestId("2026-11-30")).toBe(true);
    expect(isDigestId("2026-12-01")).toBe(false); // a Tuesday
    expect(isDigestId("2026-02-30")).toBe(false);
    expect(isDigestId("2026-11-30x")).toBe(false);
    expect(readsDigests(["portal-leads"]) && readsDigests(["admins"])).toBe(true);
    expect(readsDigests(["response-team"]) || readsDigests(["clinicians"])).toBe(false);
    expect(opensTeamPages(["admins"])).toBe(false);
    expect(decidesSuggestions(["admins"])).toBe(false);
  });
});

describe("the digests pages", () => {
  it("lists the digests newest first for a portal lead, and asks for older ones with the cursor", async () => {
    handlers.unshift((r) => {
      if (path(r) !== "/support/digests") return undefined;
      const cursor = new URL(r.url).searchParams.get("cursor");
      return cursor === "c2"
        ? json(200, { items: [summary({ digestId: "2026-11-23", from: "2026-11-23", to: "2026-11-29", openReports: 3 })], nextCursor: null })
        : json(200, { items: [summary()], nextCursor: "c2" });
    });
    signedIn("/staff/digests", ["portal-leads"]);

    const table = await screen.findByRole("table", { name: "Weekly digests, newest first" });
    expect(cells(table)).toEqual([["Nov 30, 2026 – Dec 6, 2026", "7", "1", "1", "12", "55"]]);
    expect(within(table).getByRole("link", { name: "Nov 30, 2026 – Dec 6, 2026" }).getAttribute("href")).toBe("/staff/digests/2026-11-30");
    const nav = screen.getByRole("list", { name: "Support" });
    expect(within(nav).getAllByRole("link").map((a) => a.textContent)).toEqual(["Report queue", "Incidents", "Announcements", "Weekly digests"]);

    fireEvent.click(screen.getByRole("button", { name: "Show older digests" }));
    await within(table).findByRole("link", { name: "Nov 23, 2026 – Nov 29, 2026" });
    expect(requested.some((u) => u.includes("/support/digests?limit=12&cursor=c2"))).toBe(true);
    expect(screen.queryByRole("button", { name: "Show older digests" })).toBeNull();
  });

  it("says when there is no digest yet", async () => {
    handlers.unshift((r) => (path(r) === "/support/digests" ? json(200, { items: [], nextCursor: null }) : undefined));
    signedIn("/staff/digests", ["admins"]);
    await screen.findByText("No digest yet: the first one is written on Monday morning after a full week.");
    // An administrator has the digests and none of the response team's screens.
    const nav = screen.getByRole("list", { name: "Support" });
    expect(within(nav).getAllByRole("link").map((a) => a.textContent)).toEqual(["Weekly digests"]);
  });

  it("shows a week's four sections, with the changes and links to the team's pages", async () => {
    handlers.unshift((r) => (path(r) === "/support/digests/2026-11-30" ? json(200, digest()) : undefined));
    signedIn("/staff/digests/2026-11-30", ["portal-leads"]);

    await screen.findByRole("heading", { name: "Week of Nov 30, 2026 to Dec 6, 2026", level: 1 });
    const reports = screen.getByRole("region", { name: "Problem reports" });
    expect(cells(within(reports).getByRole("table", { name: "Open reports by status" }))).toEqual([
      ["New", "2"],
      ["Triaged", "3"],
      ["In progress", "2"],
    ]);
    const breached = within(reports).getByRole("table", { name: /^Open reports past their response target/ });
    expect(within(breached).getByRole("link", { name: R1 }).getAttribute("href")).toBe(`/support/reports/${R1}`);
    expect(cells(breached)[0]?.slice(0, 4)).toEqual([R1, "New", "High", "First response"]);

    const incidents = screen.getByRole("region", { name: "Incidents" });
    expect(within(incidents).getByRole("link", { name: "Booking is slow" }).getAttribute("href")).toBe(`/support/incidents/${I1}`);

    const adoption = screen.getByRole("region", { name: "Adoption" });
    expect(cells(within(adoption).getByRole("table", { name: /^Adoption for all patients/ }))).toEqual([
      ["Invited", "40", "20", "▲ +20"],
      ["Invitations delivered", "38", "40", "▼ \u22122"],
      ["Accounts activated", "12", "12", "– 0"],
      ["Signed in (different patients)", "55", "41", "▲ +14"],
    ]);
    expect(cells(within(adoption).getByRole("table", { name: /^Feature use/ }))).toEqual([
      ["Messaging", "120", "98", "▲ +22"],
      ["Online booking", "3", "5", "▼ \u22122"],
    ]);

    const feedback = screen.getByRole("region", { name: "Feedback" });
    expect(cells(within(feedback).getByRole("table", { name: /^Ratings per feature/ }))).toEqual([["Messaging", "4", "4.25", "0", "—"]]);
    expect(within(feedback).getByRole("link", { name: "Decide on the suggestions" }).getAttribute("href")).toBe("/rollout/ideas");
  });

  it("gives an administrator the figures without the team's links, and the empty sections their words", async () => {
    const quiet = digest();
    quiet.reports = { open: 0, openByStatus: {}, openedInWeek: 0, resolvedInWeek: 0, breached: [], breachedCount: 0 };
    quiet.incidents = { openedInWeek: [], ongoing: 0 };
    quiet.adoption.featureUse = [];
    quiet.feedback = { ratings: [], newSuggestions: 0, suggestionsWaiting: 2 };
    handlers.unshift((r) => (path(r) === "/support/digests/2026-11-30" ? json(200, quiet) : undefined));
    signedIn("/staff/digests/2026-11-30", ["admins"]);

    await screen.findByRole("heading", { name: "Week of Nov 30, 2026 to Dec 6, 2026", level: 1 });
    for (const text of [
      "No report was open.",
      "Every open report was within its response targets.",
      "No incident was opened in the week.",
      "No feature was used in either week.",
      "No feature was rated in either week.",
    ]) {
      expect(screen.getByText(text)).toBeTruthy();
    }
    expect(screen.queryByRole("link", { name: "Decide on the suggestions" })).toBeNull();
  });

  it("says when a week has no digest, without asking for one that cannot exist", async () => {
    handlers.unshift((r) => (path(r) === "/support/digests/2026-11-23" ? problem(404, "Not found") : undefined));
    signedIn("/staff/digests/2026-11-23", ["portal-leads"]);
    await screen.findByRole("heading", { name: "No digest for this week", level: 1 });
  });

  it("does not ask the API for a day that is not a Monday", async () => {
    signedIn("/staff/digests/2026-12-01", ["portal-leads"]);
    await screen.findByRole("heading", { name: "No digest for this week", level: 1 });
    expect(requested.some((u) => u.includes("/support/digests/"))).toBe(false);
  });

  it("offers no digests to a clinician or the response team", async () => {
    signedIn("/staff/polls", ["clinicians", "response-team"]);
    const nav = await screen.findByRole("navigation", { name: "Main" });
    await within(nav).findByRole("link", { name: "Report queue" });
    expect(within(nav).queryByRole("link", { name: "Weekly digests" })).toBeNull();
  });
});
