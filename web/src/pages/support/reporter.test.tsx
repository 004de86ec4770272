import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App, makeQueryClient } from "../../App";
import { setSession } from "../../auth/session";
import { appVersion, pageOf, summaryOf } from "./reporting";
import { dismissalKey, incidentsFor, latestUpdate, loadDismissed, saveDismissed, type PublicIncident } from "./status";

// The reporter's side of support against a stubbed API: "Report a problem" on every page, my
// reports with their timeline and replies, and the status banner.

const config = { apiUrl: "http://api.test", userPoolId: "p", clientId: "c", practiceTimeZone: "America/New_York" };
const ANA = "01HZZZZZZZZZZZZZZZZZZZZZZA";
const R1 = "01JREPORT0000000000000000A";
const R2 = "01JREPORT0000000000000000B";

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const problem = (status: number, title: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: "https://patient-portal.dev/problems/x", title, status, ...extra }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });

type Call = { method: string; path: string; body: unknown; headers: Headers };
type Handler = (request: Request, body: unknown) => Response | undefined;
let handlers: Handler[] = [];
let calls: Call[] = [];
let features: { feature: string; on: boolean }[] = [];
let incidents: PublicIncident[] = [];

const path = (r: Request) => new URL(r.url).pathname;
const sent = (method: string, p: string) => calls.filter((c) => c.method === method && c.path === p);

const report = (over: Record<string, unknown> = {}) => ({
  reportId: R1,
  whatHappened: "The booking page kept spinning after I chose a time.",
  page: "/p/me/appointments/book",
  feature: "online-booking",
  appVersion: "0.1.0",
  createdAt: "2026-03-02T15:00:00.000Z",
  updatedAt: "2026-03-03T15:00:00.000Z",
  status: "waiting-on-reporter",
  timeline: [
    { at: "2026-03-02T15:00:00.000Z", kind: "filed", from: "you", text: "The booking page kept spinning after I chose a time." },
    { at: "2026-03-03T15:00:00.000Z", kind: "reply", from: "team", text: "Which phone do you use?" },
    { at: "2026-03-03T15:00:00.000Z", kind: "status", from: "team", status: "waiting-on-reporter" },
  ],
  ...over,
});
const { timeline: _timeline, ...summary } = report();

const incident = (over: Partial<PublicIncident> = {}): PublicIncident => ({
  incidentId: "01JINCIDENT000000000000001",
  title: "Messages are slow",
  features: ["messaging"],
  status: "identified",
  startedAt: "2026-03-02T10:00:00.000Z",
  updatedAt: "2026-03-02T11:00:00.000Z",
  resolvedAt: null,
  updates: [
    { at: "2026-03-02T10:00:00.000Z", status: "investigating", text: "Messages take minutes to arrive." },
    { at: "2026-03-02T11:00:00.000Z", status: "identified", text: "We found the cause; a fix is on its way." },
  ],
  ...over,
});

beforeEach(() => {
  calls = [];
  features = [];
  incidents = [];
  localStorage.clear();
  handlers = [
    (r) => (r.url.endsWith("/account/agreements") ? json(200, { items: [] }) : undefined),
    (r) => (/\/patients\/[^/]+\/features$/.test(path(r)) ? json(200, { features }) : undefined),
    (r) => (path(r) === "/public/status" ? json(200, { generatedAt: "2026-03-02T12:00:00.000Z", incidents }) : undefined),
    (r) => (path(r) === "/patients/me/feedback/prompt" ? json(200, { prompt: null }) : undefined),
    (r) =>
      path(r) === "/patients/me/summary"
        ? json(200, { activeProblems: [], currentMedications: [], allergies: [], latestVitals: [], recentResults: [] })
        : undefined,
  ];
  vi.stubGlobal("fetch", async (input: Request) => {
    const text = input.method === "GET" ? "" : await input.clone().text();
    const body = text ? JSON.parse(text) : undefined;
    calls.push({ method: input.method, path: path(input), body, headers: input.headers });
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

describe("what a report says about where it came from", () => {
  it("names the page without ids, query or fragment", () => {
    expect(pageOf("/p/me/appointments/book")).toBe("/p/me/appointments/book");
    expect(pageOf(`/p/${ANA}/messages/01JD3Z6T7XK8Q2M4N5P6R7S8T9`)).toBe("/p/:id/messages/:id");
    expect(pageOf(`/staff/inbox/${ANA}/01jd3z6t7xk8q2m4n5p6r7s8t9`)).toBe("/staff/inbox/:id/:id");
    expect(pageOf("/p/me/records/item/0123456789abcdef0123456789abcdef")).toBe("/p/me/records/item/:id");
    expect(pageOf("/rollout/waves/5f0c9a8e-2b1d-4c7e-9f3a-6d2e1b0c4a57")).toBe("/rollout/waves/:id");
    expect(pageOf("/rollout/cohorts/beta-1")).toBe("/rollout/cohorts/beta-1");
    expect(pageOf("/p/me/records/series/8480-6")).toBe("/p/me/records/series/8480-6");
    expect(pageOf("/x/ana%40example.org?tab=2#top")).toBe("/x/:id");
    expect(pageOf("/")).toBe("/");
    expect(pageOf(`/${"a".repeat(300)}`)).toHaveLength(200);
  });

  it("sends the app's version from package.json", () => {
    expect(appVersion()).toBe("0.1.0");
  });

  it("shortens a long report for a list", () => {
    expect(summaryOf("short")).toBe("short");
    expect(summaryOf(`${"word ".repeat(40)}`, 20)).toHaveLength(20);
  });
});

describe("report a problem", () => {
  it("is a dialog on every page that sends what happened, the page, its feature and the version", async () => {
    handlers.unshift((r) => (r.method === "POST" && path(r) === "/patients/me/reports" ? json(201, report({ status: "new", timeline: [] })) : undefined));
    asPatient("/p/me/messages");
    expect(await screen.findByRole("heading", { name: "Messages", level: 1 })).toBeTruthy();
    const open = await screen.findByRole("button", { name: "Report a problem" });
    expect(open.getAttribute("aria-haspopup")).toBe("dialog");
    fireEvent.click(open);

    const dialog = screen.getByRole("dialog", { name: "Report a problem" });
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    const what = within(dialog).getByRole("textbox", { name: /What happened\?/ });
    // Focus moves into the dialog, on its first field.
    expect(document.activeElement).toBe(what);
    // The feature is guessed from the page; the page and version are shown before they are sent.
    expect((within(dialog).getByRole("combobox", { name: /Which part of the portal/ }) as HTMLSelectElement).value).toBe("messaging");
    expect(within(dialog).getByText("/p/me/messages")).toBeTruthy();
    expect(within(dialog).getByText("0.1.0")).toBeTruthy();

    // Nothing said: nothing sent, and the reason is next to the field.
    fireEvent.click(within(dialog).getByRole("button", { name: "Send report" }));
    expect(await within(dialog).findByText("Please say what happened.")).toBeTruthy();
    expect(what.getAttribute("aria-invalid")).toBe("true");
    expect(sent("POST", "/patients/me/reports")).toHaveLength(0);

    fireEvent.change(what, { target: { value: "  My new message vanished after I pressed Send.  " } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Send report" }));
    const link = await within(dialog).findByRole("link", { name: "See your report and the team's answers" });
    expect(link.getAttribute("href")).toBe(`/p/me/reports/${R1}`);
    expect(document.activeElement).toBe(link);
    expect(within(dialog).getByRole("status").textContent).toMatch(/Your report was sent/);

    const [post] = sent("POST", "/patients/me/reports");
    expect(post!.body).toEqual({
      whatHappened: "My new message vanished after I pressed Send.",
      page: "/p/me/messages",
      feature: "messaging",
      appVersion: "0.1.0",
    });
    expect(post!.headers.get("Idempotency-Key")).toBeTruthy();

    fireEvent.click(within(dialog).getByRole("button", { name: "Close" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Report a problem" }));
  });

  it("closes on Escape, keeps Tab inside, and sends no feature when none is chosen", async () => {
    handlers.unshift((r) => (r.method === "POST" && path(r) === "/patients/me/reports" ? problem(503, "Try again shortly") : undefined));
    asPatient("/p/me");
    fireEvent.click(await screen.findByRole("button", { name: "Report a problem" }));
    let dialog = screen.getByRole("dialog");
    // The page behind is out of reach while the dialog is open.
    expect(document.querySelector("[inert]")).toBeTruthy();
    const cancel = within(dialog).getByRole("button", { name: "Cancel" });
    cancel.focus();
    fireEvent.keyDown(cancel, { key: "Tab" });
    expect(document.activeElement).toBe(within(dialog).getByRole("textbox"));
    fireEvent.keyDown(document.activeElement!, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(cancel);
    fireEvent.keyDown(cancel, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.querySelector("[inert]")).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Report a problem" }));
    dialog = screen.getByRole("dialog");
    expect((within(dialog).getByRole("combobox") as HTMLSelectElement).value).toBe("");
    fireEvent.change(within(dialog).getByRole("textbox"), { target: { value: "Blank page" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Send report" }));
    // A failure the person cannot fix in a field reads as a notice, and the form stays.
    expect((await within(dialog).findByRole("alert")).textContent).toMatch(/Try again shortly/);
    expect(sent("POST", "/patients/me/reports")[0]!.body).toEqual({ whatHappened: "Blank page", page: "/p/me", appVersion: "0.1.0" });
  });

  it("files staff's reports under their account, with the ids in the page taken out", async () => {
    handlers.unshift((r) => (r.method === "POST" && path(r) === "/account/reports" ? json(201, report({ reportId: R2 })) : undefined));
    asStaff(`/staff/inbox/${ANA}/01JD3Z6T7XK8Q2M4N5P6R7S8T9`);
    fireEvent.click(await screen.findByRole("button", { name: "Report a problem" }));
    const dialog = screen.getByRole("dialog");
    fireEvent.change(within(dialog).getByRole("textbox"), { target: { value: "The reply box is gone." } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Send report" }));
    const link = await within(dialog).findByRole("link", { name: "See your report and the team's answers" });
    expect(link.getAttribute("href")).toBe(`/account/reports/${R2}`);
    expect(sent("POST", "/account/reports")[0]!.body).toEqual({
      whatHappened: "The reply box is gone.",
      page: "/staff/inbox/:id/:id",
      appVersion: "0.1.0",
    });
    expect(sent("POST", "/patients/me/reports")).toHaveLength(0);
  });

  it("is not offered to a patient while the problem-reports feature is off for them", async () => {
    features = [{ feature: "problem-reports", on: false }];
    asPatient("/p/me");
    const nav = await screen.findByRole("navigation", { name: "Main" });
    await within(nav).findByRole("link", { name: "Home" });
    expect(within(nav).queryByRole("link", { name: "Problem reports" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Report a problem" })).toBeNull();
  });
});

describe("my problem reports", () => {
  it("lists the patient's reports, newest first, from the navigation", async () => {
    handlers.unshift((r) =>
      r.method === "GET" && path(r) === "/patients/me/reports"
        ? json(200, { items: [summary, { ...summary, reportId: R2, whatHappened: "Blank page", feature: null, status: "resolved" }], nextCursor: null })
        : undefined,
    );
    asPatient("/p/me");
    const nav = await screen.findByRole("navigation", { name: "Main" });
    fireEvent.click(await within(nav).findByRole("link", { name: "Problem reports" }));
    expect(await screen.findByRole("heading", { name: "My problem reports", level: 1 })).toBeTruthy();
    const first = await screen.findByRole("link", { name: "The booking page kept spinning after I chose a time." });
    expect(first.getAttribute("href")).toBe(`/p/me/reports/${R1}`);
    expect(screen.getByText("Waiting for your reply")).toBeTruthy();
    expect(screen.getByText("Resolved")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Blank page" })).toBeTruthy();
  });

  it("shows a report's timeline and sends a reply", async () => {
    let current = report();
    handlers.unshift((r, body) => {
      if (path(r) !== `/patients/me/reports/${R1}/replies` && path(r) !== `/patients/me/reports/${R1}`) return undefined;
      if (r.method === "POST") {
        current = report({
          status: "in-progress",
          timeline: [...current.timeline, { at: "2026-03-04T15:00:00.000Z", kind: "reply", from: "you", text: (body as { text: string }).text }],
        });
        return json(201, current);
      }
      return json(200, current);
    });
    asPatient(`/p/me/reports/${R1}`);
    expect(await screen.findByRole("heading", { name: "Problem report", level: 1 })).toBeTruthy();
    const timeline = await screen.findByRole("region", { name: "Since then" });
    const entries = within(timeline).getAllByRole("listitem");
    expect(entries.map((e) => e.querySelector("strong")?.textContent)).toEqual([
      "You reported it",
      "The team answered",
      "Status: Waiting for your reply",
    ]);
    expect(within(entries[1]!).getByText("Which phone do you use?")).toBeTruthy();

    const form = screen.getByRole("form", { name: "Add to your report" });
    fireEvent.click(within(form).getByRole("button", { name: "Send" }));
    expect(await within(form).findByText("Please write a message.")).toBeTruthy();
    fireEvent.change(within(form).getByRole("textbox", { name: /Your message/ }), { target: { value: "An old iPhone." } });
    fireEvent.click(within(form).getByRole("button", { name: "Send" }));
    expect(await within(form).findByRole("status")).toBeTruthy();
    expect(sent("POST", `/patients/me/reports/${R1}/replies`)[0]!.body).toEqual({ text: "An old iPhone." });
    await waitFor(() => expect(within(timeline).getAllByRole("listitem")).toHaveLength(4));
    expect(within(timeline).getByText("An old iPhone.")).toBeTruthy();
    expect(screen.getAllByText("Being worked on").length).toBeGreaterThan(0);
  });

  it("answers not-found for a report that is not the caller's", async () => {
    handlers.unshift((r) => (path(r) === `/account/reports/${R2}` ? problem(404, "Not found") : undefined));
    asStaff(`/account/reports/${R2}`);
    expect(await screen.findByRole("heading", { name: "Not found", level: 1 })).toBeTruthy();
  });

  it("gives every member of staff their own list", async () => {
    handlers.unshift((r) => (path(r) === "/account/reports" ? json(200, { items: [summary], nextCursor: "next" }) : undefined));
    asStaff("/staff/day", ["clinicians"]);
    const nav = await screen.findByRole("navigation", { name: "Main" });
    fireEvent.click(within(nav).getByRole("link", { name: "My problem reports" }));
    expect(await screen.findByRole("link", { name: "The booking page kept spinning after I chose a time." })).toBeTruthy();
    expect(screen.getByRole("link", { name: "The booking page kept spinning after I chose a time." }).getAttribute("href")).toBe(
      `/account/reports/${R1}`,
    );
    fireEvent.click(screen.getByRole("button", { name: "Show more" }));
    await waitFor(() => expect(calls.some((c) => c.path === "/account/reports" && c.method === "GET")).toBe(true));
    // The team's screens are not offered outside the team.
    expect(within(nav).queryByRole("link", { name: "Report queue" })).toBeNull();
  });
});

describe("the status banner", () => {
  it("chooses the active incidents on the person's features, minus those put away", () => {
    const a = incident();
    const b = incident({ incidentId: "01JINCIDENT000000000000002", title: "Booking is down", features: ["online-booking"] });
    const c = incident({ incidentId: "01JINCIDENT000000000000003", status: "resolved", resolvedAt: "2026-03-02T12:00:00.000Z" });
    const on = (f: string) => f !== "online-booking";
    expect(incidentsFor([a, b, c], { staff: false, on }, new Set()).map((i) => i.incidentId)).toEqual([a.incidentId]);
    expect(incidentsFor([a, b, c], { staff: true, on }, new Set()).map((i) => i.incidentId)).toEqual([a.incidentId, b.incidentId]);
    expect(incidentsFor([a, b], { staff: true, on }, new Set([dismissalKey(a)])).map((i) => i.incidentId)).toEqual([b.incidentId]);
    expect(latestUpdate(a)?.text).toBe("We found the cause; a fix is on its way.");
    expect(dismissalKey(a)).toBe(`${a.incidentId}@2026-03-02T11:00:00.000Z`);
    saveDismissed("u1", new Set(["x"]));
    expect([...loadDismissed("u1")]).toEqual(["x"]);
    // Each person's own.
    expect(loadDismissed("u2").size).toBe(0);
    localStorage.setItem("portal.dismissedIncidents.u1", "not json");
    expect(loadDismissed("u1").size).toBe(0);
  });

  it("shows a patient the incidents on features they have, until they dismiss one (back with its next update)", async () => {
    features = [{ feature: "online-booking", on: false }];
    incidents = [
      incident(),
      incident({ incidentId: "01JINCIDENT000000000000002", title: "Booking is down", features: ["online-booking"] }),
    ];
    asPatient("/p/me");
    const banner = await screen.findByRole("region", { name: "Service status" });
    expect(within(banner).getByText("Messages are slow")).toBeTruthy();
    expect(within(banner).getByText("Cause found")).toBeTruthy();
    expect(within(banner).getByText(/We found the cause; a fix is on its way\./)).toBeTruthy();
    expect(within(banner).queryByText("Booking is down")).toBeNull();
    // The status page needs no sign-in: the app asks it anyway, signed in or not.
    expect(sent("GET", "/public/status")).not.toHaveLength(0);

    fireEvent.click(within(banner).getByRole("button", { name: "Dismiss: Messages are slow" }));
    expect(screen.queryByRole("region", { name: "Service status" })).toBeNull();
    expect(loadDismissed("u1").has(dismissalKey(incident()))).toBe(true);
  });

  it("shows staff every active incident, and a new update brings a dismissed one back", async () => {
    const first = incident({ features: ["online-booking"] });
    saveDismissed("s1", new Set([dismissalKey(first)]));
    incidents = [
      {
        ...first,
        updatedAt: "2026-03-02T13:00:00.000Z",
        status: "monitoring",
        updates: [...first.updates, { at: "2026-03-02T13:00:00.000Z", status: "monitoring", text: "A fix is out; we are watching." }],
      },
    ];
    await act(async () => asStaff("/staff/day"));
    const banner = await screen.findByRole("region", { name: "Service status" });
    expect(within(banner).getByText("Fixed, monitoring")).toBeTruthy();
    expect(within(banner).getByText(/A fix is out; we are watching\./)).toBeTruthy();
  });

  it("shows nothing when the status page cannot be read", async () => {
    handlers.unshift((r) => (path(r) === "/public/status" ? problem(500, "Internal") : undefined));
    asPatient("/p/me");
    expect(await screen.findByRole("heading", { name: "Welcome" })).toBeTruthy();
    await waitFor(() => expect(sent("GET", "/public/status")).not.toHaveLength(0));
    expect(screen.queryByRole("region", { name: "Service status" })).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
