import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { QueryClientProvider } from "@tanstack/react-query";
import { makeQueryClient } from "../../../App";
import { makeApi } from "../../../api/client";
import { setSession } from "../../../auth/session";
import { AppContext } from "../../../context";
import { I18nProvider } from "../../../i18n";
import { en, es } from "../../../i18n/support-team";
import { match, useLocation } from "../../../router";
import Queue from "./Queue";
import Report from "./Report";
import Incidents from "./Incidents";
import Incident from "./Incident";
import { mergeBody, queueOrder, switchOffBody, triageBody } from "./logic";

// The quick-response team's screens against a stubbed API: what each sends, and how each answer
// reads. The pages are mounted under a small router of their own (App.tsx wires the real routes).

const config = { apiUrl: "http://api.test", userPoolId: "p", clientId: "c", practiceTimeZone: "America/New_York" };
const R1 = "01JD3Z6T7XK8Q2M4N5P6R7S8A1";
const R2 = "01JD3Z6T7XK8Q2M4N5P6R7S8A2";
const R3 = "01JD3Z6T7XK8Q2M4N5P6R7S8A3";
const INC = "01JD3Z6T7XK8Q2M4N5P6R7S8C1";
const P1 = "01HZZZZZZZZZZZZZZZZZZZZZZA";
const ME = "sub-priya";
const PATIENT_SUB = "sub-patient";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
const problem = (status: number, title: string, errors?: { field: string; message: string }[]) =>
  new Response(JSON.stringify({ type: "x", title, status, ...(errors ? { errors } : {}) }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });

type Call = { method: string; url: string; body: string; headers: Headers };
type Handler = (request: Request, body: string) => Response | undefined;
let handlers: Handler[] = [];
let calls: Call[] = [];
const path = (r: Request) => new URL(r.url).pathname;
const sent = (method: string, at: string) => calls.filter((c) => c.method === method && new URL(c.url).pathname === at);

const queueItem = (reportId: string, extra: Record<string, unknown> = {}) => ({
  reportId,
  summary: `Summary of ${reportId.slice(-2)}`,
  feature: null,
  status: "new",
  severity: null,
  assignee: null,
  createdAt: "2026-03-02T14:00:00Z",
  due: "2026-03-03T14:00:00Z",
  breached: false,
  duplicates: 0,
  reporterKind: "patient",
  ...extra,
});

const teamReport = (extra: Record<string, unknown> = {}) => ({
  reportId: R1,
  whatHappened: "The booking page froze after I picked a time.",
  page: "/p/:id/appointments/book",
  feature: "online-booking",
  appVersion: "1.18.0",
  createdAt: "2026-03-02T14:00:00Z",
  updatedAt: "2026-03-02T15:00:00Z",
  status: "new",
  reporter: { kind: "patient", sub: PATIENT_SUB, patientId: P1 },
  switches: [
    { feature: "online-booking", on: true },
    { feature: "messaging", on: false },
  ],
  severity: null,
  assignee: null,
  mergedInto: null,
  duplicates: [R3],
  targets: { firstResponseDue: "2026-03-02T22:00:00Z", firstRespondedAt: null, nextUpdateDue: null, breached: true },
  version: 4,
  timeline: [
    { at: "2026-03-02T14:00:00Z", kind: "filed", by: PATIENT_SUB, from: "reporter", text: "The booking page froze after I picked a time." },
    { at: "2026-03-02T14:30:00Z", kind: "note", by: "sub-sam", text: "Same as the slot-lock bug last week?" },
    { at: "2026-03-02T14:40:00Z", kind: "merged", by: ME, reportId: R3 },
  ],
  ...extra,
});

const incident = (extra: Record<string, unknown> = {}) => ({
  incidentId: INC,
  title: "Booking is failing",
  features: ["online-booking"],
  status: "investigating",
  startedAt: "2026-03-02T15:00:00Z",
  updatedAt: "2026-03-02T16:00:00Z",
  resolvedAt: null,
  createdBy: ME,
  version: 2,
  updates: [
    { at: "2026-03-02T15:00:00Z", status: "investigating", text: "We are looking into it.", by: ME },
    { at: "2026-03-02T16:00:00Z", status: "identified", text: "A slot lock is stuck.", by: ME },
  ],
  ...extra,
});

let report = teamReport();

beforeEach(() => {
  calls = [];
  report = teamReport();
  handlers = [
    (r) => (r.method === "GET" && path(r) === `/support/reports/${R1}` ? json(200, report, { ETag: `"${report.version}"` }) : undefined),
    (r) =>
      r.method === "GET" && path(r) === "/support/reports"
        ? json(200, {
            items: [
              queueItem(R1, { due: "2026-03-02T22:00:00Z", breached: true, severity: "high", status: "triaged", duplicates: 1, feature: "online-booking", assignee: ME }),
              queueItem(R2, { due: "2026-03-03T14:00:00Z", reporterKind: "staff" }),
            ],
            nextCursor: null,
          })
        : undefined,
    (r) => (r.method === "GET" && path(r) === "/support/incidents" ? json(200, { items: [incident()] }) : undefined),
    (r) => (r.method === "GET" && path(r) === `/support/incidents/${INC}` ? json(200, incident(), { ETag: '"2"' }) : undefined),
  ];
  vi.stubGlobal("fetch", async (input: Request) => {
    const body = input.method === "GET" ? "" : await input.clone().text();
    calls.push({ method: input.method, url: input.url, body, headers: input.headers });
    for (const handler of handlers) {
      const response = handler(input, body);
      if (response) return response;
    }
    return json(404, { type: "x", title: "Not found", status: 404 });
  });
  setSession({ idToken: "t", claims: { sub: ME, groups: ["response-team"], exp: 9e9 } });
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  setSession(null);
});

function Routes() {
  const { path: at } = useLocation();
  let m: Record<string, string> | null;
  if (at === "/support/reports") return <Queue />;
  if ((m = match("/support/reports/:reportId", at))) return <Report reportId={m.reportId!} />;
  if (at === "/support/incidents") return <Incidents />;
  if ((m = match("/support/incidents/:incidentId", at))) return <Incident incidentId={m.incidentId!} />;
  return <p>elsewhere</p>;
}

function open(at: string) {
  history.replaceState(null, "", at);
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <I18nProvider timeZone={config.practiceTimeZone} locale="en">
        <AppContext.Provider value={{ api: makeApi(config.apiUrl), config, signOut: async () => {} }}>
          <Routes />
        </AppContext.Provider>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

const cells = (table: HTMLElement) =>
  within(table).getAllByRole("row").slice(1).map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent));

describe("the queue", () => {
  it("lists open reports soonest due first, a missed target in words, with severity, status and duplicates", async () => {
    open("/support/reports");
    const table = await screen.findByRole("table", { name: "Open reports, soonest due first" });
    await within(table).findByRole("link", { name: "Summary of A1" });
    const rows = cells(table);
    expect(rows[0]![0]).toBe("Summary of A1");
    expect(rows[0]![1]).toBe("High");
    expect(rows[0]![2]).toBe("Triaged");
    expect(rows[0]![3]).toMatch(/Target missed$/);
    expect(rows[0]!.slice(4)).toEqual(["1", "Online booking", "Patient", "You"]);
    expect(rows[1]!.slice(1, 3)).toEqual(["Not triaged", "New"]);
    expect(rows[1]![3]).not.toMatch(/Target missed/);
    expect(rows[1]!.slice(4)).toEqual(["0", "—", "Staff", "Nobody"]);
    expect(within(table).getByRole("link", { name: "Summary of A1" }).getAttribute("href")).toBe(`/support/reports/${R1}`);
    const query = new URL(sent("GET", "/support/reports")[0]!.url).searchParams;
    expect(query.get("state")).toBe("open");
    expect(query.get("assignee")).toBeNull();
  });

  it("asks for the reports assigned to me, and for the resolved ones", async () => {
    open("/support/reports");
    const filter = await screen.findByRole("navigation", { name: "Which reports" });
    fireEvent.click(within(filter).getByRole("link", { name: "Assigned to me" }));
    await screen.findByRole("table", { name: "Open reports assigned to you, soonest due first" });
    await waitFor(() => expect(calls.some((c) => new URL(c.url).searchParams.get("assignee") === "me")).toBe(true));
    fireEvent.click(within(filter).getByRole("link", { name: "Resolved" }));
    const resolved = await screen.findByRole("table", { name: "Resolved reports, newest first" });
    expect(within(resolved).getByRole("columnheader", { name: "Filed" })).toBeTruthy();
    const last = new URL(calls.at(-1)!.url).searchParams;
    expect(last.get("state")).toBe("resolved");
    expect(last.get("assignee")).toBeNull();
  });

  it("says when nothing is open", async () => {
    handlers.unshift((r) => (path(r) === "/support/reports" ? json(200, { items: [], nextCursor: null }) : undefined));
    open("/support/reports");
    expect(await screen.findByText("No open reports.")).toBeTruthy();
  });
});

describe("a report", () => {
  it("shows what happened, where, the switches, the targets and the timeline with the internal note marked", async () => {
    open(`/support/reports/${R1}`);
    const what = await screen.findByRole("region", { name: "What happened" });
    expect(within(what).getByText("The booking page froze after I picked a time.")).toBeTruthy();
    expect(within(what).getByText("/p/:id/appointments/book")).toBeTruthy();
    expect(within(what).getByText("1.18.0")).toBeTruthy();
    expect(within(what).getByText(/Patient/, { selector: "dd" }).textContent).toContain(P1);
    expect(within(what).getByRole("link", { name: R3 }).getAttribute("href")).toBe(`/support/reports/${R3}`);
    expect(cells(within(what).getByRole("table", { name: "The reporter's feature switches when they filed it" }))).toEqual([
      ["Online booking", "On"],
      ["Messaging", "Off"],
    ]);
    const targets = screen.getByRole("region", { name: "Response targets" });
    expect(within(targets).getByText("Target missed")).toBeTruthy();
    expect(within(targets).getByText("Not yet")).toBeTruthy();
    const timeline = screen.getByRole("region", { name: "Timeline" });
    const note = within(timeline).getByRole("article", { name: /^Internal, not shown to the reporter: Note by sub-sam/ });
    expect(note.className).toContain("st-internal");
    expect(within(note).getByText("Same as the slot-lock bug last week?")).toBeTruthy();
    expect(within(timeline).getByRole("article", { name: "Filed by The reporter" }).className).not.toContain("st-internal");
    expect(within(timeline).getByRole("article", { name: "Duplicates merged by You" })).toBeTruthy();
  });

  it("triages with the ETag in If-Match and only what changed", async () => {
    handlers.unshift((r, body) => {
      if (r.method !== "PATCH" || path(r) !== `/support/reports/${R1}`) return undefined;
      report = { ...report, ...(JSON.parse(body) as Record<string, unknown>), version: 5 };
      return json(200, report, { ETag: '"5"' });
    });
    open(`/support/reports/${R1}`);
    const form = await screen.findByRole("form", { name: "Triage" });
    fireEvent.click(within(form).getByRole("button", { name: "Save the triage" }));
    expect(await within(form).findByText(/Nothing has changed/)).toBeTruthy();
    expect(sent("PATCH", `/support/reports/${R1}`)).toHaveLength(0);

    fireEvent.change(within(form).getByLabelText("Severity"), { target: { value: "critical" } });
    fireEvent.change(within(form).getByLabelText("Status"), { target: { value: "in-progress" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save the triage" }));
    expect(await screen.findByText("Triage saved.")).toBeTruthy();
    const [patch] = sent("PATCH", `/support/reports/${R1}`);
    expect(patch!.headers.get("If-Match")).toBe('"4"');
    expect(JSON.parse(patch!.body)).toEqual({ severity: "critical", status: "in-progress" });
    // The report is read again (its new version is what the next change sends).
    await waitFor(() => expect(sent("GET", `/support/reports/${R1}`).length).toBeGreaterThan(1));
  });

  it("assigns to me and unassigns", async () => {
    handlers.unshift((r, body) => {
      if (r.method !== "PATCH") return undefined;
      report = { ...report, ...(JSON.parse(body) as Record<string, unknown>), version: report.version + 1 };
      return json(200, report, { ETag: `"${report.version}"` });
    });
    open(`/support/reports/${R1}`);
    const triage = await screen.findByRole("region", { name: "Triage" });
    expect(within(triage).queryByRole("button", { name: "Unassign" })).toBeNull();
    fireEvent.click(within(triage).getByRole("button", { name: "Assign to me" }));
    expect(await within(triage).findByText("Assigned to you.")).toBeTruthy();
    expect(JSON.parse(sent("PATCH", `/support/reports/${R1}`)[0]!.body)).toEqual({ assignee: ME });
    fireEvent.click(await within(triage).findByRole("button", { name: "Unassign" }));
    await waitFor(() => expect(sent("PATCH", `/support/reports/${R1}`)).toHaveLength(2));
    const second = sent("PATCH", `/support/reports/${R1}`)[1]!;
    expect(JSON.parse(second.body)).toEqual({ assignee: null });
    expect(second.headers.get("If-Match")).toBe('"5"');
  });

  it("says so when someone changed the report meanwhile (412), and reads it again", async () => {
    handlers.unshift((r) => (r.method === "PATCH" ? problem(412, "The resource changed since you read it") : undefined));
    open(`/support/reports/${R1}`);
    const form = await screen.findByRole("form", { name: "Triage" });
    fireEvent.change(within(form).getByLabelText("Severity"), { target: { value: "low" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save the triage" }));
    expect(await screen.findByText(/Someone changed this report since you opened it/)).toBeTruthy();
    await waitFor(() => expect(sent("GET", `/support/reports/${R1}`).length).toBeGreaterThan(1));
  });

  it("replies to the reporter and resolves in the same write", async () => {
    handlers.unshift((r) => (r.method === "POST" && path(r) === `/support/reports/${R1}/replies` ? json(201, report) : undefined));
    open(`/support/reports/${R1}`);
    const form = await screen.findByRole("form", { name: "Reply to the reporter" });
    fireEvent.click(within(form).getByRole("button", { name: "Send the reply" }));
    expect(await within(form).findByText("Fill this in.")).toBeTruthy();
    expect(sent("POST", `/support/reports/${R1}/replies`)).toHaveLength(0);
    fireEvent.change(within(form).getByLabelText("Your reply"), { target: { value: "  Fixed: please try again.  " } });
    fireEvent.change(within(form).getByLabelText("Status after this reply"), { target: { value: "resolved" } });
    fireEvent.click(within(form).getByRole("button", { name: "Send the reply" }));
    expect(await within(form).findByText("Reply sent.")).toBeTruthy();
    const [post] = sent("POST", `/support/reports/${R1}/replies`);
    expect(JSON.parse(post!.body)).toEqual({ text: "Fixed: please try again.", status: "resolved" });
    expect(post!.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("adds an internal note", async () => {
    handlers.unshift((r) => (r.method === "POST" && path(r) === `/support/reports/${R1}/notes` ? json(201, report) : undefined));
    open(`/support/reports/${R1}`);
    const form = await screen.findByRole("form", { name: "Internal note" });
    fireEvent.change(within(form).getByLabelText("Note"), { target: { value: "Asked the vendor." } });
    fireEvent.click(within(form).getByRole("button", { name: "Add the note" }));
    expect(await within(form).findByText("Note added.")).toBeTruthy();
    expect(JSON.parse(sent("POST", `/support/reports/${R1}/notes`)[0]!.body)).toEqual({ text: "Asked the vendor." });
  });

  it("merges into another report by its id, and shows the API's refusal by the field", async () => {
    handlers.unshift((r) =>
      r.method === "POST" && path(r) === `/support/reports/${R1}/merge`
        ? problem(422, "Some fields are missing or invalid", [{ field: "into", message: "that report is merged already" }])
        : undefined,
    );
    open(`/support/reports/${R1}`);
    const form = await screen.findByRole("form", { name: "Merge into another report" });
    fireEvent.change(within(form).getByLabelText("Id of the original report"), { target: { value: R1 } });
    fireEvent.click(within(form).getByRole("button", { name: "Merge as a duplicate" }));
    expect(await within(form).findByText(/Give the id of another report/)).toBeTruthy();
    expect(sent("POST", `/support/reports/${R1}/merge`)).toHaveLength(0);
    fireEvent.change(within(form).getByLabelText("Id of the original report"), { target: { value: ` ${R2.toLowerCase()} ` } });
    fireEvent.click(within(form).getByRole("button", { name: "Merge as a duplicate" }));
    expect(await within(form).findByText("that report is merged already")).toBeTruthy();
    expect(JSON.parse(sent("POST", `/support/reports/${R1}/merge`)[0]!.body)).toEqual({ into: R2 });
  });

  it("points a merged duplicate to its original and offers no second merge", async () => {
    report = teamReport({ mergedInto: R2, duplicates: [] });
    open(`/support/reports/${R1}`);
    expect(await screen.findByText(/This report is a duplicate/)).toBeTruthy();
    expect(screen.getByRole("link", { name: R2 }).getAttribute("href")).toBe(`/support/reports/${R2}`);
    expect(screen.queryByRole("form", { name: "Merge into another report" })).toBeNull();
  });

  it("turns the feature off for a cohort only with a reason, and says what the switch is now", async () => {
    handlers.unshift((r) =>
      r.method === "POST" && path(r) === `/support/reports/${R1}/switch-off`
        ? json(200, {
            feature: "online-booking",
            switch: { mode: "rules", cohorts: ["clinic-a"], percentage: 0, staffRoles: [], killed: false, version: 7 },
          })
        : undefined,
    );
    open(`/support/reports/${R1}`);
    const section = await screen.findByRole("region", { name: "Turn the feature off" });
    fireEvent.click(within(section).getByRole("button", { name: "Turn a feature off…" }));
    const form = within(section).getByRole("form", { name: "Turn the feature off" });
    // The report's feature is chosen already.
    expect((within(form).getByLabelText("Feature") as HTMLSelectElement).value).toBe("online-booking");
    fireEvent.click(within(form).getByRole("button", { name: "Turn it off" }));
    expect(await within(form).findAllByText("Fill this in.")).toHaveLength(2);
    fireEvent.change(within(form).getByLabelText(/^Cohort/), { target: { value: "beta-1" } });
    fireEvent.change(within(form).getByLabelText(/^Reason/), { target: { value: "ok" } });
    fireEvent.click(within(form).getByRole("button", { name: "Turn it off" }));
    expect(await within(form).findByText(/at least 3 characters/)).toBeTruthy();
    expect(sent("POST", `/support/reports/${R1}/switch-off`)).toHaveLength(0);
    fireEvent.change(within(form).getByLabelText(/^Reason/), { target: { value: "Bookings freeze for this cohort." } });
    fireEvent.click(within(form).getByRole("button", { name: "Turn it off" }));
    expect(await within(section).findByText("beta-1 no longer has Online booking. Cohorts still on: clinic-a.")).toBeTruthy();
    expect(JSON.parse(sent("POST", `/support/reports/${R1}/switch-off`)[0]!.body)).toEqual({
      feature: "online-booking",
      scope: "cohort",
      cohort: "beta-1",
      reason: "Bookings freeze for this cohort.",
    });
  });

  it("turns the feature off for everyone without a cohort", async () => {
    handlers.unshift((r) =>
      r.method === "POST" && path(r) === `/support/reports/${R1}/switch-off`
        ? json(200, { feature: "messaging", switch: { mode: "everyone", cohorts: [], percentage: 0, staffRoles: [], killed: true, version: 3 } })
        : undefined,
    );
    open(`/support/reports/${R1}`);
    const section = await screen.findByRole("region", { name: "Turn the feature off" });
    fireEvent.click(within(section).getByRole("button", { name: "Turn a feature off…" }));
    const form = within(section).getByRole("form", { name: "Turn the feature off" });
    fireEvent.change(within(form).getByLabelText("Feature"), { target: { value: "messaging" } });
    fireEvent.click(within(form).getByRole("radio", { name: "Everyone (the kill switch)" }));
    expect(within(form).queryByLabelText(/^Cohort/)).toBeNull();
    fireEvent.change(within(form).getByLabelText(/^Reason/), { target: { value: "Messages go to the wrong patient." } });
    fireEvent.click(within(form).getByRole("button", { name: "Turn it off" }));
    expect(await within(section).findByText("Messaging is off for everyone.")).toBeTruthy();
    expect(JSON.parse(sent("POST", `/support/reports/${R1}/switch-off`)[0]!.body)).toEqual({
      feature: "messaging",
      scope: "everyone",
      reason: "Messages go to the wrong patient.",
    });
  });

  it("is not found when the API says so", async () => {
    open(`/support/reports/${R2}`);
    expect(await screen.findByRole("heading", { name: "Not found" })).toBeTruthy();
  });
});

describe("incidents", () => {
  it("lists incidents and asks for the active ones", async () => {
    open("/support/incidents");
    const table = await screen.findByRole("table", { name: "Incidents, newest first" });
    await within(table).findByRole("link", { name: "Booking is failing" });
    expect(cells(table)[0]!.slice(0, 3)).toEqual(["Booking is failing", "Investigating", "Online booking"]);
    fireEvent.click(within(screen.getByRole("navigation", { name: "Which incidents" })).getByRole("link", { name: "Active" }));
    await screen.findByRole("table", { name: "Active incidents, newest first" });
    expect(new URL(calls.at(-1)!.url).searchParams.get("state")).toBe("active");
  });

  it("opens an incident: the missing parts first, then exactly this, and goes to it", async () => {
    handlers.unshift((r) => (r.method === "POST" && path(r) === "/support/incidents" ? json(201, incident(), { ETag: '"1"' }) : undefined));
    open("/support/incidents");
    const form = await screen.findByRole("form", { name: "Open an incident" });
    fireEvent.click(within(form).getByRole("button", { name: "Open the incident" }));
    expect(await within(form).findByText("Choose between 1 and 10 features.")).toBeTruthy();
    expect(within(form).getAllByText("Fill this in.")).toHaveLength(2);
    expect(sent("POST", "/support/incidents")).toHaveLength(0);
    fireEvent.change(within(form).getByLabelText(/^Title/), { target: { value: " Booking is failing " } });
    fireEvent.click(within(form).getByRole("checkbox", { name: "Online booking" }));
    fireEvent.click(within(form).getByRole("checkbox", { name: "Waitlist" }));
    fireEvent.click(within(form).getByRole("radio", { name: "Cause identified" }));
    fireEvent.change(within(form).getByLabelText(/^First update/), { target: { value: "Bookings fail after choosing a time." } });
    fireEvent.click(within(form).getByRole("button", { name: "Open the incident" }));
    await waitFor(() => expect(location.pathname).toBe(`/support/incidents/${INC}`));
    const [post] = sent("POST", "/support/incidents");
    expect(JSON.parse(post!.body)).toEqual({
      title: "Booking is failing",
      features: ["online-booking", "waitlist"],
      status: "identified",
      text: "Bookings fail after choosing a time.",
    });
    expect(post!.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("shows an incident's updates newest first and posts the next with If-Match", async () => {
    handlers.unshift((r) =>
      r.method === "POST" && path(r) === `/support/incidents/${INC}/updates` ? json(200, incident({ status: "resolved", version: 3 }), { ETag: '"3"' }) : undefined,
    );
    open(`/support/incidents/${INC}`);
    expect(await screen.findByRole("heading", { name: "Booking is failing", level: 1 })).toBeTruthy();
    const updates = screen.getByRole("region", { name: "Updates, newest first" });
    expect(within(updates).getAllByRole("listitem").map((li) => li.querySelector(".message-text")?.textContent)).toEqual([
      "A slot lock is stuck.",
      "We are looking into it.",
    ]);
    const form = screen.getByRole("form", { name: "Post an update" });
    // The form starts from the incident's status.
    expect((within(form).getByRole("radio", { name: "Investigating" }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(within(form).getByRole("radio", { name: "Resolved" }));
    fireEvent.change(within(form).getByLabelText(/^Update/), { target: { value: "Fixed." } });
    fireEvent.click(within(form).getByRole("button", { name: "Post the update" }));
    expect(await within(form).findByText("Update posted.")).toBeTruthy();
    const [post] = sent("POST", `/support/incidents/${INC}/updates`);
    expect(post!.headers.get("If-Match")).toBe('"2"');
    expect(JSON.parse(post!.body)).toEqual({ status: "resolved", text: "Fixed." });
  });

  it("says so when someone posted an update meanwhile (412)", async () => {
    handlers.unshift((r) => (r.method === "POST" ? problem(412, "The resource changed since you read it") : undefined));
    open(`/support/incidents/${INC}`);
    const form = await screen.findByRole("form", { name: "Post an update" });
    fireEvent.change(within(form).getByLabelText(/^Update/), { target: { value: "Still looking." } });
    fireEvent.click(within(form).getByRole("button", { name: "Post the update" }));
    expect(await within(form).findByText(/Someone posted an update since you opened this incident/)).toBeTruthy();
  });
});

describe("the screens' logic", () => {
  it("orders open reports by due, paused last, keeping the API's order otherwise", () => {
    const items = [
      { id: "a", due: null },
      { id: "b", due: "2026-03-03T10:00:00Z" },
      { id: "c", due: "2026-03-02T10:00:00Z" },
      { id: "d", due: null },
    ];
    expect(queueOrder(items, "open").map((i) => i.id)).toEqual(["c", "b", "a", "d"]);
    expect(queueOrder(items, "resolved").map((i) => i.id)).toEqual(["a", "b", "c", "d"]);
  });

  it("sends only the triage fields that changed; clearing the feature is null", () => {
    const current = { severity: "high", status: "triaged", feature: "messaging" };
    expect(triageBody(current, { severity: "high", status: "triaged", feature: "" })).toEqual({ body: { feature: null } });
    expect(triageBody(current, { severity: "high", status: "triaged", feature: "messaging" })).toEqual({ errors: { body: "nothingChanged" } });
    expect(triageBody({ severity: null, status: "new", feature: null }, { severity: "low", status: "new", feature: "" })).toEqual({ body: { severity: "low" } });
  });

  it("checks a merge's id and a switch-off's parts", () => {
    expect(mergeBody(R1, "")).toEqual({ errors: { into: "required" } });
    expect(mergeBody(R1, "nope")).toEqual({ errors: { into: "invalidId" } });
    expect(mergeBody(R1, R2.toLowerCase())).toEqual({ body: { into: R2 } });
    expect(switchOffBody({ feature: "", scope: "everyone", cohort: "x", reason: "Because it breaks." })).toEqual({ errors: { feature: "required" } });
    expect(switchOffBody({ feature: "messaging", scope: "everyone", cohort: "ignored", reason: " Because. " })).toEqual({
      body: { feature: "messaging", scope: "everyone", reason: "Because." },
    });
  });

  it("has every English key in Spanish with the same placeholders", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      expect(es[k], k).toBeTruthy();
      expect(placeholders(es[k]), k).toEqual(placeholders(en[k]));
      expect(k.startsWith("supportTeam."), k).toBe(true);
    }
  });
});
