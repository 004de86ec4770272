import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App, makeQueryClient } from "../../App";
import { setSession } from "../../auth/session";

// The portal lead's screens against a stubbed API: what each sends, and how each answer reads.

const config = { apiUrl: "http://api.test", userPoolId: "p", clientId: "c", practiceTimeZone: "America/New_York" };
const P1 = "01HZZZZZZZZZZZZZZZZZZZZZZA";
const P2 = "01HZZZZZZZZZZZZZZZZZZZZZZB";

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
const problem = (status: number, title: string, errors?: { field: string; message: string }[]) =>
  json(status, { type: "x", title, status, ...(errors ? { errors } : {}) }, "application/problem+json");

type Call = { method: string; url: string; body: string; headers: Headers };
type Handler = (request: Request, body: string) => Response | undefined;
let handlers: Handler[] = [];
let calls: Call[] = [];

const cohort = { name: "beta-1", description: "First patients", beta: true, memberCount: 1, createdAt: "2026-03-01T10:00:00Z", createdBy: "lead" };
const member = { patientId: P1, name: { given: "Ana", family: "Lopez" }, birthDate: "1980-04-12", addedAt: "2026-03-01T10:00:00Z", addedBy: "lead" };

const everyone = (feature: string) => ({ feature, mode: "everyone", cohorts: [], percentage: 0, staffRoles: [], killed: false, version: 0 });
let switches: ReturnType<typeof everyone>[] = [];

beforeEach(() => {
  calls = [];
  switches = ["record-import", "messaging", "online-booking", "waitlist", "check-in", "care-circle"].map(everyone);
  switches[2] = { ...switches[2]!, version: 3 };
  handlers = [
    (r) => (r.url.endsWith("/account/agreements") ? json(200, { items: [] }) : undefined),
    (r) => (r.method === "GET" && new URL(r.url).pathname === "/rollout/cohorts" ? json(200, { items: [cohort], nextCursor: null }) : undefined),
    (r) => (r.method === "GET" && r.url.endsWith("/rollout/cohorts/beta-1") ? json(200, cohort) : undefined),
    (r) =>
      r.method === "GET" && new URL(r.url).pathname === "/rollout/cohorts/beta-1/members"
        ? json(200, { items: [member], nextCursor: null })
        : undefined,
    (r) => (new URL(r.url).pathname === "/rollout/features" ? json(200, { items: switches }) : undefined),
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
  setSession({ idToken: "t", claims: { sub: "lead", groups: ["portal-leads"], exp: 9e9 } });
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  setSession(null);
});

function open(path: string) {
  history.replaceState(null, "", path);
  render(<App config={config} queryClient={makeQueryClient()} />);
}

const sent = (method: string, path: string) => calls.filter((c) => c.method === method && new URL(c.url).pathname === path);

describe("a cohort", () => {
  it("uploads the practice's list as CSV and shows each row's outcome, refused rows first with the reason", async () => {
    handlers.unshift((r) =>
      r.method === "POST" && r.url.endsWith("/rollout/cohorts/beta-1/uploads")
        ? json(200, {
            uploadId: "01U",
            rows: [
              { row: 2, outcome: "created", patientId: P2 },
              { row: 3, outcome: "matched", patientId: P1, alreadyIn: true },
              { row: 4, outcome: "refused", reason: "date_of_birth: not a date (YYYY-MM-DD)" },
            ],
            created: 1,
            matched: 1,
            refused: 1,
            added: 1,
            alreadyIn: 1,
          })
        : undefined,
    );
    open("/rollout/cohorts/beta-1");
    expect(await screen.findByRole("heading", { name: "Cohort beta-1", level: 1 })).toBeTruthy();
    expect(await screen.findByRole("rowheader", { name: "Ana Lopez" })).toBeTruthy();

    // No file: said next to the file field, nothing sent.
    fireEvent.click(screen.getByRole("button", { name: "Upload the list" }));
    expect(await screen.findByText("Choose a CSV file first.")).toBeTruthy();
    expect(sent("POST", "/rollout/cohorts/beta-1/uploads")).toHaveLength(0);

    const csv = "family_name,given_name,date_of_birth,email,phone\nReyes,Lucia,1988-02-03,,\nLopez,Ana,1980-04-12,,\nDiaz,Rosa,01/07/1990,,\n";
    fireEvent.change(screen.getByLabelText("CSV file"), { target: { files: [new File([csv], "list.csv", { type: "text/csv" })] } });
    fireEvent.click(screen.getByRole("button", { name: "Upload the list" }));
    const report = await screen.findByRole("region", { name: "Upload report" });
    const [upload] = sent("POST", "/rollout/cohorts/beta-1/uploads");
    expect(upload!.body).toBe(csv);
    expect(upload!.headers.get("Content-Type")).toBe("text/csv");

    expect(within(report).getByText(/1 created, 1 matched, 1 refused\./)).toBeTruthy();
    expect(within(report).getByText(/Correct the refused rows/)).toBeTruthy();
    const rows = within(report).getAllByRole("row").slice(1).map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent));
    expect(rows).toEqual([
      ["4", "Refused", "", "date_of_birth: not a date (YYYY-MM-DD)"],
      ["2", "Created", P2, ""],
      ["3", "Matched", P1, ""],
    ]);
  });

  it("adds patients by id, each once, and says who joined, who was in already, and who was refused", async () => {
    handlers.unshift((r) =>
      r.method === "POST" && r.url.endsWith("/rollout/cohorts/beta-1/members")
        ? json(200, { added: [P2], alreadyIn: [P1], refused: [{ patientId: "01HZZZZZZZZZZZZZZZZZZZZZZC", reason: "no patient has this id" }] })
        : undefined,
    );
    open("/rollout/cohorts/beta-1");
    const form = await screen.findByRole("form", { name: "Add patients by id" });
    fireEvent.click(within(form).getByRole("button", { name: "Add to the cohort" }));
    expect(await within(form).findByText("Enter at least one patient id.")).toBeTruthy();

    fireEvent.change(within(form).getByLabelText(/Patient ids/), { target: { value: `${P1}\n${P2}, ${P1}\n01HZZZZZZZZZZZZZZZZZZZZZZC` } });
    fireEvent.click(within(form).getByRole("button", { name: "Add to the cohort" }));
    expect(await within(form).findByText("Added 1; already in the cohort 1; refused 1.")).toBeTruthy();
    expect(within(form).getByText(/no patient has this id/)).toBeTruthy();
    expect(JSON.parse(sent("POST", "/rollout/cohorts/beta-1/members")[0]!.body)).toEqual({
      patientIds: [P1, P2, "01HZZZZZZZZZZZZZZZZZZZZZZC"],
    });
  });

  it("starts a wave and opens it, with its progress, its members and the re-send", async () => {
    const wave = (counts: Record<string, number>, sending: boolean) => ({
      waveId: "01W",
      cohort: "beta-1",
      ratePerHour: 30,
      deliverBy: "sms",
      expiresInDays: 30,
      createdAt: "2026-03-01T10:00:00Z",
      createdBy: "lead",
      members: 3,
      sending,
      counts: { queued: 0, invited: 0, delivered: 0, activated: 0, expired: 0, refused: 0, ...counts },
    });
    handlers.unshift(
      (r) => (r.method === "POST" && r.url.endsWith("/rollout/cohorts/beta-1/waves") ? json(201, wave({ queued: 2, refused: 1 }, true)) : undefined),
      (r) =>
        r.method === "GET" && new URL(r.url).pathname === "/rollout/waves/01W"
          ? json(200, {
              ...wave({ invited: 2, delivered: 2, activated: 1, refused: 1 }, false),
              membersPage: {
                items: [
                  { patientId: P1, status: "activated", invitedAt: "2026-03-01T10:01:00Z", sends: 1 },
                  { patientId: P2, status: "delivered", invitedAt: "2026-03-01T10:03:00Z", sends: 1 },
                  { patientId: "01HZZZZZZZZZZZZZZZZZZZZZZC", status: "refused", reason: "no-contact", sends: 0 },
                ],
                nextCursor: null,
              },
            })
          : undefined,
      (r) => (r.method === "POST" && r.url.endsWith("/rollout/waves/01W/resend") ? json(200, { waveId: "01W", requeued: 1 }) : undefined),
    );
    open("/rollout/cohorts/beta-1");
    const form = await screen.findByRole("form", { name: "Send a wave of invitations" });
    fireEvent.change(within(form).getByLabelText("Invitations per hour"), { target: { value: "30" } });
    fireEvent.click(within(form).getByRole("radio", { name: "Text message" }));
    fireEvent.click(within(form).getByRole("button", { name: "Start the wave" }));
    expect(await screen.findByRole("heading", { name: "Invitation wave for beta-1", level: 1 })).toBeTruthy();
    expect(location.pathname).toBe("/rollout/waves/01W");
    expect(JSON.parse(sent("POST", "/rollout/cohorts/beta-1/waves")[0]!.body)).toEqual({ ratePerHour: 30, deliverBy: "sms" });
    expect(await screen.findByText("1 of 3 activated")).toBeTruthy();
    expect(screen.getByText("30 per hour, by Text message")).toBeTruthy();
    expect(screen.getByRole("row", { name: /01HZZZZZZZZZZZZZZZZZZZZZZC Refused \(no email or mobile number on file\)/ })).toBeTruthy();
    // One was sent a code and has not activated: the re-send is offered.
    fireEvent.click(screen.getByRole("button", { name: "Re-send to those who have not activated" }));
    expect(await screen.findByText("New codes queued, sent at the wave's rate: 1.")).toBeTruthy();
    expect(sent("POST", "/rollout/waves/01W/resend")).toHaveLength(1);
  });
});

describe("feature switches", () => {
  it("opens a feature to a cohort: the whole switch, its version in If-Match, and a reason", async () => {
    handlers.unshift((r, body) => {
      if (r.method !== "PUT" || !r.url.endsWith("/rollout/features/online-booking")) return undefined;
      const change = JSON.parse(body) as Record<string, unknown>;
      switches[2] = { ...switches[2]!, ...(change as object), version: 4 } as ReturnType<typeof everyone>;
      return json(200, switches[2]);
    });
    open("/rollout/features");
    const card = await screen.findByRole("region", { name: "Online booking" });
    expect(within(card).getByText("On for everyone")).toBeTruthy();
    fireEvent.click(within(card).getByText("Change: Online booking"));
    const form = within(card).getByRole("form", { name: "Change: Online booking" });
    fireEvent.click(within(form).getByRole("radio", { name: /Chosen cohorts/ }));
    fireEvent.click(await within(form).findByRole("checkbox", { name: "beta-1" }));
    // Without a reason nothing is sent.
    fireEvent.click(within(form).getByRole("button", { name: "Save the switch" }));
    expect(await within(form).findByText("Give a reason: it is kept with the change.")).toBeTruthy();
    expect(sent("PUT", "/rollout/features/online-booking")).toHaveLength(0);

    fireEvent.change(within(form).getByLabelText("Reason for the change"), { target: { value: "Open booking to the beta" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save the switch" }));
    const updated = await screen.findByText("On for some");
    const [put] = sent("PUT", "/rollout/features/online-booking");
    expect(put!.headers.get("If-Match")).toBe('"3"');
    expect(JSON.parse(put!.body)).toEqual({
      mode: "rules",
      cohorts: ["beta-1"],
      percentage: 0,
      staffRoles: [],
      killed: false,
      reason: "Open booking to the beta",
    });
    const saved = screen.getByRole("region", { name: "Online booking" });
    expect(within(saved).getByText("Version 4")).toBeTruthy();
    expect(updated).toBeTruthy();
  });

  it("says so when someone changed the switch meanwhile (412) and shows the current one", async () => {
    handlers.unshift((r) => (r.method === "PUT" ? problem(412, "The resource changed since you read it") : undefined));
    open("/rollout/features");
    const card = await screen.findByRole("region", { name: "Messaging" });
    fireEvent.click(within(card).getByText("Change: Messaging"));
    const form = within(card).getByRole("form", { name: "Change: Messaging" });
    fireEvent.click(within(form).getByRole("radio", { name: "No one" }));
    fireEvent.change(within(form).getByLabelText("Reason for the change"), { target: { value: "Pause messaging" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save the switch" }));
    expect(await within(form).findByText(/Someone changed this switch since you opened it/)).toBeTruthy();
    await waitFor(() => expect(calls.filter((c) => new URL(c.url).pathname === "/rollout/features")).toHaveLength(2));
  });

  it("kills a feature only after a confirmation with a reason", async () => {
    handlers.unshift((r) => {
      if (r.method !== "POST" || !r.url.endsWith("/rollout/features/online-booking/kill")) return undefined;
      switches[2] = { ...switches[2]!, killed: true, version: 4 };
      return json(200, switches[2]);
    });
    open("/rollout/features");
    const card = await screen.findByRole("region", { name: "Online booking" });
    fireEvent.click(within(card).getByRole("button", { name: "Kill switch: turn off for everyone: Online booking" }));
    const confirm = within(card).getByRole("form", { name: "Kill switch: turn off for everyone" });
    expect(within(confirm).getByText(/Turn Online booking off for everyone\?/)).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(within(confirm).getByLabelText("Reason for the change")));
    fireEvent.click(within(confirm).getByRole("button", { name: "Turn it off for everyone" }));
    expect(await within(confirm).findByText("Give a reason: it is kept with the change.")).toBeTruthy();
    expect(sent("POST", "/rollout/features/online-booking/kill")).toHaveLength(0);

    fireEvent.change(within(confirm).getByLabelText("Reason for the change"), { target: { value: "Bookings land on the wrong day" } });
    fireEvent.click(within(confirm).getByRole("button", { name: "Turn it off for everyone" }));
    expect(await screen.findByText("Off for everyone (kill switch)")).toBeTruthy();
    expect(JSON.parse(sent("POST", "/rollout/features/online-booking/kill")[0]!.body)).toEqual({ reason: "Bookings land on the wrong day" });
    // Turning it back on is a change with the kill switch unticked.
    const killed = screen.getByRole("region", { name: "Online booking" });
    fireEvent.click(within(killed).getByText("Change: Online booking"));
    expect(within(killed).getByRole("checkbox", { name: /Kill switch on/ })).toHaveProperty("checked", true);
  });

  it("explains why a patient sees a feature", async () => {
    handlers.unshift((r) =>
      r.url.includes("/rollout/features/online-booking/explain")
        ? json(200, { feature: "online-booking", patientId: P1, on: true, reason: "cohort", cohort: "beta-1", bucket: 4321, percentage: 10 })
        : undefined,
    );
    open("/rollout/features");
    const card = await screen.findByRole("region", { name: "Online booking" });
    fireEvent.click(within(card).getByText("Explain for a patient: Online booking"));
    const form = within(card).getByRole("form", { name: "Explain for a patient: Online booking" });
    fireEvent.change(within(form).getByLabelText("Patient id"), { target: { value: ` ${P1} ` } });
    fireEvent.click(within(form).getByRole("button", { name: "Explain" }));
    expect(await within(form).findByText("On for this patient: the patient is in cohort beta-1.")).toBeTruthy();
    expect(within(form).getByText(/Bucket 4,321 of 10,000/)).toBeTruthy();
    expect(new URL(sent("GET", "/rollout/features/online-booking/explain")[0]!.url).searchParams.get("patientId")).toBe(P1);
  });
});

describe("adoption", () => {
  const rows = [
    { day: "2026-03-01", cohort: "all", metric: "activated", value: 3 },
    { day: "2026-03-01", cohort: "beta-1", metric: "activated", value: 2 },
    { day: "2026-03-02", cohort: "all", metric: "activated", value: 5 },
    { day: "2026-03-02", cohort: "all", metric: "use:online-booking", value: 7 },
  ];

  it("shows a line per day and cohort, a chart of the chosen figure, and downloads the same days as CSV", async () => {
    handlers.unshift((r) => {
      const url = new URL(r.url);
      if (url.pathname !== "/rollout/adoption") return undefined;
      return url.searchParams.get("format") === "csv"
        ? new Response("day,cohort,metric,value\r\n2026-03-01,all,activated,3\r\n", { status: 200, headers: { "Content-Type": "text/csv; charset=utf-8" } })
        : json(200, { from: url.searchParams.get("from"), to: url.searchParams.get("to"), timeZone: "America/New_York", rows });
    });
    const blobs: Blob[] = [];
    URL.createObjectURL = (b: Blob) => {
      blobs.push(b);
      return "blob:adoption";
    };
    URL.revokeObjectURL = () => {};
    const saved: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    open("/rollout/adoption");
    const table = await screen.findByRole("table", { name: "Adoption per day and cohort" });
    const lines = within(table).getAllByRole("row").slice(1).map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent));
    expect(lines.map((l) => [l[1], l[4], l[7]])).toEqual([
      ["All patients", "5", "7"],
      ["All patients", "3", "0"],
      ["beta-1", "2", "0"],
    ]);
    expect(within(table).getByRole("columnheader", { name: "Uses: Online booking" })).toBeTruthy();
    expect(screen.getByRole("img", { name: "Activated, All patients, per day over 2 days" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Cohort on the chart"), { target: { value: "beta-1" } });
    expect(await screen.findByRole("img", { name: "Activated, beta-1, per day over 2 days" })).toBeTruthy();

    const asked = new URL(sent("GET", "/rollout/adoption")[0]!.url).searchParams;
    fireEvent.click(screen.getByRole("button", { name: "Download as CSV" }));
    await waitFor(() => expect(blobs).toHaveLength(1));
    const csv = new URL(sent("GET", "/rollout/adoption").at(-1)!.url).searchParams;
    expect(csv.get("format")).toBe("csv");
    expect([csv.get("from"), csv.get("to")]).toEqual([asked.get("from"), asked.get("to")]);
    const text = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(blobs[0]!);
    });
    expect(text).toContain("2026-03-01,all,activated,3");
    expect(saved).toEqual([`adoption-${asked.get("from")}-${asked.get("to")}.csv`]);
  });

  it("puts a refused range next to its field", async () => {
    handlers.unshift((r) =>
      new URL(r.url).pathname === "/rollout/adoption" ? problem(422, "Some fields are missing or invalid", [{ field: "to", message: "must not be after today (2026-03-02)" }]) : undefined,
    );
    open("/rollout/adoption");
    const error = await screen.findByText("must not be after today (2026-03-02)");
    expect(screen.getByLabelText("To").getAttribute("aria-describedby")).toContain(error.id);
  });
});
