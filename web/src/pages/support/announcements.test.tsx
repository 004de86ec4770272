import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App, makeQueryClient } from "../../App";
import { setSession } from "../../auth/session";
import { announceBody, emptyAnnounceForm, errorAt, parseEmails, type AnnounceForm } from "./team/announce";
import { unreadCount, type WhatsNewItem } from "./whats-new";

// Announcements against a stubbed API: the team announces and follows who read and acknowledged;
// patients, caregivers and staff read what's new (marked read when shown) and staff acknowledge.

const config = { apiUrl: "http://api.test", userPoolId: "p", clientId: "c", practiceTimeZone: "America/New_York" };
const A1 = "01JANNOUNCE000000000000001";
const A2 = "01JANNOUNCE000000000000002";
const ZONE = "America/New_York";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
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

const path = (r: Request) => new URL(r.url).pathname;
const sent = (method: string, p: string) => calls.filter((c) => c.method === method && c.path === p);

const announcement = (over: Record<string, unknown> = {}) => ({
  announcementId: A1,
  title: "Check-in works again",
  body: "The check-in screen froze on Monday morning.\nIt is fixed.",
  link: null,
  audience: { kind: "staff", roles: ["front-desk"] },
  publishAt: "2026-03-02T14:00:00.000Z",
  expiresAt: null,
  acknowledgeBy: "2026-03-06T22:00:00.000Z",
  state: "published",
  counts: { read: 1, acknowledged: 1 },
  sent: true,
  createdBy: "sub-priya",
  createdAt: "2026-03-02T14:00:00.000Z",
  version: 1,
  ...over,
});

const item = (over: Partial<WhatsNewItem> = {}): WhatsNewItem => ({
  announcementId: A1,
  title: "Booking is faster",
  body: "Choosing a time no longer spins.",
  link: "https://practice.example/news/booking",
  publishAt: "2026-03-02T14:00:00.000Z",
  expiresAt: null,
  read: false,
  ...over,
});

beforeEach(() => {
  calls = [];
  features = [];
  localStorage.clear();
  handlers = [
    (r) => (r.url.endsWith("/account/agreements") ? json(200, { items: [] }) : undefined),
    (r) => (/\/patients\/[^/]+\/features$/.test(path(r)) ? json(200, { features }) : undefined),
    (r) => (path(r) === "/public/status" ? json(200, { generatedAt: "2026-03-02T12:00:00.000Z", incidents: [] }) : undefined),
    (r) => (path(r) === "/patients/me/feedback/prompt" ? json(200, { prompt: null }) : undefined),
  ];
  vi.stubGlobal("fetch", async (input: Request) => {
    const text = input.method === "GET" ? "" : await input.clone().text();
    const body = text ? JSON.parse(text) : undefined;
    calls.push({ method: input.method, path: path(input), body, headers: input.headers });
    for (const handler of handlers) {
      const response = handler(input, body);
      if (response) return response;
    }
    return problem(404, "Not found");
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

function signedIn(at: string, groups: string[], extra: Record<string, unknown> = {}) {
  setSession({ idToken: "t", claims: { sub: "u1", groups, exp: 9e9, ...extra } });
  history.replaceState(null, "", at);
  render(<App config={config} queryClient={makeQueryClient()} />);
}
const asPatient = (at: string) => signedIn(at, ["patients"], { patientId: "01P" });

const form = (over: Partial<AnnounceForm>): AnnounceForm => ({ ...emptyAnnounceForm(), title: "Fixed", body: "It works.", ...over });

describe("the announce form's logic", () => {
  it("names every missing or wrong field as the API does", () => {
    expect(announceBody(emptyAnnounceForm(), ZONE)).toEqual({ errors: { title: "required", body: "required" } });
    expect(announceBody(form({ kind: "cohort", cohort: "Beta One" }), ZONE)).toEqual({ errors: { "audience.cohort": "invalidCohort" } });
    expect(announceBody(form({ kind: "staff" }), ZONE)).toEqual({ errors: { "audience.roles": "rolesRequired" } });
    expect(announceBody(form({ kind: "practices", emails: "a@b.org, nope" }), ZONE)).toEqual({ errors: { "audience.emails": "invalidEmail" } });
    expect(announceBody(form({ link: "http://x.org" }), ZONE)).toEqual({ errors: { link: "invalidLink" } });
    expect(announceBody(form({ title: "x".repeat(121) }), ZONE)).toEqual({ errors: { title: "tooLong" } });
    expect(announceBody(form({ publishAt: "2026-03-05T09:00", expiresAt: "2026-03-05T09:00" }), ZONE)).toEqual({
      errors: { expiresAt: "expiresBeforePublish" },
    });
    expect(
      announceBody(form({ kind: "staff", roles: ["front-desk"], publishAt: "2026-03-05T09:00", acknowledgeBy: "2026-03-04T09:00" }), ZONE),
    ).toEqual({ errors: { acknowledgeBy: "acknowledgeBeforePublish" } });
  });

  it("sends times in UTC from the practice's clock, and acknowledgement only to staff", () => {
    expect(
      announceBody(
        form({ kind: "staff", roles: ["front-desk", "clinicians"], link: " https://practice.example/n ", acknowledgeBy: "2026-03-06T17:00" }),
        ZONE,
        Date.parse("2026-03-02T12:00:00Z"),
      ),
    ).toEqual({
      body: {
        title: "Fixed",
        body: "It works.",
        link: "https://practice.example/n",
        audience: { kind: "staff", roles: ["front-desk", "clinicians"] },
        acknowledgeBy: "2026-03-06T22:00:00Z",
      },
    });
    // A date left in a hidden field (the audience changed since) is not sent.
    expect(announceBody(form({ kind: "patients", acknowledgeBy: "2026-03-06T17:00" }), ZONE)).toEqual({
      body: { title: "Fixed", body: "It works.", audience: { kind: "patients" } },
    });
    expect(parseEmails("a@x.org\nA@X.ORG, b@y.org;  a@X.org")).toEqual(["a@x.org", "A@X.ORG", "b@y.org"]);
    expect(errorAt({ "audience.emails[1]": "bad" }, "audience.emails")).toBe("bad");
    expect(unreadCount([item(), item({ announcementId: A2, read: true })])).toBe(1);
  });
});

describe("the team's announcements", () => {
  it("lists them with audience, state and counts, and announces to staff with an acknowledgement due", async () => {
    const list = [
      announcement(),
      announcement({ announcementId: A2, title: "Planned downtime", audience: { kind: "cohort", cohort: "beta-1" }, state: "scheduled", acknowledgeBy: null, counts: { read: 0, acknowledged: 0 } }),
    ];
    handlers.unshift((r, body) => {
      if (path(r) !== "/support/announcements") return undefined;
      if (r.method === "GET") return json(200, { items: list });
      const created = announcement({ ...(body as object), announcementId: A2, counts: { read: 0, acknowledged: 0 } });
      return json(201, created, { ETag: '"1"', Location: `/support/announcements/${A2}` });
    });
    handlers.unshift((r) => (path(r) === `/support/announcements/${A2}` ? json(200, announcement({ announcementId: A2 }), { ETag: '"1"' }) : undefined));
    signedIn("/support/announcements", ["response-team"]);

    const table = await screen.findByRole("table", { name: "Announcements, newest first" });
    const rows = within(table)
      .getAllByRole("row")
      .slice(1)
      .map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent));
    expect(rows[0]).toEqual(["Check-in works again", "Staff: Front desk", "Published", expect.any(String), "1", "1"]);
    expect(rows[1]).toEqual(["Planned downtime", "Patients in the cohort beta-1", "Scheduled", expect.any(String), "0", "—"]);
    const nav = screen.getByRole("list", { name: "Support" });
    expect(within(nav).getAllByRole("link").map((a) => a.textContent)).toEqual(["Report queue", "Incidents", "Announcements"]);

    const announce = screen.getByRole("form", { name: "Announce" });
    // The acknowledgement date is offered for staff only.
    expect(within(announce).queryByLabelText(/^Acknowledge by/)).toBeNull();
    fireEvent.click(within(announce).getByRole("button", { name: "Announce it" }));
    expect((await within(announce).findAllByText("Please fill this in.")).length).toBe(2);
    expect(sent("POST", "/support/announcements")).toHaveLength(0);

    fireEvent.change(within(announce).getByLabelText(/^Title/), { target: { value: "Check-in works again" } });
    fireEvent.change(within(announce).getByLabelText(/^Text/), { target: { value: "It is fixed." } });
    fireEvent.click(within(announce).getByRole("radio", { name: "Staff in some roles" }));
    fireEvent.click(within(announce).getByRole("checkbox", { name: "Front desk" }));
    fireEvent.change(within(announce).getByLabelText(/^Acknowledge by/), { target: { value: "2099-03-06T17:00" } });
    fireEvent.click(within(announce).getByRole("button", { name: "Announce it" }));

    expect(await screen.findByRole("heading", { name: "Check-in works again", level: 1 })).toBeTruthy();
    const [post] = sent("POST", "/support/announcements");
    expect(post!.body).toEqual({
      title: "Check-in works again",
      body: "It is fixed.",
      audience: { kind: "staff", roles: ["front-desk"] },
      acknowledgeBy: "2099-03-06T22:00:00Z",
    });
    expect(post!.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{36}$/);
    expect(location.pathname).toBe(`/support/announcements/${A2}`);
  });

  it("puts the API's field errors beside their fields", async () => {
    handlers.unshift((r) => {
      if (path(r) !== "/support/announcements") return undefined;
      if (r.method === "GET") return json(200, { items: [] });
      return problem(422, "Some fields are missing or invalid", { errors: [{ field: "audience.cohort", message: "no cohort has this name" }] });
    });
    signedIn("/support/announcements", ["portal-leads"]);
    expect(await screen.findByText("Nothing announced yet.")).toBeTruthy();
    const announce = screen.getByRole("form", { name: "Announce" });
    fireEvent.change(within(announce).getByLabelText(/^Title/), { target: { value: "Beta news" } });
    fireEvent.change(within(announce).getByLabelText(/^Text/), { target: { value: "Thank you for trying it." } });
    fireEvent.click(within(announce).getByRole("radio", { name: "The patients of one cohort" }));
    fireEvent.change(within(announce).getByLabelText("Cohort name"), { target: { value: "beta-9" } });
    fireEvent.click(within(announce).getByRole("button", { name: "Announce it" }));
    expect(await within(announce).findByText("no cohort has this name")).toBeTruthy();
    expect(within(announce).getByLabelText("Cohort name").getAttribute("aria-invalid")).toBe("true");
    expect(sent("POST", "/support/announcements")[0]!.body).toMatchObject({ audience: { kind: "cohort", cohort: "beta-9" } });
  });

  it("shows counts and who has not acknowledged it, and ends it after asking", async () => {
    let current: Record<string, unknown> = announcement({ counts: { read: 2, acknowledged: 1 } });
    handlers.unshift((r) => (r.method === "GET" && path(r) === `/support/announcements/${A1}` ? json(200, current, { ETag: '"1"' }) : undefined));
    handlers.unshift((r) =>
      path(r) === `/support/announcements/${A1}/acknowledgements`
        ? json(200, {
            required: true,
            acknowledgeBy: "2026-03-06T22:00:00.000Z",
            overdue: true,
            acknowledged: [{ sub: "fd-1", name: "Tom Becker", at: "2026-03-07T15:00:00.000Z", late: true }],
            notAcknowledged: [{ sub: "fd-2", name: "Rosa Diaz", email: "rosa@demo.portal.test" }],
          })
        : undefined,
    );
    handlers.unshift((r) => {
      if (r.method !== "POST" || path(r) !== `/support/announcements/${A1}/expire`) return undefined;
      current = { ...current, state: "expired", expiresAt: "2026-03-08T10:00:00.000Z", version: 2 };
      return json(200, current, { ETag: '"2"' });
    });
    signedIn(`/support/announcements/${A1}`, ["response-team"]);

    const summary = await screen.findByRole("region", { name: "Summary" });
    const facts = Object.fromEntries(
      [...summary.querySelectorAll("dt")].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]),
    );
    expect(facts).toMatchObject({ State: "Published", Audience: "Staff: Front desk", Read: "2", Acknowledged: "1", Expires: "Never" });
    const acks = screen.getByRole("region", { name: "Acknowledgements" });
    expect(await within(acks).findByText("1 of 2 acknowledged.")).toBeTruthy();
    expect(within(acks).getByText(/^Overdue:/)).toBeTruthy();
    const pending = within(acks).getByRole("list", { name: "Not acknowledged yet" });
    expect(within(pending).getByText(/Rosa Diaz/)).toBeTruthy();
    expect(within(pending).getByRole("link", { name: "rosa@demo.portal.test" })).toBeTruthy();
    const done = within(acks).getByRole("table", { name: "Acknowledged" });
    expect(within(done).getByRole("rowheader", { name: "Tom Becker" })).toBeTruthy();
    expect(within(done).getByText("Late")).toBeTruthy();

    const end = screen.getByRole("region", { name: "End it now" });
    fireEvent.click(within(end).getByRole("button", { name: "End the announcement…" }));
    fireEvent.click(within(end).getByRole("button", { name: "Cancel" }));
    expect(sent("POST", `/support/announcements/${A1}/expire`)).toHaveLength(0);
    fireEvent.click(within(end).getByRole("button", { name: "End the announcement…" }));
    fireEvent.click(within(end).getByRole("button", { name: "Yes, end it now" }));
    expect(await within(end).findByText("The announcement has ended.")).toBeTruthy();
    expect(sent("POST", `/support/announcements/${A1}/expire`)).toHaveLength(1);
    expect(within(screen.getByRole("region", { name: "Summary" })).getByText("Expired")).toBeTruthy();
  });

  it("is not offered outside the team", async () => {
    signedIn("/account/whats-new", ["clinicians"]);
    const nav = await screen.findByRole("navigation", { name: "Main" });
    expect(within(nav).queryByRole("link", { name: "Announcements" })).toBeNull();
  });
});

describe("what's new for a patient", () => {
  it("lists the news, marks what it shows read, and the navigation's count drops", async () => {
    let items = [item(), item({ announcementId: A2, title: "New opening hours", link: null, read: true })];
    handlers.unshift((r) => (r.method === "GET" && path(r) === "/patients/me/announcements" ? json(200, { items }) : undefined));
    handlers.unshift((r) => {
      const m = r.method === "POST" && path(r).match(/^\/patients\/me\/announcements\/(\w+)\/read$/);
      if (!m) return undefined;
      items = items.map((i) => (i.announcementId === m[1] ? { ...i, read: true } : i));
      return new Response(null, { status: 204 });
    });
    asPatient("/p/me");
    const nav = await screen.findByRole("navigation", { name: "Main" });
    const entry = await within(nav).findByRole("link", { name: /^What's new\s*1\s*\(1 unread\)$|^What's new\s*\(1 unread\)$/ });
    fireEvent.click(entry);

    expect(await screen.findByRole("heading", { name: "What's new", level: 1 })).toBeTruthy();
    const first = screen.getByRole("article", { name: "Booking is faster New" });
    expect(within(first).getByText("Choosing a time no longer spins.")).toBeTruthy();
    expect(within(first).getByRole("link", { name: /^Read more about Booking is faster/ }).getAttribute("href")).toBe(
      "https://practice.example/news/booking",
    );
    expect(screen.getByRole("article", { name: "New opening hours" })).toBeTruthy();
    // A patient is never asked to acknowledge.
    expect(screen.queryByRole("button", { name: /I have read and understood/ })).toBeNull();
    await waitFor(() => expect(sent("POST", `/patients/me/announcements/${A1}/read`)).toHaveLength(1));
    expect(sent("POST", `/patients/me/announcements/${A2}/read`)).toHaveLength(0);
    await waitFor(() => expect(within(nav).getByRole("link", { name: "What's new" })).toBeTruthy());
    // Still tagged new on this visit.
    expect(screen.getByRole("article", { name: "Booking is faster New" })).toBeTruthy();
  });

  it("is not offered while the feature is off, and never asked for", async () => {
    features = [{ feature: "announcements", on: false }];
    asPatient("/p/me");
    const nav = await screen.findByRole("navigation", { name: "Main" });
    await within(nav).findByRole("link", { name: "Health record" });
    expect(within(nav).queryByRole("link", { name: /What's new/ })).toBeNull();
    expect(calls.some((c) => c.path.endsWith("/announcements"))).toBe(false);
  });
});

describe("what's new for staff", () => {
  it("asks for an acknowledgement by its date and records it", async () => {
    let items: WhatsNewItem[] = [
      item({ title: "Check-in works again", link: null, acknowledgeBy: "2099-03-06T22:00:00.000Z", acknowledgedAt: null }),
      item({ announcementId: A2, title: "Coffee machine", link: null, read: true, acknowledgeBy: null, acknowledgedAt: null }),
    ];
    handlers.unshift((r) => (r.method === "GET" && path(r) === "/account/announcements" ? json(200, { items }) : undefined));
    handlers.unshift((r) => (r.method === "POST" && path(r) === `/account/announcements/${A1}/read` ? new Response(null, { status: 204 }) : undefined));
    handlers.unshift((r) => {
      if (r.method !== "POST" || path(r) !== `/account/announcements/${A1}/acknowledgement`) return undefined;
      items = items.map((i) => (i.announcementId === A1 ? { ...i, read: true, acknowledgedAt: "2026-03-03T15:00:00.000Z" } : i));
      return json(200, { acknowledgedAt: "2026-03-03T15:00:00.000Z", late: false });
    });
    signedIn("/account/whats-new", ["front-desk"]);
    const article = await screen.findByRole("article", { name: "Check-in works again New" });
    expect(within(article).getByText(/^Please confirm that you have read and understood this by/)).toBeTruthy();
    expect(within(screen.getByRole("article", { name: "Coffee machine" })).queryByRole("button")).toBeNull();
    await waitFor(() => expect(sent("POST", `/account/announcements/${A1}/read`)).toHaveLength(1));

    const button = within(article).getByRole("button", { name: "I have read and understood: Check-in works again" });
    expect(button.getAttribute("aria-describedby")).toBeTruthy();
    fireEvent.click(button);
    expect(await within(article).findByText(/^You confirmed on .* that you have read and understood it\.$/)).toBeTruthy();
    expect(sent("POST", `/account/announcements/${A1}/acknowledgement`)).toHaveLength(1);
    expect(within(article).queryByRole("button")).toBeNull();
  });

  it("explains a refusal (it asks for no acknowledgement)", async () => {
    handlers.unshift((r) =>
      r.method === "GET" && path(r) === "/account/announcements"
        ? json(200, { items: [item({ read: true, link: null, acknowledgeBy: "2000-01-01T00:00:00.000Z", acknowledgedAt: null })] })
        : undefined,
    );
    handlers.unshift((r) =>
      path(r).endsWith("/acknowledgement")
        ? problem(409, "This announcement asks for no acknowledgement", { type: "https://patient-portal.dev/problems/no-acknowledgement" })
        : undefined,
    );
    signedIn("/account/whats-new", ["clinicians"]);
    const article = await screen.findByRole("article", { name: "Booking is faster" });
    expect(within(article).getByText(/^This was due by .*: please confirm now\.$/)).toBeTruthy();
    fireEvent.click(within(article).getByRole("button", { name: /^I have read and understood/ }));
    expect(await within(article).findByRole("alert")).toBeTruthy();
    expect(within(article).getByText("This announcement asks for no acknowledgement")).toBeTruthy();
  });
});
