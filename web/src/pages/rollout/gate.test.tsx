import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App, makeQueryClient } from "../../App";
import { setSession } from "../../auth/session";

// The app as a patient meets the rollout: the terms to accept before anything else, and the
// features switched off for her hidden (and explained when a route answers `feature-off`).

const config = { apiUrl: "http://api.test", userPoolId: "p", clientId: "c", practiceTimeZone: "America/New_York" };

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
const featureOff = () =>
  json(403, { type: "https://patient-portal.dev/problems/feature-off", title: "Feature off", status: 403, detail: "messaging is off" }, "application/problem+json");

type Handler = (request: Request, body: unknown) => Response | undefined;
let handlers: Handler[] = [];
let calls: { method: string; url: string; body: unknown }[] = [];

const terms = (over: Record<string, unknown> = {}) => ({
  kind: "terms-of-use",
  version: 2,
  title: "Terms of use",
  body: "Use the portal for your own care.\nKeep your password to yourself.",
  publishedAt: "2026-03-01T10:00:00Z",
  acceptedVersion: 1,
  pending: true,
  ...over,
});
const beta = {
  kind: "beta-terms",
  version: 1,
  title: "Beta terms",
  body: "We may ask you for feedback.",
  publishedAt: "2026-03-01T10:00:00Z",
  pending: true,
};

let agreements: unknown[] = [];
let features: { feature: string; on: boolean }[] = [];

beforeEach(() => {
  calls = [];
  agreements = [];
  features = [];
  handlers = [
    (r) => (r.url.endsWith("/account/agreements") ? json(200, { items: agreements }) : undefined),
    (r) => (r.url.endsWith("/patients/me/features") ? json(200, { features }) : undefined),
    (r) =>
      r.url.endsWith("/patients/me/summary")
        ? json(200, { activeProblems: [], currentMedications: [], allergies: [], latestVitals: [], recentResults: [], sources: [] })
        : undefined,
    (r) => (r.url.endsWith("/patients/me/profile") ? json(404, { type: "x", title: "Not found", status: 404 }) : undefined),
  ];
  vi.stubGlobal("fetch", async (input: Request) => {
    const text = input.method === "GET" ? "" : await input.clone().text();
    const body = text ? JSON.parse(text) : undefined;
    calls.push({ method: input.method, url: input.url, body });
    for (const handler of handlers) {
      const response = handler(input, body);
      if (response) return response;
    }
    return json(200, { items: [], nextCursor: null, totalUnread: 3 });
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

function signedIn(path: string, groups = ["patients"]) {
  setSession({ idToken: "t", claims: { sub: "u1", groups, patientId: "01P", exp: 9e9 } });
  history.replaceState(null, "", path);
  render(<App config={config} queryClient={makeQueryClient()} />);
}

describe("pending agreements", () => {
  it("asks for each pending agreement in turn before the app opens, and records the version accepted", async () => {
    agreements = [terms(), beta];
    handlers.unshift((r, body) => {
      const m = r.method === "POST" && r.url.match(/\/account\/agreements\/([\w-]+)\/acceptance$/);
      if (!m) return undefined;
      agreements = agreements.map((a) => ((a as { kind: string }).kind === m[1] ? { ...(a as object), pending: false, acceptedVersion: (body as { version: number }).version } : a));
      return json(201, { kind: m[1], version: (body as { version: number }).version, acceptedAt: "2026-03-02T10:00:00Z" });
    });
    signedIn("/p/me");

    expect(await screen.findByRole("heading", { name: "Before you continue", level: 1 })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Terms of use", level: 2 })).toBeTruthy();
    expect(screen.getByText(/Keep your password to yourself/)).toBeTruthy();
    expect(screen.getByText(/replaces version 1/)).toBeTruthy();
    // Nothing of the app before the terms: no navigation, no record.
    expect(screen.queryByRole("navigation", { name: "Main" })).toBeNull();
    expect(calls.some((c) => c.url.includes("/summary"))).toBe(false);

    // Accepting without ticking the box sends nothing and says why, next to the box.
    fireEvent.click(screen.getByRole("button", { name: "Accept and continue" }));
    const why = await screen.findByText("Tick the box to accept.");
    const box = screen.getByRole("checkbox", { name: "I have read and accept “Terms of use”" });
    expect(box.getAttribute("aria-describedby")).toBe(why.id);
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);

    fireEvent.click(box);
    fireEvent.click(screen.getByRole("button", { name: "Accept and continue" }));
    expect(await screen.findByRole("heading", { name: "Beta terms", level: 2 })).toBeTruthy();
    fireEvent.click(screen.getByRole("checkbox", { name: "I have read and accept “Beta terms”" }));
    fireEvent.click(screen.getByRole("button", { name: "Accept and continue" }));

    expect(await screen.findByRole("heading", { name: "Welcome" })).toBeTruthy();
    expect(screen.getByRole("navigation", { name: "Main" })).toBeTruthy();
    expect(calls.filter((c) => c.method === "POST").map((c) => [c.url, c.body])).toEqual([
      ["http://api.test/account/agreements/terms-of-use/acceptance", { version: 2 }],
      ["http://api.test/account/agreements/beta-terms/acceptance", { version: 1 }],
    ]);
  });

  it("lets the person sign out instead", async () => {
    agreements = [terms()];
    handlers.unshift((r) => (r.url.endsWith("/auth/sign-out") ? new Response(null, { status: 204 }) : undefined));
    setSession({ idToken: "t", refreshToken: "r", claims: { sub: "u1", groups: ["patients"], patientId: "01P", exp: 9e9 } });
    history.replaceState(null, "", "/p/me");
    render(<App config={config} queryClient={makeQueryClient()} />);
    fireEvent.click(await screen.findByRole("button", { name: "Not now: sign out" }));
    await waitFor(() => expect(location.pathname).toBe("/sign-in"));
  });

  it("opens the app at once when nothing is pending", async () => {
    agreements = [terms({ pending: false, acceptedVersion: 2 })];
    signedIn("/p/me");
    expect(await screen.findByRole("heading", { name: "Welcome" })).toBeTruthy();
  });
});

describe("features switched off for the patient", () => {
  it("hides their navigation entries, links and buttons", async () => {
    features = [
      { feature: "messaging", on: false },
      { feature: "online-booking", on: false },
      { feature: "care-circle", on: false },
      { feature: "check-in", on: true },
      { feature: "feedback", on: false },
      { feature: "problem-reports", on: false },
      { feature: "announcements", on: false },
      { feature: "refills", on: false },
      { feature: "education", on: false },
    ];
    signedIn("/p/me");
    expect(await screen.findByRole("heading", { name: "Welcome" })).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Main" });
    await within(nav).findByRole("link", { name: "Health record" });
    expect(within(nav).getAllByRole("link").map((a) => a.textContent)).toEqual(["Home", "Health record", "Appointments", "Profile", "Notifications", "Learn the portal"]);
    // No unread-messages card, and the conversations were never asked for.
    expect(screen.queryByRole("heading", { name: "Unread messages" })).toBeNull();
    expect(calls.some((c) => c.url.includes("/conversations"))).toBe(false);
    // Feedback off: no Feedback entry, and the app never asks whether to prompt.
    expect(calls.some((c) => c.url.includes("/feedback"))).toBe(false);

    fireEvent.click(within(nav).getByRole("link", { name: "Appointments" }));
    expect(await screen.findByRole("heading", { name: "Appointments" })).toBeTruthy();
    expect(screen.queryByRole("link", { name: "Book a visit" })).toBeNull();

    fireEvent.click(within(nav).getByRole("link", { name: "Profile" }));
    expect(await screen.findByRole("heading", { name: "More" })).toBeTruthy();
    expect(screen.queryByRole("link", { name: "Care circle" })).toBeNull();
    expect(screen.getByRole("link", { name: "Who accessed my record" })).toBeTruthy();
  });

  it("shows a friendly page at the address of a switched-off screen", async () => {
    features = [{ feature: "messaging", on: false }];
    signedIn("/p/me/messages/new");
    expect(await screen.findByRole("heading", { name: "Not available yet", level: 1 })).toBeTruthy();
    expect(screen.getByText(/opening the portal step by step/)).toBeTruthy();
    expect(screen.queryByLabelText("Subject")).toBeNull();
  });

  it("explains a route's feature-off answer kindly, without a retry", async () => {
    // The app's view is stale (messaging was on a minute ago); the API answers feature-off.
    features = [{ feature: "messaging", on: true }];
    handlers.unshift((r) => (r.url.endsWith("/patients/me/conversations") ? featureOff() : undefined));
    signedIn("/p/me/messages");
    expect(await screen.findByText("Not available yet")).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Not found" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Try again" })).toBeNull();
  });

  it("shows every feature when the switches cannot be read (the API still decides)", async () => {
    handlers.unshift((r) => (r.url.endsWith("/patients/me/features") ? json(404, { type: "x", title: "Not found", status: 404 }) : undefined));
    signedIn("/p/me/appointments");
    expect(await screen.findByRole("link", { name: "Book a visit" })).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "Messages" })).toBeTruthy();
  });
});

describe("the rollout section of the navigation", () => {
  it("is shown to portal leads, and to admins for adoption, polls and feedback", async () => {
    signedIn("/rollout/adoption", ["portal-leads"]);
    const section = await screen.findByRole("list", { name: "Rollout" });
    expect(within(section).getAllByRole("link").map((a) => a.textContent)).toEqual([
      "Cohorts",
      "Invitation waves",
      "Feature switches",
      "Terms",
      "Adoption",
      "Ideas",
      "Polls",
      "Feedback",
    ]);
    expect(within(section).getByRole("link", { name: "Adoption" }).getAttribute("aria-current")).toBe("page");
  });

  it("offers admins what they read (adoption, polls, feedback), and patients nothing of it", async () => {
    signedIn("/admin/audit", ["admins"]);
    const section = await screen.findByRole("list", { name: "Rollout" });
    expect(within(section).getAllByRole("link").map((a) => a.textContent)).toEqual(["Adoption", "Polls", "Feedback"]);
  });
});
